import { css } from 'lit';

/**
 * What the modal dialogs of the features loaded on first use share (`<forward-dialog>`, the group
 * dialogs and people views): the box and its backdrop, the text fields, the row of buttons, the pill button
 * and an empty list's padding. Each element's own sheet follows it and sets what differs (width, height,
 * padding).
 */
export const dialogStyles = css`
  :host {
    display: contents;
  }

  [part~='dialog'] {
    width: var(--_width);
    padding: 1rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    font-family: var(--_font);
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.25);
  }

  [part~='dialog']::backdrop {
    background: rgb(0 0 0 / 0.4);
  }

  input[type='text'],
  input[type='url'],
  input[type='search'],
  textarea {
    width: 100%;
    padding: 0.5rem 0.625rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    background: var(--_surface);
    color: var(--_text);
    font: inherit;
  }

  textarea {
    resize: vertical;
  }

  .buttons {
    display: flex;
    justify-content: flex-end;
    gap: 0.5rem;
    margin-top: 0.75rem;
  }

  button {
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: transparent;
    cursor: pointer;
  }

  button:hover {
    background: var(--_hover);
  }

  .empty {
    padding: 0.75rem;
  }
`;
