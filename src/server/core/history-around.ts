import { ChatError, type HistoryFetchFrame, type Message, type ServerFrameOf } from '../../protocol/index.js';
import type { Store } from './store.js';
import { fitting, messageBytes, FRAME_BUDGET } from './frame-budget.js';
import { asSeenBy } from './summaries.js';
import { markRecalledQuotes } from '../changes/reply.js';
import type { ConversationKey } from './types.js';

type Page = Omit<ServerFrameOf<'history.page'>, 'type' | 'reqId'>;

/**
 * `history.fetch {around}`: the page with the message `around` in its middle (a jump to a reply's
 * quote, a search result, a notification). The page covers [fromSeq, toSeq] exactly, like every
 * page, so a client can join it to what it holds and fill what lies between with `after`/`before`.
 * A message that is not in this conversation, or not visible to `userId` (targeted at someone
 * else, deleted, before they joined), is MESSAGE_UNKNOWN: no page reveals it. Cut by bytes like
 * every page: what fits of the range, grown outwards from the message.
 */
export async function fetchAround(
  store: Store,
  userId: string,
  key: ConversationKey,
  view: { lastSeq: number; floor: number; olderThan(seq: number): Promise<boolean> },
  query: Pick<HistoryFetchFrame, 'conversationId' | 'before' | 'after'> & { around: string; limit: number },
): Promise<Page> {
  if (query.before !== undefined || query.after !== undefined) throw new ChatError('BAD_REQUEST', '`around` is not combined with `before` or `after`.');
  const found = await store.findMessage(key, query.around);
  if (!found || (found.visibleTo && !found.visibleTo.includes(userId))) throw new ChatError('MESSAGE_UNKNOWN');
  const seq = found.message.seq;
  if (seq <= view.floor) throw new ChatError('MESSAGE_UNKNOWN');
  const lower = Math.max(view.floor, seq - 1 - Math.floor((query.limit - 1) / 2));
  const upper = Math.min(view.lastSeq, lower + query.limit);
  const read = await store.readRange(key, userId, { afterSeq: lower, toSeq: upper, limit: query.limit, take: 'oldest' });
  // What the viewer may see is decided by the range read, not by the lookup above.
  const at = read.findIndex((m) => m.seq === seq && m.id === query.around);
  if (at < 0) throw new ChatError('MESSAGE_UNKNOWN');
  const [start, end] = fitting(read, messageBytes) === read.length ? [0, read.length] : grow(read, at);
  const messages = read.slice(start, end);
  const fromSeq = start === 0 ? lower + 1 : messages[0]!.seq;
  const toSeq = end === read.length && read.length < query.limit ? upper : messages[messages.length - 1]!.seq;
  return {
    conversationId: query.conversationId,
    fromSeq,
    toSeq,
    messages: (await markRecalledQuotes(store, key, messages)).map((m) => asSeenBy(m, key, userId)),
    hasMore: await view.olderThan(fromSeq),
  };
}

/** The widest run of `read` around index `at` within FRAME_BUDGET, taking one older and one newer in turn. */
function grow(read: readonly Message[], at: number): [number, number] {
  let start = at;
  let end = at + 1;
  let total = messageBytes(read[at]!);
  for (let older = true; start > 0 || end < read.length; older = !older) {
    const i = older ? start - 1 : end;
    if (i < 0 || i >= read.length) continue;
    const next = total + messageBytes(read[i]!);
    if (next > FRAME_BUDGET) break;
    total = next;
    if (older) start--;
    else end++;
  }
  return [start, end];
}
