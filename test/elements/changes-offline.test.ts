// A change made offline shows quietly on its message, survives a reload (a new client on the same
// device storage) and is delivered once when the connection is back.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { closeClients, connectPair, device, offlineDevice, part, parts } from './helpers.js';

describe('a change made offline', function () {
  afterEach(closeClients);

  it('shows quietly while offline, survives a reload and is delivered once', async () => {
    const pair = await connectPair();
    const conv = `p2p:${pair.bobId}` as const;
    const sent = await pair.bob.send(`p2p:${pair.aliceId}`, 'react while away');

    // The device holds the message, then reacts without a connection: quiet, never red.
    const { client: offline, token, url, storage } = await offlineDevice(pair.aliceId, 'Alice', conv, sent.id, { ackTimeoutMs: 300 });
    const thread = await fixture<ChatThread>(html`<chat-thread style="height: 400px; width: 380px" .client=${offline} conversation=${conv}></chat-thread>`);
    await waitUntil(() => part(thread, 'actions-button'), 'the cached message should show');
    part<HTMLButtonElement>(thread, 'actions-button')!.click();
    await waitUntil(() => parts(thread, 'react').length === 6, 'the menu');
    parts<HTMLButtonElement>(thread, 'react')[0]!.click();
    await waitUntil(() => part(thread, 'change-pending'), 'the change should show as pending');
    // Past the ack timeout it is still only pending: it goes out by itself.
    await waitUntil(() => offline.messages(conv).get()[0]?.pendingChanges?.[0]?.status === 'failed', 'the ack should time out');
    await thread.updateComplete;
    expect(part(thread, 'change-pending')).to.not.equal(null);
    expect(part(thread, 'change-failure')).to.equal(null);
    await offline.close();

    // A reload with the connection back: delivered once.
    thread.client = device({ url, token, storage });
    await waitUntil(() => part(thread, 'reaction-count')?.textContent === '1' && !part(thread, 'change-pending'), 'the reaction should be saved and shown');
    await waitUntil(() => pair.bob.messages(`p2p:${pair.aliceId}`).get().find((m) => m.id === sent.id)?.reactions?.[0]?.count === 1, 'bob should see it once');
    expect(part(thread, 'reaction')!.getAttribute('aria-pressed')).to.equal('true');
  });
});
