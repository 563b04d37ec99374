import { css } from 'lit';

/**
 * The message menu's button, forwarded header and merged forwards in `<chat-thread>` (the open
 * menu's and multi-select's: `message-menu.styles.ts`, loaded with the menu).
 */
export const threadActionsStyles = css`
  .body {
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
