import { css } from 'lit';
import { dialogStyles } from '../styles/dialog.styles.js';
import { sharedStyles } from '../styles/shared.styles.js';

/** What the group dialogs share: a modal sized for 320 px screens up, fields, lists and buttons. */
export const groupDialogStyles = [
  sharedStyles,
  dialogStyles,
  css`
    :host {
      --_width: var(--chat-group-dialog-width, min(28rem, 100vw - 1rem));
    }

    [part~='dialog'] {
      max-height: calc(100dvh - 1rem);
      overflow-y: auto;
    }

    h2 {
      margin: 0;
      font-size: 1.125rem;
      overflow-wrap: anywhere;
    }

    h2 + input {
      margin-top: 0.75rem;
    }

    h3 {
      margin: 1rem 0 0.375rem;
      font-size: 0.875rem;
    }

    label {
      display: grid;
      gap: 0.25rem;
      margin-top: 0.5rem;
      font-size: 0.8125rem;
      color: var(--_muted);
    }

    input[type='text'],
    input[type='url'],
    input[type='search'],
    textarea {
      /* Not the label's smaller muted text. */
      font-size: 0.9375rem;
    }

    /* A hint longer than a phone's field (Arabic's, at 320 px) ends in "…", not mid-word. */
    input[type='search'] {
      text-overflow: ellipsis;
    }

    ul {
      margin: 0;
      padding: 0;
      list-style: none;
    }

    .list {
      max-height: 14rem;
      margin-block: 0.5rem;
      overflow-y: auto;
      border: 1px solid var(--_border);
      border-radius: calc(var(--_radius) / 2);
    }

    .row {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.25rem 0.5rem;
      padding: 0.5rem 0.75rem;
    }

    .row + .row {
      border-top: 1px solid var(--_border);
    }

    .row label {
      display: flex;
      flex: 1;
      align-items: center;
      gap: 0.5rem;
      margin: 0;
      color: var(--_text);
      font-size: inherit;
      cursor: pointer;
    }

    /* Its own width first (flex: auto, not 1): the row's buttons wrap to a line below rather than
       squeeze a member's name to a letter a line; a name longer than the row still wraps. */
    .who {
      flex: auto;
      min-width: 0;
      overflow-wrap: anywhere;
    }

    /* A row's actions wrap as one: beside the name when they fit, else together on the next line at
       its end, not the last of them alone under the others (448 px); where even they need two
       lines (320 px), each line's buttons share its width. */
    .actions {
      display: flex;
      flex-wrap: wrap;
      justify-content: flex-end;
      gap: 0.25rem 0.5rem;
      margin-inline-start: auto;
    }

    .actions > button {
      flex: auto;
    }

    .link {
      min-height: 0;
      padding: 0;
      border: 0;
      border-radius: 0;
      text-align: start;
      text-decoration: underline;
      text-underline-offset: 2px;
    }

    .link:hover {
      background: none;
    }

    .muted,
    .empty {
      color: var(--_muted);
      font-size: 0.8125rem;
    }

    .buttons {
      flex-wrap: wrap;
    }

    button {
      min-height: 2rem;
      padding: 0.25rem 0.875rem;
    }

    button:disabled {
      opacity: 0.6;
      cursor: not-allowed;
    }

    .primary {
      border-color: transparent;
      background: var(--_accent);
      color: var(--_on-accent);
    }

    .primary:hover {
      background: var(--_accent);
    }

    .danger {
      border-color: var(--_danger);
      color: var(--_danger);
    }

    [part~='status'] {
      min-height: 1.25rem;
      margin: 0.5rem 0 0;
      font-size: 0.8125rem;
    }

    [part~='status'][data-error] {
      color: var(--_danger);
    }
  `,
];
