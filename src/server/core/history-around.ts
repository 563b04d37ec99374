import { ChatError, type HistoryFetchFrame, type ServerFrameOf } from '../../protocol/index.js';
import type { Store } from './store.js';
import { asSeenBy } from './summaries.js';
import type { ConversationKey } from './types.js';

type Page = Omit<ServerFrameOf<'history.page'>, 'type' | 'reqId'>;

/**
 * `history.fetch {around}`: the page with the message `around` in its middle (a jump to a reply's
 * quote, a search result, a notification). The page covers [fromSeq, toSeq] exactly, like every
 * page, so a client can join it to what it holds and fill what lies between with `after`/`before`.
 * A message that is not in this conversation, or not visible to `userId` (targeted at someone
 * else, deleted, before they joined), is MESSAGE_UNKNOWN: no page reveals it.
 */
export async function fetchAround(
  store: Store,
  userId: string,
  key: ConversationKey,
  lastSeq: number,
  query: Pick<HistoryFetchFrame, 'conversationId' | 'before' | 'after'> & { around: string; limit: number },
): Promise<Page> {
  if (query.before !== undefined || query.after !== undefined) throw new ChatError('BAD_REQUEST', '`around` is not combined with `before` or `after`.');
  const found = await store.findMessage(key, query.around);
  if (!found || (found.visibleTo && !found.visibleTo.includes(userId))) throw new ChatError('MESSAGE_UNKNOWN');
  const seq = found.message.seq;
  const lower = Math.max(0, seq - 1 - Math.floor((query.limit - 1) / 2));
  const upper = Math.min(lastSeq, lower + query.limit);
  const messages = await store.readRange(key, userId, { afterSeq: lower, toSeq: upper, limit: query.limit, take: 'oldest' });
  // What the viewer may see is decided by the range read, not by the lookup above.
  if (!messages.some((m) => m.seq === seq && m.id === query.around)) throw new ChatError('MESSAGE_UNKNOWN');
  const toSeq = messages.length === query.limit ? messages[messages.length - 1]!.seq : upper;
  const fromSeq = lower + 1;
  return {
    conversationId: query.conversationId,
    fromSeq,
    toSeq,
    messages: messages.map((m) => asSeenBy(m, key, userId)),
    hasMore: fromSeq > 1 && (await store.hasVisibleBefore(key, userId, fromSeq)),
  };
}
