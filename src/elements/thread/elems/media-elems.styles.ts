import { css } from 'lit';

/**
 * What the thread's pictures, players and file and location cards draw besides the box their
 * placeholder takes (`../elems.styles.ts`: sizes, card layout): links, a video's length and expand
 * button, a card's texts and download link. They come with the renderers (`./media-elems.ts`, the
 * features loaded on first use) and the thread adopts them after its own sheets when it first draws one.
 */
export const mediaElemsStyles = css`
  .media-link {
    display: block;
    border-radius: calc(var(--_radius) - 4px);
  }

  [part~='duration'] {
    font-size: 0.75rem;
    opacity: 0.8;
    font-variant-numeric: tabular-nums;
  }

  .video-player [part~='duration'] {
    padding-inline: 0.25rem;
  }

  [part~='expand-button'] {
    margin-inline-start: 0.25rem;
    padding: 0 0.375rem;
    border: 0;
    border-radius: 0.25rem;
    font: inherit;
    font-size: 0.875rem;
    line-height: 1.4;
    color: inherit;
    background: var(--_card-bg);
    cursor: pointer;
  }

  [part~='bubble'] a.card,
  [part~='bubble'] [part~='download-link'] {
    text-decoration: none;
  }

  [part~='bubble'] a.card:hover .card-title {
    text-decoration: underline;
  }

  [part~='location-icon'] {
    font-size: 1.25rem;
  }

  .card-text {
    display: flex;
    flex-direction: column;
    min-width: 0;
    flex: 1;
  }

  .card-title {
    font-weight: 600;
    overflow-wrap: anywhere;
    unicode-bidi: isolate;
  }

  .card-detail {
    font-size: 0.75rem;
    opacity: 0.8;
  }

  [part~='download-link'] {
    flex: none;
    padding: 0.25rem 0.625rem;
    border: 1px solid currentColor;
    border-radius: 999px;
    color: inherit;
    font-size: 0.8125rem;
    text-decoration: none;
  }

  [part~='download-link']:hover {
    background: var(--_card-bg);
  }
`;
