/**
 * `client.loadOlder(conversationId, limit)`: shows older messages of a thread, cached ones first,
 * then a page of history. Imported on first use (the panel scrolls up), so the script tag's first
 * paint does not carry it.
 */
import type { ServerFrameOf } from '../protocol/frames.js';
import type { ConversationId } from '../protocol/ids.js';
import { LIMITS } from '../protocol/limits.js';
import type { Requests } from './requests.js';
import type { ThreadStore } from './thread-store.js';
import { addRange } from './thread-window.js';

export interface LoadOlderDeps {
  threads: ThreadStore;
  requests: Pick<Requests, 'request'>;
  /** Stores changed outside a frame handler (an answered fetch): publish and persist. */
  onAsyncChange(): void;
}

/** Resolves with whether the thread has older messages still. */
export async function loadOlder({ threads, requests, onAsyncChange }: LoadOlderDeps, id: ConversationId, limit: number): Promise<boolean> {
  if (threads.revealOlder(id, limit) > 0) {
    threads.publish();
    return threads.hasOlder(id).get();
  }
  const w = threads.get(id);
  if (w && !w.hasOlder) return false;
  const page = await requests.request<ServerFrameOf<'history.page'>>({
    type: 'history.fetch',
    conversationId: id,
    ...(w ? { before: w.fromSeq } : {}),
    limit: Math.min(limit, LIMITS.historyPage),
  });
  // Without a window, the page defines one; its messages are history, not news.
  const target = threads.get(id) ?? threads.ensure(id, page.toSeq);
  addRange(target, page.fromSeq, page.toSeq, page.messages, page.hasMore);
  if (page.toSeq < page.fromSeq) target.hasOlder = page.hasMore;
  threads.touch(id);
  onAsyncChange();
  return threads.hasOlder(id).get();
}
