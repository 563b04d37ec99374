// A change made offline shows quietly on its message, survives a reload (a new client on the same
// device storage) and is delivered once when the connection is back.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import { createChatClient, createMemoryStorage } from '../../src/client/index.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { closeClients, connectPair, part, parts, tokenFor } from './helpers.js';

describe('a change made offline', function () {
  (this as { timeout(ms: number): void }).timeout(30_000);
  const mine: ChatClient[] = [];
  afterEach(async () => {
    await Promise.all(mine.splice(0).map((c) => c.close()));
    await closeClients();
  });

  it('shows quietly while offline, survives a reload and is delivered once', async () => {
    const pair = await connectPair();
    const conv = `p2p:${pair.bobId}` as const;
    const sent = await pair.bob.send(`p2p:${pair.aliceId}`, 'react while away');
    const { token, url } = await tokenFor(pair.aliceId, 'Alice');
    const storage = createMemoryStorage();

    // The device holds the message...
    const first = createChatClient({ url, token, storage });
    mine.push(first);
    await waitUntil(() => first.messages(conv).get().some((m) => m.id === sent.id), 'the device should hold bob’s message', { timeout: 10_000 });
    await first.close();
    await waitUntil(async () => JSON.stringify(await storage.loadState()).includes('react while away'), 'the device should have stored it');

    // ...then reacts without a connection (nothing listens on port 9): quiet, never red.
    const offline = createChatClient({ url: 'ws://127.0.0.1:9/ws', token, storage, ackTimeoutMs: 300 });
    mine.push(offline);
    const thread = await fixture<ChatThread>(html`<chat-thread style="height: 400px; width: 380px" .client=${offline} conversation=${conv}></chat-thread>`);
    await waitUntil(() => part(thread, 'actions-button'), 'the cached message should show', { timeout: 10_000 });
    part<HTMLButtonElement>(thread, 'actions-button')!.click();
    await waitUntil(() => parts(thread, 'react').length === 6, 'the menu');
    parts<HTMLButtonElement>(thread, 'react')[0]!.click();
    await waitUntil(() => part(thread, 'change-pending'), 'the change should show as pending');
    // Past the ack timeout it is still only pending: it goes out by itself.
    await waitUntil(() => offline.messages(conv).get()[0]?.pendingChanges?.[0]?.status === 'failed', 'the ack should time out', { timeout: 10_000 });
    await thread.updateComplete;
    expect(part(thread, 'change-pending')).to.not.equal(null);
    expect(part(thread, 'change-failure')).to.equal(null);
    await offline.close();

    // A reload with the connection back: delivered once.
    const back = createChatClient({ url, token, storage });
    mine.push(back);
    thread.client = back;
    await waitUntil(() => part(thread, 'reaction-count')?.textContent === '1' && !part(thread, 'change-pending'), 'the reaction should be saved and shown', { timeout: 10_000 });
    await waitUntil(() => pair.bob.messages(`p2p:${pair.aliceId}`).get().find((m) => m.id === sent.id)?.reactions?.[0]?.count === 1, 'bob should see it once');
    expect(part(thread, 'reaction')!.getAttribute('aria-pressed')).to.equal('true');
  });
});
