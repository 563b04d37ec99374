import { css } from 'lit';

/** Styles of `renderPresence`: muted text; the online dot in `--chat-presence-online-color`. */
export const presenceStyles = css`
  [part~='presence'] {
    display: inline-flex;
    align-items: center;
    gap: 0.375rem;
    color: var(--_muted);
    font-size: 0.8125rem;
  }

  [part~='presence'][part~='online']::before {
    content: '';
    width: 0.5rem;
    height: 0.5rem;
    border-radius: 50%;
    background: var(--chat-presence-online-color, light-dark(#15803d, #4ade80));
  }
`;

/** Styles of `renderPresenceToggle`: the checkbox beside its words, as a row. */
export const presenceToggleStyles = css`
  [part~='presence-toggle'] {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin-top: 0.75rem;
  }
`;
