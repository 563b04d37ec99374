import { ChatError, LIMITS, type ClientFrameOf, type ServerFrameOf } from '../../protocol/index.js';
import { keyOf, viewOf } from './conversation-key.js';
import { DND_KEY } from './push-store.js';
import type { Store } from './store.js';
import type { Clock } from './types.js';

/** The user's mutes in force, as their devices get them. */
export async function mutesFrame(store: Store, userId: string, now: number): Promise<ServerFrameOf<'mutes.updated'>> {
  const frame: ServerFrameOf<'mutes.updated'> = { type: 'mutes.updated', mutes: [] };
  for (const { key, until } of await store.listMutes(userId, now)) {
    if (key === DND_KEY) frame.dnd = until;
    else frame.mutes.push({ conversationId: viewOf(key, userId), until });
  }
  return frame;
}

/**
 * Applies one `mute.set` (SPEC §10): the conversation must be one the user is in (NOT_MEMBER;
 * a 1:1 chat with nothing in it yet cannot be muted either), at most LIMITS.mutesPerUser at a
 * time (MUTES_LIMIT). Returns the new list, for every device of the user.
 */
export async function setMute(store: Store, clock: Clock, userId: string, frame: ClientFrameOf<'mute.set'>): Promise<ServerFrameOf<'mutes.updated'>> {
  let key = DND_KEY;
  if (frame.conversationId !== undefined) {
    key = keyOf(userId, frame.conversationId).key;
    if (frame.until !== null && !(await store.getConversation(userId, key))) throw new ChatError('NOT_MEMBER');
  }
  const now = clock();
  if (frame.until !== null && key !== DND_KEY) {
    const current = await store.listMutes(userId, now);
    const others = current.filter((m) => m.key !== key && m.key !== DND_KEY).length;
    if (others >= LIMITS.mutesPerUser) throw new ChatError('MUTES_LIMIT');
  }
  await store.setMute(userId, key, frame.until === null ? undefined : frame.until);
  return mutesFrame(store, userId, now);
}
