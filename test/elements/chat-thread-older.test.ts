/**
 * `<chat-thread>` fills a thread the device holds no messages of through its "Load older"
 * button, which loads by itself when in view. A load asked before the session was up (the
 * conversation list came from the device cache) fails at once; it must be asked again when the
 * session comes up, not leave the thread empty for good (issue 24, a flaky two-tab e2e).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import { createChatClient, createMemoryStorage } from '../../src/client/index.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { closeClients, connectPair, part, parts, tokenFor, type Pair } from './helpers.js';

describe('chat-thread on a thread the device holds no messages of', function () {
  (this as { timeout(ms: number): void }).timeout(60_000);
  let { aliceId, bobId, alice } = {} as Pair;

  beforeEach(async () => {
    ({ aliceId, bobId, alice } = await connectPair());
  });

  afterEach(closeClients);

  it('loads its history once the session is up, after a load asked before failed', async () => {
    const conversation = `p2p:${bobId}` as const;
    await alice.send(conversation, 'written on another device');
    // Read there, so a new session does not replay it: the thread has to load it.
    alice.markRead(conversation);
    // A device whose cache lists the conversation (as an earlier page left it) without its messages.
    const { token, url } = await tokenFor(aliceId);
    const storage = createMemoryStorage();
    const earlier = createChatClient({ url, token, storage });
    const cached = async () => (await storage.loadState())?.conversations.find((c) => c.id === conversation);
    await waitUntil(async () => { const c = await cached(); return !!c && c.readSeq >= c.lastSeq; }, 'the conversation list should be cached, read');
    await earlier.close();
    const state = (await storage.loadState())!;
    await storage.saveState({ ...state, threads: {} });

    // Its session waits for the token, so the thread's first load is asked while it is down.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const client: ChatClient = createChatClient({ url, storage, getToken: () => gate.then(() => token) });
    const loads: Promise<string>[] = [];
    const loadOlder = client.loadOlder;
    client.loadOlder = (...args: Parameters<ChatClient['loadOlder']>) => {
      const run = loadOlder(...args);
      loads.push(run.then(() => 'loaded', () => 'failed'));
      return run;
    };
    try {
      await waitUntil(() => client.$conversations.get().some((c) => c.id === conversation), 'the cached conversation list should be read');
      const el = await fixture<ChatThread>(html`<chat-thread style="height: 400px" .client=${client} conversation=${conversation}></chat-thread>`);
      await waitUntil(() => loads.length > 0, 'the thread should ask for its history by itself');
      expect(await loads[0]).to.equal('failed');
      expect(part(el, 'load-older-button')).to.not.equal(null);
      expect(parts(el, 'bubble')).to.have.length(0);

      release();
      await waitUntil(() => parts(el, 'bubble').some((b) => b.textContent!.trim() === 'written on another device'), 'the history should load once the session is up');
    } finally {
      release();
      await client.close();
    }
  });
});
