import { css } from 'lit';
import { sharedStyles } from './styles/shared.styles.js';

export const styles = [
  sharedStyles,
  css`
    :host {
      --_padding: var(--chat-message-composer-padding, 0.75rem);
      --_max-height: var(--chat-message-composer-max-height, 10rem);
      --_input-bg: var(--chat-message-composer-input-color, var(--_surface-raised));
      display: block;
      padding: var(--_padding);
      background: var(--_surface);
      border-top: 1px solid var(--_border);
    }

    form {
      display: flex;
      align-items: flex-end;
      gap: 0.5rem;
      margin: 0;
    }

    [part~='input'] {
      flex: 1;
      min-width: 0;
      min-height: 2.5rem;
      max-height: var(--_max-height);
      margin: 0;
      padding: 0.5625rem 0.875rem;
      border: 1px solid transparent;
      border-radius: calc(var(--_radius) + 4px);
      background: var(--_input-bg);
      color: var(--_text);
      font: inherit;
      line-height: 1.35;
      resize: none;
      field-sizing: content;
      overflow-y: auto;
    }

    [part~='input']::placeholder {
      color: var(--_muted);
    }

    [part~='input']:focus-visible {
      outline: none;
      border-color: var(--_accent);
      box-shadow: 0 0 0 1px var(--_accent);
    }

    [part~='input'][aria-invalid='true'] {
      border-color: var(--_danger);
    }

    [part~='send-button'] {
      flex: none;
      display: grid;
      place-items: center;
      width: 2.5rem;
      height: 2.5rem;
      padding: 0;
      border: 0;
      border-radius: 50%;
      background: var(--_accent);
      color: var(--_on-accent);
      cursor: pointer;
      transition: opacity 120ms ease, transform 120ms ease;
    }

    [part~='send-button']:not(:disabled):active {
      transform: scale(0.94);
    }

    [part~='send-button']:disabled {
      opacity: 0.4;
      cursor: default;
    }

    [part~='send-button'] svg {
      width: 1.125rem;
      height: 1.125rem;
      fill: currentColor;
    }

    [part~='hint'] {
      margin: 0.375rem 0.875rem 0;
      font-size: 0.75rem;
      color: var(--_muted);
    }

    [part~='hint'][data-error] {
      color: var(--_danger);
    }
  `,
];
