import { LIMITS, type ConversationId, type ServerFrame } from '../../protocol/index.js';
import type { Store } from './store.js';
import { asSeenBy, summarize } from './summaries.js';
import { markRecalledQuotes } from '../changes/reply.js';

/**
 * A conversation the client did not name in `cursors` replays from the user's read position,
 * but at most its latest UNLISTED_REPLAY messages: a fresh device wants recent context and
 * unread messages, not a whole archive; older ones are paged with `history.fetch`.
 */
export const UNLISTED_REPLAY = 50;

/**
 * Streams the catch-up of a session: `sync.conversations`, then per conversation where the
 * client is behind either `sync.messages` batches covering exactly (cursor, lastSeq] or
 * `sync.gap` when that is more than `replayLimit`, then `sync.done`. The caller must already
 * have subscribed the connection to live delivery, so nothing committed meanwhile is lost.
 */
export async function replaySession(
  store: Store,
  userId: string,
  cursors: Partial<Record<ConversationId, number>>,
  replayLimit: number,
  emit: (frame: ServerFrame) => void,
): Promise<void> {
  const states = await store.listConversations(userId);
  const items = await Promise.all(states.map((s) => summarize(store, userId, s)));
  emit({ type: 'sync.conversations', items });

  for (const [i, state] of states.entries()) {
    const conversationId = items[i]!.id;
    const lastSeq = state.lastSeq;
    const cursor = cursors[conversationId];
    let after: number;
    if (cursor === undefined) after = Math.max(state.readSeq, lastSeq - UNLISTED_REPLAY);
    else if (lastSeq - cursor > replayLimit) {
      emit({ type: 'sync.gap', conversationId, afterSeq: cursor, lastSeq });
      continue;
    } else after = cursor;
    // Batches of replayBatch visible messages; each frame states the exact range it covers.
    while (after < lastSeq) {
      const batch = await store.readRange(state.key, userId, {
        afterSeq: after,
        toSeq: lastSeq,
        limit: LIMITS.replayBatch,
        take: 'oldest',
      });
      const full = batch.length === LIMITS.replayBatch;
      const toSeq = full ? batch[batch.length - 1]!.seq : lastSeq;
      emit({
        type: 'sync.messages',
        conversationId,
        fromSeq: after + 1,
        toSeq,
        messages: (await markRecalledQuotes(store, state.key, batch)).map((m) => asSeenBy(m, state.key, userId)),
      });
      after = toSeq;
    }
  }
  emit({ type: 'sync.done' });
}
