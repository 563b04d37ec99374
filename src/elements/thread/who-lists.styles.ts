import { css } from 'lit';

/**
 * The two lists of people under a message, both loaded on first use: who read an own group message
 * (`reader-list.ts`) and who reacted (`changes/reactors.ts`). Adopted by the thread, after its own
 * sheets, when either first opens.
 */
export const whoListsStyles = css`
  [part~='receipts'],
  [part~='reactors'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1.25rem;
    margin-top: 0.25rem;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: 0.5rem;
    background: var(--_surface);
    font-size: 0.8125rem;
    max-width: 100%;
  }

  .receipts-heading,
  .reactors-heading {
    font-weight: 600;
    color: var(--_muted);
    font-size: 0.75rem;
  }

  [part~='readers-list'],
  [part~='unread-list'],
  [part~='reactors-list'] {
    margin: 0.125rem 0 0;
    padding: 0;
    list-style: none;
  }

  [part~='reader'],
  [part~='reactor'] {
    overflow-wrap: anywhere;
    unicode-bidi: isolate;
  }

  .reactors-section {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
  }

  .reactors-note {
    color: var(--_muted);
    font-size: 0.75rem;
  }
`;
