/**
 * Pending is not failed: an own message that the client sends by itself (queued offline, or its
 * ack timed out) shows as waiting, a quiet clock with one notice for the thread; only a message
 * that needs the person (refused by the server) is red with Resend and Discard.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import { createChatClient, createMemoryStorage } from '../../src/client/index.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { closeClients, connect, part, parts, tokenFor, uniqueUser } from './helpers.js';

describe('chat-thread delivery states', function () {
  let offline: ChatClient | undefined;
  afterEach(async () => {
    await offline?.close();
    offline = undefined;
    await closeClients();
  });

  it('shows messages queued without a connection as waiting, with one notice, never red', async () => {
    const me = uniqueUser('alice');
    const { token } = await tokenFor(me, 'Alice');
    // Nothing listens on port 9: the client stays offline. The ack timeout (10 s by default) is short here.
    offline = createChatClient({ url: 'ws://127.0.0.1:9/ws', token, storage: createMemoryStorage(), ackTimeoutMs: 300 });
    const el = await fixture<ChatThread>(html`<chat-thread style="height: 400px; width: 360px" .client=${offline} conversation="p2p:bob"></chat-thread>`);
    void offline.send('p2p:bob', 'first while offline').catch(() => {});
    void offline.send('p2p:bob', 'second while offline').catch(() => {});
    // The client marks them failed (TIMEOUT) once no ack came: they stay queued, to go out by themselves.
    await waitUntil(() => offline!.messages('p2p:bob').get().filter((m) => m.status === 'failed' && m.error?.name === 'TIMEOUT').length === 2, 'both should time out');
    await el.updateComplete;

    const rows = parts(el, 'message');
    expect(rows).to.have.length(2);
    for (const row of rows) {
      expect(row.getAttribute('part')).to.contain('waiting').and.not.contain('failed');
      const status = row.querySelector('[part~="status"]')!;
      expect(status.getAttribute('part')).to.equal('status waiting');
      expect(status.getAttribute('aria-label')).to.equal('Waiting for connection');
      expect(status.querySelector('svg'), 'a clock').to.not.equal(null);
    }
    expect(part(el, 'failure'), 'no failure box').to.equal(null);
    expect(part(el, 'resend-button')).to.equal(null);
    expect(el.shadowRoot!.textContent).to.not.contain('Not sent');
    const notices = parts(el, 'waiting-notice');
    expect(notices, 'one notice for the thread').to.have.length(1);
    expect(notices[0]!.closest('[role="status"]')).to.not.equal(null);
    expect(notices[0]!.textContent).to.contain('back online');
    // Not red: the bubble has no danger outline.
    expect(getComputedStyle(part(el, 'bubble')!).outlineStyle).to.equal('none');
  });

  it('shows a message the server refused as failed, red, with why, Copy and Discard (no Resend: it would be refused again), and no waiting notice', async () => {
    const alice = await connect(uniqueUser('alice'), 'Alice');
    const stranger = uniqueUser('nobody');
    const el = await fixture<ChatThread>(html`<chat-thread style="height: 400px; width: 360px" .client=${alice} conversation=${`p2p:${stranger}`}></chat-thread>`);
    await alice.send(`p2p:${stranger}`, 'anyone there?').catch(() => {});
    await waitUntil(() => part(el, 'failure'), 'the message should show failed');
    // The sentence comes with the features loaded on first use (thread/failure.ts, errorLine).
    await waitUntil(() => part(el, 'error')!.textContent === 'There is no user with this id.', 'the failure\'s sentence should show');
    expect(!!part(el, 'resend-button'), 'no Resend for an unknown user').to.equal(false);
    expect(!!part(el, 'copy-text-button'), 'Copy').to.equal(true);
    expect(part(el, 'message')!.getAttribute('part')).to.contain('failed');
    expect(part(el, 'status')!.textContent!.trim()).to.equal('Not sent');
    expect(part(el, 'discard-button')).to.not.equal(null);
    expect(getComputedStyle(part(el, 'bubble')!).outlineStyle).to.equal('solid');
    expect(part(el, 'waiting-notice')).to.equal(null);
  });
});
