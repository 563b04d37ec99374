import { LIMITS, type ConversationId, type ConversationSummary, type ServerFrame } from '../../protocol/index.js';
import { fieldsBytes, fitting, messageBytes } from './frame-budget.js';
import type { Store } from './store.js';
import { UNREAD_COUNT_MAX } from './types.js';
import { later } from './open-turns.js';
import { asSeenBy, summarize } from './summaries.js';
import { markRecalledQuotes } from '../changes/reply.js';

/**
 * A conversation the client did not name in `cursors` replays from the user's read position,
 * but at most its latest UNLISTED_REPLAY messages: a fresh device wants recent context and
 * unread messages, not a whole archive; older ones are paged with `history.fetch`.
 */
export const UNLISTED_REPLAY = 50;

/**
 * Conversations a session's catch-up summarizes, or replays, between two turns of the event loop.
 * A store that reads synchronously (SQLite) answered all of a user's conversations in one turn:
 * 1,000 of them (six reads each) held every other socket of the node for the whole open; all at
 * once, a PostgreSQL pool of 10 was asked for 4,000 reads, queued ahead of everyone else's.
 */
export const OPEN_TURN = 25;
/** Unread rows (counted up to UNREAD_COUNT_MAX a conversation) the summaries of one turn read, about: UNREAD_COUNT_MAX + this at most. */
export const OPEN_TURN_ROWS = 2000;
/** Messages the replay reads a turn, about (a batch may end past it): 25 conversations of 50 read 1,250 in one. */
export const REPLAY_TURN_MESSAGES = 250;
/** The next turn of the event loop (open-turns.ts's `later`). */
const nextTurn = (): Promise<void> => new Promise((resolve) => later(resolve));

/**
 * Streams the catch-up of a session: `sync.conversations` (several frames when the summaries
 * exceed one frame's bytes), then per conversation where the client is behind either
 * `sync.messages` batches covering exactly (cursor, lastSeq] or `sync.gap` when that is more
 * than `replayLimit`, then `sync.done`. Batches are cut by count (LIMITS.replayBatch) and by
 * bytes (FRAME_BUDGET); each states the exact range it covers, so the next one continues where
 * the cut was. The caller must already have subscribed the connection to live delivery, so
 * nothing committed meanwhile is lost.
 */
export async function replaySession(
  store: Store,
  userId: string,
  cursors: Partial<Record<ConversationId, number>>,
  replayLimit: number,
  emit: (frame: ServerFrame) => void,
): Promise<void> {
  const states = await store.listConversations(userId);
  const items: ConversationSummary[] = [];
  // A summary counts up to UNREAD_COUNT_MAX unread rows (2.5–6 ms for 999 on SQLite): 25 busy
  // conversations made one turn of 60–150 ms, and a user reopening sessions held others' pings
  // 255 ms. A turn takes conversations until the rows above their read positions (each counted
  // UNREAD_COUNT_MAX at most, as the count reads) reach OPEN_TURN_ROWS, OPEN_TURN at most.
  for (let i = 0; i < states.length; ) {
    if (i > 0) await nextTurn();
    let end = i;
    for (let rows = 0; end < states.length && end - i < OPEN_TURN && rows < OPEN_TURN_ROWS; end++) {
      rows += 1 + Math.min(UNREAD_COUNT_MAX, Math.max(0, states[end]!.lastSeq - states[end]!.readSeq));
    }
    items.push(...(await Promise.all(states.slice(i, end).map((s) => summarize(store, userId, s)))));
    i = end;
  }
  for (let start = 0; start === 0 || start < items.length; ) {
    const rest = items.slice(start);
    const n = fitting(rest, summaryBytes);
    emit({ type: 'sync.conversations', items: rest.slice(0, n) });
    start += Math.max(n, 1);
  }

  // The replay takes turns likewise: OPEN_TURN conversations or REPLAY_TURN_MESSAGES messages read a turn.
  let turn = { conversations: 0, messages: 0 };
  const take = async () => {
    if (turn.conversations < OPEN_TURN && turn.messages < REPLAY_TURN_MESSAGES) return;
    await nextTurn();
    turn = { conversations: 0, messages: 0 };
  };
  for (const [i, state] of states.entries()) {
    await take();
    turn.conversations++;
    const conversationId = items[i]!.id;
    const lastSeq = state.lastSeq;
    // Messages up to the floor are not this member's to see (history visibility 'since-join').
    const floor = state.historyFloor ?? 0;
    const cursor = cursors[conversationId];
    let after: number;
    if (cursor === undefined) after = Math.max(state.readSeq, lastSeq - UNLISTED_REPLAY);
    else if (lastSeq - Math.max(cursor, floor) > replayLimit) {
      emit({ type: 'sync.gap', conversationId, afterSeq: cursor, lastSeq });
      continue;
    } else after = cursor;
    // After a cut by bytes, read about twice what fitted rather than a whole replayBatch again.
    let limit: number = LIMITS.replayBatch;
    while (after < lastSeq) {
      await take();
      const read = await store.readRange(state.key, userId, { afterSeq: Math.max(after, floor), toSeq: lastSeq, limit, take: 'oldest' });
      turn.messages += read.length;
      const n = fitting(read, messageBytes);
      const batch = n < read.length ? read.slice(0, n) : read;
      const cut = read.length === limit || n < read.length;
      limit = Math.min(LIMITS.replayBatch, n < read.length ? 2 * n : 2 * limit);
      const toSeq = cut ? batch[batch.length - 1]!.seq : lastSeq;
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

/** Estimated serialized bytes of a conversation summary. */
function summaryBytes(s: ConversationSummary): number {
  return fieldsBytes(s.id, s.name, s.avatar) + (s.lastMessage ? messageBytes(s.lastMessage) : 0);
}
