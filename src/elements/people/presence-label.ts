import { css, html, nothing } from 'lit';
import type { PresenceState } from '../../client/presence.js';
import { presenceText } from '../i18n/presence.js';

/**
 * One person's presence as a line of text (`<chat-thread>`'s header, `<profile-card>`): "online"
 * with a dot, "last seen 5 minutes ago", or nothing when that is not known or not shown.
 */
export function renderPresence(state: PresenceState | undefined) {
  const text = presenceText(state);
  if (!text) return nothing;
  return html`<span part="presence${state?.online ? ' online' : ''}">${text}</span>`;
}

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
