/**
 * The notification controls of `<chat-widget>`'s header (the panel chunk, SPEC §10): the open
 * conversation's mute toggle and the person's do-not-disturb toggle. Both are server state, the
 * same on every device of the user: they redraw from `mutes.updated`, not from the click.
 */
import { html, nothing } from 'lit';
import type { ChatClient } from '../../client/types.js';
import type { ConversationId } from '../../protocol/ids.js';
import { notifyStrings } from '../i18n/notify.js';

const BELL = 'M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6v-5c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 0 0-3 0v.7C7.6 5.4 6 7.9 6 11v5l-2 2v1h16v-1z';
const BELL_OFF = 'M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6V11c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 0 0-3 0v.7c-.5.1-.9.3-1.3.5L18 15.1V16zM4.3 3 3 4.3l3.2 3.2C6.1 8.6 6 9.8 6 11v5l-2 2v1h13.7l2 2 1.3-1.3z';

const MOON = 'M21 14.5A9 9 0 0 1 9.5 3a9 9 0 1 0 11.5 11.5z';

/**
 * The do-not-disturb toggle: on mutes every conversation until turned off (the launcher's badge,
 * in-page notifications and Web Push fall quiet; the list shows every conversation muted). A
 * do-not-disturb set for a while through the API shows pressed until it ends.
 */
export function renderDndToggle(client: ChatClient | undefined) {
  if (!client) return nothing;
  const state = client.$mutes.get().dnd;
  const on = state !== undefined && (state === 0 || state > Date.now());
  const t = notifyStrings();
  const toggle = () => void client.setDoNotDisturb(on ? null : 0).catch((err: unknown) => console.warn('[natter] do-not-disturb failed', err));
  return html`<button part="dnd-button" type="button" aria-pressed=${on ? 'true' : 'false'} aria-label=${t.dnd} title=${on ? t.dndOn : t.dnd} @click=${toggle}>
    <svg viewBox="0 0 24 24" aria-hidden="true"><path d=${MOON} /></svg>
  </button>`;
}

/** The mute toggle of `conversation` (nothing without a client or a conversation). */
export function renderThreadActions(client: ChatClient | undefined, conversation: string) {
  if (!client || !conversation) return nothing;
  const id = conversation as ConversationId;
  const muted = client.isMuted(id);
  const t = notifyStrings();
  const toggle = () => void (muted ? client.unmute(id) : client.mute(id)).catch((err: unknown) => console.warn('[natter] mute failed', err));
  return html`<button part="mute-button" type="button" aria-pressed=${muted ? 'true' : 'false'} aria-label=${t.mute} title=${muted ? t.unmute : t.mute} @click=${toggle}>
    <svg viewBox="0 0 24 24" aria-hidden="true"><path d=${muted ? BELL_OFF : BELL} /></svg>
  </button>`;
}
