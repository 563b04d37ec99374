import { css } from 'lit';

/**
 * An open message menu (with its row of quick reactions), the reaction picker and multi-select mode in `<chat-thread>`:
 * loaded with the menu's code on the first press of a `⋯` (`message-menu.ts`), and adopted after
 * the thread's own sheets.
 */
export const menuStyles = css`
  .actions {
    position: relative;
  }

  /* Others' menus open from the start of the meta row, not from the ⋯ after the time: the row of
     quick reactions is wider than what is left after the ⋯ on a 320 px phone. */
  .other .meta {
    position: relative;
  }

  .other .actions {
    position: static;
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

  .quick-reactions {
    display: flex;
    gap: 2px;
    border-top: 1px solid var(--_border);
    margin-top: 0.25rem;
    padding-top: 0.25rem;
  }

  .quick-reactions [part~='menu-item'] {
    padding: 0.25rem;
    font-size: 1rem;
    min-width: 24px;
  }

  /* The reaction picker ("More reactions") opens over the lower part of the thread. */
  [part~='emoji-picker'] {
    --_emoji-size: 1.375rem;
    --_input-bg: var(--_surface-raised);
    position: absolute;
    bottom: 0.5rem;
    left: 50%;
    translate: -50% 0;
    z-index: 3;
    width: min(20rem, calc(100% - 2 * var(--_padding)));
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    box-shadow: 0 8px 24px rgb(0 0 0 / 0.16);
  }
`;
