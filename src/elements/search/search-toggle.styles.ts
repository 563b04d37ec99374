import { css } from 'lit';

/**
 * The search bar of `<chat-thread>` and `<conversation-list>`: the toggle button (a magnifier drawn
 * in CSS) at the inline end and, when open, the search beside it at the inline start (its results
 * under its field), one row down to 320 px in either direction.
 */
export const searchToggleStyles = css`
  [part~='search-bar'] {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-start;
    justify-content: flex-end;
    gap: 0.25rem;
    padding: 0.25rem 0.375rem;
  }

  /* Open, in a row with other things (the list's buttons, the thread's title): a row of its own,
     the field and the button side by side in it (no wrap: the field shrinks, the button stays). */
  [part~='search-bar']:has([part~='search']) {
    flex-basis: 100%;
    flex-wrap: nowrap;
  }

  /* Open: level with the field (0.5rem padding, a line, 0.5rem, 1px borders), also when results show under it. */
  [part~='search-bar']:has([part~='search']) > [part~='search-button'] {
    margin-block-start: max(0px, calc((1lh + 1rem + 2px - 2rem) / 2));
  }

  [part~='search-button'] {
    flex: none;
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
    flex: 1 1 0;
    min-width: 0;
    order: -1;
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
