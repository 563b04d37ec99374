import { css } from 'lit';

/**
 * The card's own styles (beside the dialogs' and presence's): the picture or initials beside the
 * name, its lines close together, and closing as a × in the corner, so the actions fit one row.
 */
export const profileCardStyles = css`
  .who {
    display: flex;
    align-items: center;
    gap: 0.75rem;
  }

  .who > div {
    min-width: 0;
  }

  .who p {
    margin: 0.125rem 0 0;
  }

  [part~='close-button'] {
    align-self: flex-start;
    margin-inline-start: auto;
    padding: 0 0.5rem;
    font-size: 1.25rem;
  }

  [part~='avatar'] {
    display: grid;
    flex: none;
    place-items: center;
    width: 3rem;
    height: 3rem;
    border-radius: 50%;
    object-fit: cover;
    /* As the list's avatars: a fixed OKLCH lightness keeps white initials at 5:1 or better on every hue. */
    background: oklch(0.5 0.1 var(--_hue, 265));
    color: #fff;
    font-weight: 600;
  }
`;
