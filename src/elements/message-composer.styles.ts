import { css } from 'lit';
import { sharedStyles } from './styles/shared.styles.js';
import { linkCardStyles } from './thread/link-card.styles.js';

export const styles = [
  sharedStyles,
  linkCardStyles,
  css`
    :host {
      --_padding: var(--chat-message-composer-padding, 0.75rem);
      --_max-height: var(--chat-message-composer-max-height, 10rem);
      --_input-bg: var(--chat-message-composer-input-color, var(--_surface-raised));
      --_popover-width: var(--chat-message-composer-popover-width, 20rem);
      --_emoji-size: var(--chat-message-composer-emoji-size, 1.375rem);
      position: relative;
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
      /* One line at any width: an empty composer must not grow taller on a narrow screen. */
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }

    [part~='input']:focus-visible {
      outline: none;
      border-color: var(--_accent);
      box-shadow: 0 0 0 1px var(--_accent);
    }

    [part~='input'][aria-invalid='true'] {
      border-color: var(--_danger);
    }

    /* The round buttons: attach and emoji are quiet icons, send is filled with the accent. */
    [part~='attach-button'],
    [part~='emoji-button'],
    [part~='record-button'],
    [part~='send-button'] {
      flex: none;
      display: grid;
      place-items: center;
      width: 2.5rem;
      height: 2.5rem;
      padding: 0;
      border: 0;
      border-radius: 50%;
      cursor: pointer;
    }

    [part~='attach-button'],
    [part~='emoji-button'],
    [part~='record-button'] {
      background: transparent;
      color: var(--_muted);
    }

    /*
     * The microphone sits inside the end of the (empty) text area: its negative margin takes back
     * its width and the gap, so the text area keeps its width; the padding keeps the caret clear.
     * Holding it must not select text or start a touch gesture.
     */
    [part~='record-button'] {
      position: relative;
      z-index: 1;
      margin-inline-start: calc(-2.5rem - 0.5rem);
      touch-action: none;
      user-select: none;
      -webkit-user-select: none;
    }

    [part~='input']:has(+ [part~='record-button']) {
      padding-inline-end: 2.75rem;
    }

    [part~='record-button'][part~='recording'] {
      background: var(--_danger);
      color: #fff;
    }

    [part~='attach-button']:not(:disabled):hover,
    [part~='emoji-button']:not(:disabled):hover,
    [part~='record-button']:not(:disabled):not([part~='recording']):hover,
    [part~='emoji-button'][aria-expanded='true'] {
      background: var(--_hover);
      color: var(--_text);
    }

    [part~='attach-button']:disabled,
    [part~='emoji-button']:disabled,
    [part~='record-button']:disabled,
    [part~='send-button']:disabled {
      opacity: 0.4;
      cursor: default;
    }

    [part~='attach-button'] svg,
    [part~='emoji-button'] svg,
    [part~='record-button'] svg {
      width: 1.375rem;
      height: 1.375rem;
      fill: currentColor;
    }

    [part~='send-button'] {
      background: var(--_accent);
      color: var(--_on-accent);
      transition: opacity 120ms ease, transform 120ms ease;
    }

    [part~='send-button']:not(:disabled):active {
      transform: scale(0.94);
    }

    [part~='send-button'] svg {
      width: 1.125rem;
      height: 1.125rem;
      fill: currentColor;
    }

    /* The paper plane flies along the line: to the left in right-to-left text. */
    [part~='send-button'] svg:dir(rtl) {
      transform: scaleX(-1);
    }

    [part~='hint'] {
      margin: 0.375rem 0.875rem 0;
      font-size: 0.75rem;
      color: var(--_muted);
    }

    [part~='hint'][data-error],
    [part~='file-error'],
    [part~='record-error'] {
      color: var(--_danger);
    }

    [part~='file-error'],
    [part~='record-error'] {
      margin: 0.375rem 0.875rem 0;
      font-size: 0.75rem;
    }

    [part~='cancel-recording-button'],
    [part~='remove-preview-button'] {
      flex: none;
      width: 1.75rem;
      height: 1.75rem;
      padding: 0;
      border: 0;
      border-radius: 50%;
      font: inherit;
      font-size: 1.125rem;
      color: var(--_muted);
      background: transparent;
      cursor: pointer;
    }

    [part~='mute-notice'] {
      margin: 0;
      padding: 0.625rem 0.875rem;
      border-radius: calc(var(--_radius) + 4px);
      background: var(--_input-bg);
      color: var(--_muted);
      font-size: 0.875rem;
      text-align: center;
      overflow-wrap: anywhere;
    }

    [part~='drop-zone'] {
      position: absolute;
      inset: 0.25rem;
      z-index: 2;
      display: grid;
      place-items: center;
      border: 2px dashed var(--_accent);
      border-radius: var(--_radius);
      background: color-mix(in srgb, var(--_surface) 88%, var(--_accent));
      color: var(--_accent);
      font-weight: 600;
      pointer-events: none;
    }

    /* Popovers open upwards from the composer, over the thread. */
    [part~='emoji-picker'],
    [part~='mentions'] {
      position: absolute;
      bottom: calc(100% - 0.25rem);
      inset-inline-start: var(--_padding);
      z-index: 3;
      width: min(var(--_popover-width), calc(100% - 2 * var(--_padding)));
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: var(--_surface);
      box-shadow: 0 8px 24px rgb(0 0 0 / 0.16);
    }
  `,
];
