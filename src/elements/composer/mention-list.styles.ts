import { css } from 'lit';

/**
 * The composer's @mention list (`mention-list.ts`): fetched with it on the first `@` in a group and
 * adopted after the composer's own sheets.
 */
export const mentionListStyles = css`
  /* Placed by the composer's popover rule, which it shares with the emoji picker. */
  [part~='mentions'] {
    max-height: 15rem;
    overflow-y: auto;
    padding: 0.25rem;
  }

  [part~='mention'] {
    display: flex;
    align-items: baseline;
    gap: 0.5rem;
    padding: 0.4375rem 0.625rem;
    border-radius: calc(var(--_radius) - 6px);
    cursor: pointer;
  }

  [part~='mention']:hover {
    background: var(--_hover);
  }

  /* Focus stays in the text area: the active suggestion shows it. */
  [part~='mention'][part~='active'] {
    background: var(--_hover);
    outline: var(--_focus-ring);
    outline-offset: -2px;
  }

  .mention-label {
    font-weight: 600;
    overflow-wrap: anywhere;
  }

  .mention-detail {
    color: var(--_muted);
    font-size: 0.8125rem;
    overflow-wrap: anywhere;
  }

  @media (forced-colors: active) {
    [part~='mention'][part~='active'] {
      outline: 2px solid Highlight;
    }
  }
`;
