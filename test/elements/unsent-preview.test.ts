// The conversation list previews an own message not sent yet, with its status: a clock while it
// waits for the connection (named for screen readers), "Not sent" in the danger colour when the
// server refused it; the conversation moves to the top at once.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import { createChatClient, createMemoryStorage } from '../../src/client/index.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ConversationList } from '../../src/elements/conversation-list.js';
import { closeClients, connect, connectPair, part, parts, tokenFor, uniqueUser } from './helpers.js';

describe('conversation-list: unsent messages', function () {
  const mine: ChatClient[] = [];
  afterEach(async () => {
    await Promise.all(mine.splice(0).map((c) => c.close()));
    await closeClients();
  });

  it('an offline message moves its conversation up with a clock, "Waiting for connection"', async () => {
    const pair = await connectPair();
    const carolId = uniqueUser('carol');
    const carol = await connect(carolId, 'Carol');
    await pair.bob.send(`p2p:${pair.aliceId}`, 'from bob');
    await carol.send(`p2p:${pair.aliceId}`, 'from carol');
    const { token, url } = await tokenFor(pair.aliceId, 'Alice');
    const storage = createMemoryStorage();
    const first = createChatClient({ url, token, storage });
    mine.push(first);
    await waitUntil(() => first.$conversations.get().length === 2, 'the device should hold both conversations');
    await first.close();
    await waitUntil(async () => JSON.stringify(await storage.loadState()).includes('from carol'), 'the device should have stored them');

    // Nothing listens on port 9: the client stays without a connection.
    const offline = createChatClient({ url: 'ws://127.0.0.1:9/ws', token, storage, ackTimeoutMs: 60_000 });
    mine.push(offline);
    const el = await fixture<ConversationList>(html`<conversation-list .client=${offline}></conversation-list>`);
    await waitUntil(() => parts(el, 'item').length === 2, 'both conversations');
    expect(parts(el, 'item')[0]!.dataset.id).to.equal(`p2p:${carolId}`);
    void offline.send(`p2p:${pair.bobId}`, 'written offline').catch(() => undefined);
    await waitUntil(() => part(el, 'preview-status'), 'the unsent message should be previewed');
    const [top] = parts(el, 'item');
    expect(top!.dataset.id).to.equal(`p2p:${pair.bobId}`);
    expect(top!.querySelector('.preview')!.textContent).to.contain('You').and.contain('written offline');
    const status = part(el, 'preview-status')!;
    expect(status.part.contains('waiting')).to.equal(true);
    expect(status.getAttribute('role')).to.equal('img');
    expect(status.getAttribute('aria-label')).to.equal('Waiting for connection');
  });

  it('a refused message previews as "Not sent" in the danger colour, then as sent once replaced', async () => {
    const aliceId = uniqueUser('alice');
    const alice = await connect(aliceId, 'Alice');
    const el = await fixture<ConversationList>(html`<conversation-list .client=${alice}></conversation-list>`);
    await alice.send(`p2p:${aliceId}`, 'to myself').catch(() => undefined);
    await waitUntil(() => part(el, 'preview-status'), 'the refused message should be previewed');
    const status = part(el, 'preview-status')!;
    expect(status.part.contains('failed')).to.equal(true);
    expect(status.textContent).to.equal('Not sent');
    const danger = getComputedStyle(status).color;
    expect(danger).to.not.equal(getComputedStyle(el.renderRoot.querySelector('.preview')!).color);
    const failed = alice.messages(`p2p:${aliceId}`).get()[0]!;
    await alice.discard(failed.clientMsgId);
    await waitUntil(() => !part(el, 'preview-status'), 'discarded: no unsent preview');
  });
});
