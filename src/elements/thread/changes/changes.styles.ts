import { css } from 'lit';

/** Quotes, reaction chips, "edited", recalled rows, failed changes and the pinned bar of `<chat-thread>`. */
export const threadChangesStyles = css`
  [part~='reply-quote'] {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 1px;
    max-width: 100%;
    margin: 0 0 0.375rem;
    padding: 0.25rem 0.5rem;
    border: 0;
    border-inline-start: 3px solid currentColor;
    border-radius: calc(var(--_radius) / 3);
    background: color-mix(in srgb, currentColor 10%, transparent);
    color: inherit;
    font: inherit;
    font-size: 0.8125rem;
    text-align: start;
    cursor: pointer;
  }

  [part~='reply-quote-sender'] {
    font-weight: 600;
  }

  [part~='reply-quote-excerpt'] {
    max-width: 100%;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }

  [part~='reactions'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
    /* Leaves the small menu button above its 24px of clear space (WCAG 2.5.8). */
    margin: 0.5rem 0.25rem 0;
  }

  .self [part~='reactions'] {
    justify-content: flex-end;
  }

  [part~='reaction'] {
    display: inline-flex;
    align-items: center;
    gap: 0.25rem;
    min-height: 24px;
    padding: 0 0.5rem;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: var(--_surface);
    color: var(--_text);
    font-size: 0.8125rem;
    cursor: pointer;
  }

  [part~='reaction'][aria-pressed='true'] {
    border-color: var(--_accent);
    background: color-mix(in srgb, var(--_accent) 14%, transparent);
    color: var(--_accent);
  }

  [part~='reaction-count'] {
    font-variant-numeric: tabular-nums;
  }

  [part~='reactors-button'],
  [part~='reactors-more-button'] {
    min-height: 24px;
    padding: 0 0.375rem;
    border: 0;
    background: transparent;
    color: var(--_muted);
    font: inherit;
    font-size: 0.75rem;
    cursor: pointer;
  }

  [part~='reactors-button']:hover,
  [part~='reactors-more-button']:hover {
    color: var(--_accent);
    text-decoration: underline;
  }

  [part~='reply-quote'][part~='recalled'] [part~='reply-quote-excerpt'],
  [part~='edited'] {
    font-style: italic;
  }

  [part~='change-pending'] {
    margin: 2px 0.25rem 0;
    font-size: 0.6875rem;
    color: var(--_muted);
  }

  [part~='change-failure'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25rem 0.5rem;
    margin-top: 0.5rem;
    font-size: 0.8125rem;
  }

  [part~='change-retry-button'],
  [part~='change-edit-button'],
  [part~='change-discard-button'] {
    min-height: 24px;
    padding: 0 0.625rem;
    border-radius: 999px;
    border: 1px solid currentColor;
    background: transparent;
    color: var(--_accent);
    cursor: pointer;
  }

  [part~='pinned-bar'] {
    display: flex;
    flex: none;
    flex-direction: column;
    align-items: flex-start;
    gap: 1px;
    padding: 0.375rem var(--_padding);
    border: 0;
    border-bottom: 1px solid var(--_border);
    background: var(--_surface-raised);
    color: var(--_text);
    font: inherit;
    font-size: 0.8125rem;
    text-align: start;
    cursor: pointer;
  }

  [part~='pinned-label'] {
    color: var(--_accent);
    font-weight: 600;
    font-size: 0.75rem;
  }

  .pinned-line {
    display: flex;
    gap: 0.25rem;
    max-width: 100%;
    min-width: 0;
  }

  [part~='pinned-sender'] {
    flex: none;
    font-weight: 600;
  }

  [part~='pinned-excerpt'] {
    min-width: 0;
    max-width: 100%;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }

  [part~='edit-again-button'] {
    min-height: 24px;
    padding: 0 0.25rem;
    border: 0;
    background: transparent;
    color: var(--_accent);
    font: inherit;
    text-decoration: underline;
    cursor: pointer;
  }
`;
