import { ChatError, LIMITS, type HistoryFetchFrame, type ServerFrameOf } from '../../protocol/index.js';
import { keyOf } from './conversation-key.js';
import type { Store } from './store.js';
import { asSeenBy } from './summaries.js';
import { markRecalledQuotes } from '../changes/reply.js';

const DEFAULT_PAGE = 50;

type Page = Omit<ServerFrameOf<'history.page'>, 'type' | 'reqId'>;

/**
 * One page of a conversation for a member. With `after`, the oldest messages after it (gap
 * fill); otherwise the newest before `before` (or the latest). Messages are ascending and the
 * page covers [fromSeq, toSeq] exactly: seqs in it that are absent are invisible to this user.
 */
export async function fetchHistory(
  store: Store,
  userId: string,
  query: Pick<HistoryFetchFrame, 'conversationId' | 'before' | 'after' | 'limit'>,
): Promise<Page> {
  const { key, type } = keyOf(userId, query.conversationId);
  const state = await store.getConversation(userId, key);
  if (!state) {
    // Both users of a 1:1 chat belong to it before its first message (their row comes with the
    // first message they can see), so an empty page, not NOT_MEMBER, is the truth.
    if (type === 'p2p') return { conversationId: query.conversationId, fromSeq: 1, toSeq: 0, messages: [], hasMore: false };
    throw new ChatError('NOT_MEMBER');
  }
  const limit = Math.min(query.limit ?? DEFAULT_PAGE, LIMITS.historyPage);
  const upper = Math.min(state.lastSeq, (query.before ?? state.lastSeq + 1) - 1);
  const lower = Math.max(0, query.after ?? 0);
  if (upper <= lower) {
    return { conversationId: query.conversationId, fromSeq: lower + 1, toSeq: Math.max(lower, upper), messages: [], hasMore: upper > 0 && (await store.hasVisibleBefore(key, userId, lower + 1)) };
  }

  const take = query.after !== undefined ? 'oldest' : 'newest';
  const messages = await store.readRange(key, userId, { afterSeq: lower, toSeq: upper, limit, take });
  const full = messages.length === limit;
  let fromSeq = lower + 1;
  let toSeq = upper;
  if (full && take === 'newest') fromSeq = messages[0]!.seq;
  if (full && take === 'oldest') toSeq = messages[messages.length - 1]!.seq;
  const hasMore = fromSeq > 1 && (await store.hasVisibleBefore(key, userId, fromSeq));
  return {
    conversationId: query.conversationId,
    fromSeq,
    toSeq,
    messages: (await markRecalledQuotes(store, key, messages)).map((m) => asSeenBy(m, key, userId)),
    hasMore,
  };
}
