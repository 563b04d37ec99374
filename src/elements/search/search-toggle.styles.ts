import { css } from 'lit';

/** The search bar of `<chat-thread>` and `<conversation-list>`: the toggle button (a magnifier drawn in CSS) and the search under it. */
export const searchToggleStyles = css`
  [part~='search-bar'] {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-start;
    justify-content: flex-end;
    gap: 0.25rem;
    padding: 0.25rem 0.375rem;
  }

  /* Open, in a row with other things (the list's buttons, the thread's title): a row of its own. */
  [part~='search-bar']:has([part~='search']) {
    flex-basis: 100%;
  }

  [part~='search-button'] {
    display: inline-grid;
    place-items: center;
    min-width: 2rem;
    min-height: 2rem;
    border: 0;
    border-radius: 999px;
    background: transparent;
    color: var(--_muted);
    cursor: pointer;
  }

  [part~='search-button']:hover,
  [part~='search-button'][aria-expanded='true'] {
    background: var(--_hover);
    color: var(--_text);
  }

  [part~='search'] {
    flex: 1 0 100%;
  }

  .search-icon {
    position: relative;
    width: 1rem;
    height: 1rem;
  }

  .search-icon::before {
    content: '';
    position: absolute;
    inset: 0 0.25rem 0.25rem 0;
    border: 2px solid currentColor;
    border-radius: 50%;
  }

  .search-icon::after {
    content: '';
    position: absolute;
    right: 0;
    bottom: 0;
    width: 0.4rem;
    height: 2px;
    background: currentColor;
    transform: rotate(45deg);
    transform-origin: right center;
  }
`;
