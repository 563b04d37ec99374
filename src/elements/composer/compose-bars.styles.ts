import { css } from 'lit';

/**
 * The composer's bars over its text area (`compose-bars.ts`): the reply quote, "Editing" and the
 * link preview. Fetched with them the first time one shows and adopted after the composer's own
 * sheets; the × rule the preview bar shares with the recording bar stays in the composer's.
 */
export const composeBarStyles = css`
  [part~='reply-preview'],
  [part~='edit-bar'] {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin-bottom: 0.5rem;
    padding-block: 0.25rem;
    padding-inline: 0.625rem 0.25rem;
    border-inline-start: 3px solid var(--_accent);
    border-radius: 0.25rem;
    background: var(--_surface-raised);
    font-size: 0.8125rem;
    color: var(--_text);
  }

  [part~='reply-preview-sender'],
  [part~='edit-label'] {
    flex: none;
    font-weight: 600;
    color: var(--_accent);
  }

  [part~='reply-preview-excerpt'] {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
    color: var(--_muted);
  }

  [part~='edit-label'] {
    flex: 1;
  }

  [part~='cancel-reply-button'],
  [part~='cancel-edit-button'] {
    flex: none;
    width: 24px;
    height: 24px;
    border: 0;
    border-radius: 999px;
    background: transparent;
    color: var(--_muted);
    cursor: pointer;
    font-size: 1rem;
    line-height: 1;
  }

  [part~='link-preview-bar'] {
    display: flex;
    align-items: flex-start;
    gap: 0.25rem;
    margin: 0 0.25rem 0.5rem;
  }

  [part~='link-preview-bar'] .link-card {
    flex: 1;
    margin: 0;
    min-width: 0;
  }
`;
