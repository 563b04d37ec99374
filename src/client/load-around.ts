import type { ConversationId } from '../protocol/ids.js';
import { LIMITS } from '../protocol/limits.js';
import type { ServerFrameOf } from '../protocol/index.js';
import type { Requests } from './requests.js';
import type { ThreadStore } from './thread-store.js';
import { addRange } from './thread-window.js';

type Page = ServerFrameOf<'history.page'>;

/** Pages of the gap between the page around a message and the held window asked at once. */
const PARALLEL = 4;

export interface LoadAroundDeps {
  threads: ThreadStore;
  requests: Pick<Requests, 'request'>;
  /** Publishes the changed stores. */
  publish(): void;
}

/**
 * `client.loadAround(conversationId, messageId)`: makes the thread hold a message that is not
 * loaded yet, for a jump to it (a reply's quote, a search result, a notification).
 *
 * Held already (shown, or cached and not shown yet): it is shown. Otherwise the server answers
 * the page around it (`history.fetch {around}`), and the seqs between that page and the held
 * window are fetched as ranges of at most `LIMITS.historyPage` seqs (each answered whole), so the
 * window stays one contiguous run of seqs, as the rest of the client expects: loading around a
 * message costs the messages between it and what is held, a few pages at a time.
 * Resolves with whether the message is now held; an unknown id (MESSAGE_UNKNOWN) rejects.
 */
export async function loadAround(deps: LoadAroundDeps, conversationId: ConversationId, messageId: string): Promise<boolean> {
  const { threads, requests } = deps;
  const holds = () => threads.get(conversationId)?.messages.some((m) => m.id === messageId) ?? false;
  const shown = () => threads.messages(conversationId).get().some((m) => m.id === messageId || m.clientMsgId === messageId);
  if (shown()) return true;
  if (holds()) {
    threads.revealAll(conversationId);
    deps.publish();
    return true;
  }
  const around = await requests.request<Page>({ type: 'history.fetch', conversationId, around: messageId, limit: LIMITS.historyPage });
  const w = threads.get(conversationId) ?? threads.ensure(conversationId, around.toSeq);
  // The seqs between the page and the window, as ranges (after, before) of at most a page each.
  const ranges: [number, number][] = [];
  for (let after = around.toSeq; after + 1 < w.fromSeq; after += LIMITS.historyPage) {
    ranges.push([after, Math.min(w.fromSeq, after + LIMITS.historyPage + 1)]);
  }
  const pages: Page[] = new Array(ranges.length);
  let next = 0;
  const worker = async () => {
    while (next < ranges.length) {
      const i = next++;
      const [after, before] = ranges[i]!;
      pages[i] = await requests.request<Page>({ type: 'history.fetch', conversationId, after, before, limit: LIMITS.historyPage });
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, ranges.length) }, worker));
  // Newest first, each joins the window's lower edge; then the page around the message.
  const current = threads.get(conversationId) ?? w;
  for (let i = pages.length - 1; i >= 0; i--) addRange(current, pages[i]!.fromSeq, pages[i]!.toSeq, pages[i]!.messages, true);
  addRange(current, around.fromSeq, around.toSeq, around.messages, around.hasMore);
  threads.revealAll(conversationId);
  threads.touch(conversationId);
  deps.publish();
  return holds();
}
