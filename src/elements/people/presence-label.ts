import { html, nothing } from 'lit';
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

export { presenceStyles } from './presence.styles.js';
