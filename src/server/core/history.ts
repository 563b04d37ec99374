import { ChatError, LIMITS, type HistoryFetchFrame, type ServerFrameOf } from '../../protocol/index.js';
import { keyOf } from './conversation-key.js';
import { fitting, messageBytes } from './frame-budget.js';
import { fetchAround } from './history-around.js';
import type { Store } from './store.js';
import { asSeenBy } from './summaries.js';
import { markRecalledQuotes } from '../changes/reply.js';

const DEFAULT_PAGE = 50;

type Page = Omit<ServerFrameOf<'history.page'>, 'type' | 'reqId'>;

/** Thrown by `fetchHistory` when its `live` check says the asker went away: nobody to answer. */
export class AskerGone extends Error {}

/**
 * One page of a conversation for a member. With `after`, the oldest messages after it (gap
 * fill); otherwise the newest before `before` (or the latest). Messages are ascending and the
 * page covers [fromSeq, toSeq] exactly: seqs in it that are absent are invisible to this user.
 * A page holds at most `limit` messages and at most FRAME_BUDGET bytes of them, so it may be
 * shorter than asked: `hasMore` (older) and `toSeq` (newer) say where the next page starts.
 * Messages up to the member's history floor (group history visibility 'since-join') are never
 * returned, and the page then reports no older history.
 */
export async function fetchHistory(
  store: Store,
  userId: string,
  query: Pick<HistoryFetchFrame, 'conversationId' | 'before' | 'after' | 'around' | 'limit'>,
  live: () => boolean = () => true,
): Promise<Page> {
  const { key, type } = keyOf(userId, query.conversationId);
  const state = await store.getConversation(userId, key);
  if (!state) {
    // Both users of a 1:1 chat belong to it before its first message (their row comes with the
    // first message they can see), so an empty page, not NOT_MEMBER, is the truth.
    if (type === 'p2p' && query.around !== undefined) throw new ChatError('MESSAGE_UNKNOWN');
    if (type === 'p2p') return { conversationId: query.conversationId, fromSeq: 1, toSeq: 0, messages: [], hasMore: false };
    throw new ChatError('NOT_MEMBER');
  }
  const floor = state.historyFloor ?? 0;
  const olderThan = async (seq: number) =>
    seq > floor + 1 && (floor === 0
      ? await store.hasVisibleBefore(key, userId, seq)
      : (await store.readRange(key, userId, { afterSeq: floor, toSeq: seq - 1, limit: 1, take: 'newest' })).length > 0);
  const limit = Math.min(query.limit ?? DEFAULT_PAGE, LIMITS.historyPage);
  if (query.around !== undefined) return fetchAround(store, userId, key, { lastSeq: state.lastSeq, floor, olderThan }, { ...query, around: query.around, limit });
  const upper = Math.min(state.lastSeq, (query.before ?? state.lastSeq + 1) - 1);
  const lower = Math.max(0, query.after ?? 0);
  if (upper <= lower) {
    return { conversationId: query.conversationId, fromSeq: lower + 1, toSeq: Math.max(lower, upper), messages: [], hasMore: upper > 0 && (await olderThan(lower + 1)) };
  }

  const take = query.after !== undefined ? 'oldest' : 'newest';
  // The page's rows are the costly part: not read for a connection that went away meanwhile.
  if (!live()) throw new AskerGone();
  const read = await store.readRange(key, userId, { afterSeq: Math.max(lower, floor), toSeq: upper, limit, take });
  const n = fitting(read, messageBytes, take === 'oldest' ? 'start' : 'end');
  const messages = n === read.length ? read : take === 'oldest' ? read.slice(0, n) : read.slice(read.length - n);
  const cut = read.length === limit || n < read.length;
  let fromSeq = lower + 1;
  let toSeq = upper;
  if (cut && take === 'newest') fromSeq = messages[0]!.seq;
  if (cut && take === 'oldest') toSeq = messages[messages.length - 1]!.seq;
  return {
    conversationId: query.conversationId,
    fromSeq,
    toSeq,
    messages: (await markRecalledQuotes(store, key, messages)).map((m) => asSeenBy(m, key, userId)),
    hasMore: await olderThan(fromSeq),
  };
}
