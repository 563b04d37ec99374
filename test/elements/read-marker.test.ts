/**
 * `<chat-thread>` marks the conversation it shows read (thread/read-marker.ts), in real Chromium
 * against the real server.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import { createMemoryStorage } from '../../src/client/storage-memory.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { closeClients, connectPair, device, parts, tokenFor } from './helpers.js';

/** A WebSocket whose `sync.messages` frames arrive 300 ms late: a reload's summaries come first, the messages after a render. */
class LateMessagesSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    const late = new WeakSet<Event>();
    this.addEventListener('message', (e) => {
      if (late.has(e) || typeof e.data !== 'string' || !e.data.startsWith('{"type":"sync.messages"')) return;
      e.stopImmediatePropagation();
      setTimeout(() => {
        const again = new MessageEvent('message', { data: e.data });
        late.add(again);
        this.dispatchEvent(again);
      }, 300);
    });
  }
}

describe('chat-thread read marker', () => {
  afterEach(closeClients);

  it('marks read a message that came while the page was closed, shown after a reload in the open conversation', async () => {
    const { aliceId, bobId, alice } = await connectPair();
    const conversation = `p2p:${aliceId}` as const;
    const { token, url } = await tokenFor(bobId);
    const storage = createMemoryStorage();
    // Bob's page: it held alice's first message and read it, then closed.
    const before = device({ url, token, storage });
    await alice.send(`p2p:${bobId}`, 'first');
    await waitUntil(() => before.messages(conversation).get().some((m) => m.seq > 0), 'bob should hold the first message');
    before.markRead(conversation);
    const cached = async () => (await storage.loadState())?.conversations.find((c) => c.id === conversation);
    await waitUntil(async () => { const c = await cached(); return !!c && c.lastSeq > 0 && c.readSeq >= c.lastSeq; }, 'the read should be cached');
    await before.close();
    await alice.send(`p2p:${bobId}`, 'second');

    // The reload: the same storage, the conversation open from the start (as the demo's #p2p:alice).
    const after = device({ url, token, storage, WebSocket: LateMessagesSocket });
    await waitUntil(() => after.$conversations.get().some((c) => c.id === conversation), 'the cached list should be read');
    const el = await fixture<ChatThread>(html`<chat-thread style="height: 400px" .client=${after} conversation=${conversation}></chat-thread>`);
    await waitUntil(() => parts(el, 'bubble').some((b) => b.textContent!.includes('second')), 'the second message should show');
    const unread = () => after.$conversations.get().find((c) => c.id === conversation)?.unread;
    await waitUntil(() => unread() === 0, `the open conversation should be read (unread ${unread()})`);
    // And the server heard it: a fresh device of bob's counts nothing unread.
    const fresh = device({ url, token, storage: createMemoryStorage() });
    await waitUntil(() => fresh.$sync.get() === 'synced', 'a fresh device should sync');
    expect(fresh.$conversations.get().find((c) => c.id === conversation)?.unread).to.equal(0);
  });
});
