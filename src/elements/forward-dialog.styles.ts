import { css } from 'lit';
import { dialogStyles } from './styles/dialog.styles.js';
import { sharedStyles } from './styles/shared.styles.js';

export const styles = [
  sharedStyles,
  dialogStyles,
  css`
    :host {
      --_width: var(--chat-forward-dialog-width, min(28rem, 100vw - 2rem));
      --_list-height: var(--chat-forward-dialog-list-height, 16rem);
    }

    [part~='dialog'] {
      max-height: calc(100vh - 2rem);
      padding: 1rem 1.25rem;
    }

    [part~='title'] {
      margin: 0 0 0.75rem;
      font-size: 1.125rem;
    }

    [part~='preview'] {
      margin-bottom: 0.75rem;
      padding: 0.5rem 0.75rem;
      border-radius: calc(var(--_radius) / 2);
      background: var(--_surface-raised);
      font-size: 0.8125rem;
    }

    [part~='preview'] ul,
    [part~='targets'],
    [part~='results'] {
      margin: 0;
      padding: 0;
      list-style: none;
    }

    [part~='preview'] li {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }

    .merged {
      margin: 0 0 0.25rem;
      font-weight: 600;
    }

    [part~='targets'] {
      height: var(--_list-height);
      margin-block: 0.5rem;
      overflow-y: auto;
      border: 1px solid var(--_border);
      border-radius: calc(var(--_radius) / 2);
    }

    [part~='target'] label {
      display: flex;
      align-items: center;
      gap: 0.5rem;
      padding: 0.5rem 0.75rem;
      cursor: pointer;
    }

    [part~='target']:hover,
    [part~='target'].selected,
    [part~='target'][part~='selected'] {
      background: var(--_hover);
    }

    .label {
      flex: 1;
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
    }

    .kind,
    .empty {
      color: var(--_muted);
      font-size: 0.75rem;
    }

    .note {
      display: grid;
      gap: 0.25rem;
      font-size: 0.8125rem;
      color: var(--_muted);
    }

    [part~='result'] {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.25rem 0.5rem;
      padding: 0.5rem 0;
      border-bottom: 1px solid var(--_border);
    }

    [part~='result'][part~='sent'] .state {
      color: var(--_accent);
    }

    [part~='result'][part~='failed'] .state,
    [part~='error'] {
      color: var(--_danger);
    }

    [part~='error'] {
      flex-basis: 100%;
      font-size: 0.8125rem;
    }

    button {
      padding: 0.375rem 0.875rem;
    }

    [part~='confirm-button'],
    [part~='close-button'] {
      border-color: transparent;
      background: var(--_accent);
      color: var(--_on-accent);
    }

    [part~='confirm-button']:disabled {
      opacity: 0.5;
      cursor: not-allowed;
    }
  `,
];
