import { css } from 'lit';

/** Message menu, multi-select, forwarded header and merged forwards in `<chat-thread>`. */
export const threadActionsStyles = css`
  .body {
    position: relative;
  }

  .actions {
    position: relative;
  }

  [part~='actions-button'] {
    padding: 0 0.375rem;
    border: 0;
    border-radius: 999px;
    background: transparent;
    color: var(--_muted);
    line-height: 1.2;
    cursor: pointer;
    opacity: 0.4;
  }

  [part~='message']:hover [part~='actions-button'],
  [part~='actions-button']:focus-visible,
  [part~='actions-button'][aria-expanded='true'] {
    opacity: 1;
  }

  [part~='actions-button']:hover {
    background: var(--_hover);
  }

  [part~='menu'] {
    position: absolute;
    z-index: 2;
    top: 100%;
    inset-inline-end: 0;
    display: flex;
    flex-direction: column;
    min-width: 8rem;
    padding: 0.25rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    background: var(--_surface);
    box-shadow: 0 6px 20px rgb(0 0 0 / 0.18);
  }

  /* Others' menus open from the start of the meta row, not from the ⋯ after the time: the row of
     quick reactions is wider than what is left after the ⋯ on a 320 px phone. */
  .other .meta {
    position: relative;
  }

  .other .actions {
    position: static;
  }

  .other [part~='menu'] {
    inset-inline: 0 auto;
  }

  [part~='menu-item'] {
    padding: 0.375rem 0.75rem;
    border: 0;
    border-radius: calc(var(--_radius) / 3);
    background: transparent;
    color: var(--_text);
    text-align: start;
    font-size: 0.8125rem;
    cursor: pointer;
  }

  [part~='menu-item']:hover,
  [part~='menu-item']:focus-visible {
    background: var(--_hover);
  }

  [part~='select-checkbox'] {
    flex: none;
    align-self: center;
    width: 1.125rem;
    height: 1.125rem;
    accent-color: var(--_accent);
  }

  [part~='selection-bar'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
    padding: 0.5rem var(--_padding);
    border-top: 1px solid var(--_border);
    background: var(--_surface-raised);
    font-size: 0.8125rem;
  }

  [part~='selection-bar'] span {
    flex: 1;
  }

  [part~='selection-bar'] button {
    padding: 0.25rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: var(--_surface);
    cursor: pointer;
  }

  [part~='selection-bar'] button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }

  [part~='forwarded-from'] {
    margin-bottom: 0.125rem;
    font-size: 0.75rem;
    font-style: italic;
    opacity: 0.8;
  }

  [part~='merger'] {
    display: grid;
    gap: 0.25rem;
    min-width: 12rem;
    white-space: normal;
  }

  .merger-count {
    font-size: 0.75rem;
    opacity: 0.8;
  }

  .merger-abstract,
  [part~='merger-messages'] {
    margin: 0;
    padding: 0.25rem 0 0;
    border-top: 1px solid currentColor;
    list-style: none;
    font-size: 0.8125rem;
  }

  .merger-abstract li {
    unicode-bidi: plaintext;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    opacity: 0.85;
  }

  [part~='merger-messages'] li + li {
    margin-top: 0.375rem;
  }

  .merger-sender {
    unicode-bidi: isolate;
    font-weight: 600;
    margin-inline-end: 0.375rem;
  }

  [part~='merger-messages'] time {
    font-size: 0.6875rem;
    opacity: 0.7;
  }

  .merger-text {
    white-space: pre-wrap;
    unicode-bidi: plaintext;
  }

  [part~='merger-open-button'] {
    justify-self: start;
    padding: 0.125rem 0.5rem;
    border: 1px solid currentColor;
    border-radius: 999px;
    background: transparent;
    font-size: 0.75rem;
    cursor: pointer;
  }
`;
