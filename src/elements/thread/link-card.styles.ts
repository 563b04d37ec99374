import { css } from 'lit';

/** A link preview's card, in the thread (under the text) and in the composer (over the text area, see its styles). */
export const linkCardStyles = css`
  .link-card,
  [part~='bubble'] a.link-card {
    display: flex;
    gap: 0.5rem;
    margin-block-start: 0.375rem;
    padding: 0.375rem 0.5rem;
    border-inline-start: 3px solid var(--_accent);
    border-radius: 0.375rem;
    background: color-mix(in srgb, currentColor 7%, transparent);
    color: inherit;
    text-decoration: none;
    white-space: normal;
    max-width: 100%;
    box-sizing: border-box;
  }

  .link-card:hover [part~='link-preview-title'] {
    text-decoration: underline;
  }

  .link-card-text {
    display: flex;
    flex-direction: column;
    min-width: 0;
    gap: 0.125rem;
  }

  [part~='link-preview-site'] {
    font-size: 0.75rem;
    opacity: 0.8;
  }

  [part~='link-preview-title'] {
    font-weight: 600;
    overflow-wrap: anywhere;
  }

  [part~='link-preview-description'] {
    font-size: 0.8125rem;
    opacity: 0.9;
    display: -webkit-box;
    -webkit-line-clamp: 3;
    -webkit-box-orient: vertical;
    overflow: hidden;
    overflow-wrap: anywhere;
  }

  [part~='link-preview-image'] {
    flex: none;
    width: 4rem;
    height: 4rem;
    object-fit: cover;
    border-radius: 0.25rem;
  }
`;
