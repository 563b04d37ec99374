// An edit or a recall shows on its message at once, before the server saves it (offline too, and
// after a reload), marked as not saved yet; an edit the server refuses goes back to the saved
// text, with why and what helps. Real Chromium, real server and client.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import { createChatClient, createMemoryStorage } from '../../src/client/index.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import { closeClients, connectPair, part, tokenFor } from './helpers.js';

describe('changes shown before they are saved', function () {
  (this as { timeout(ms: number): void }).timeout(30_000);
  const mine: ChatClient[] = [];
  afterEach(async () => {
    await Promise.all(mine.splice(0).map((c) => c.close()));
    await closeClients();
  });

  const bubbleText = (el: ChatThread) => part(el, 'bubble')?.textContent?.trim();

  it('an edit made offline shows its text at once, "Saving change…", after a reload too, then "edited" once saved', async () => {
    const pair = await connectPair();
    const conv = `p2p:${pair.bobId}` as const;
    const sent = await pair.alice.send(conv, 'see you at 5');
    const { token, url } = await tokenFor(pair.aliceId, 'Alice');
    const storage = createMemoryStorage();
    const first = createChatClient({ url, token, storage });
    mine.push(first);
    await waitUntil(() => first.messages(conv).get().some((m) => m.id === sent.id), 'the device holds the message', { timeout: 10_000 });
    await first.close();

    // Offline (nothing listens on port 9).
    const offline = createChatClient({ url: 'ws://127.0.0.1:9/ws', token, storage, ackTimeoutMs: 300 });
    mine.push(offline);
    const el = await fixture<ChatThread>(html`<chat-thread style="height: 400px; width: 380px" .client=${offline} conversation=${conv}></chat-thread>`);
    await waitUntil(() => bubbleText(el) === 'see you at 5', 'the cached message shows', { timeout: 10_000 });
    void offline.edit(conv, sent.id, 'see you at 6').catch(() => undefined);
    await waitUntil(() => bubbleText(el) === 'see you at 6', 'the new text at once');
    expect(part(el, 'change-pending')!.textContent).to.equal('Saving change…');
    expect(!!part(el, 'edited'), 'edited not shown').to.equal(false);
    await offline.close();

    const reloaded = createChatClient({ url: 'ws://127.0.0.1:9/ws', token, storage });
    mine.push(reloaded);
    el.client = reloaded;
    await waitUntil(() => bubbleText(el) === 'see you at 6' && part(el, 'change-pending'), 'still shown, still pending, after a reload', { timeout: 10_000 });
    await reloaded.close();

    const back = createChatClient({ url, token, storage });
    mine.push(back);
    el.client = back;
    await waitUntil(() => part(el, 'edited') && !part(el, 'change-pending'), 'saved', { timeout: 10_000 });
    expect(bubbleText(el)).to.equal('see you at 6');
  });

  it('a recall made offline shows "You recalled a message" at once, not saved yet', async () => {
    const pair = await connectPair();
    const conv = `p2p:${pair.bobId}` as const;
    const sent = await pair.alice.send(conv, 'oops');
    const { token, url } = await tokenFor(pair.aliceId, 'Alice');
    const storage = createMemoryStorage();
    const first = createChatClient({ url, token, storage });
    mine.push(first);
    await waitUntil(() => first.messages(conv).get().some((m) => m.id === sent.id), 'the device holds the message', { timeout: 10_000 });
    await first.close();
    const offline = createChatClient({ url: 'ws://127.0.0.1:9/ws', token, storage });
    mine.push(offline);
    const el = await fixture<ChatThread>(html`<chat-thread style="height: 400px; width: 380px" .client=${offline} conversation=${conv}></chat-thread>`);
    await waitUntil(() => bubbleText(el) === 'oops', 'the cached message shows', { timeout: 10_000 });
    void offline.recall(conv, sent.id).catch(() => undefined);
    await waitUntil(() => part(el, 'recalled'), 'recalled at once');
    expect(part(el, 'recalled')!.textContent).to.contain('You recalled a message');
    expect(part(el, 'change-pending')!.textContent).to.equal('Saving change…');
  });

  it('an edit refused for its text goes back to the saved text, says why, offers no Retry, and Edit again reopens it in the composer', async () => {
    const pair = await connectPair();
    const conv = `p2p:${pair.bobId}` as const;
    const sent = await pair.alice.send(conv, 'short and sweet');
    const root = await fixture<HTMLElement>(html`<div style="display: flex; flex-direction: column; height: 500px; width: 420px">
      <chat-thread style="flex: 1" .client=${pair.alice} conversation=${conv}></chat-thread>
      <message-composer .client=${pair.alice} conversation=${conv}></message-composer>
    </div>`);
    const el = root.querySelector('chat-thread')!;
    const composer = root.querySelector<MessageComposer>('message-composer')!;
    await waitUntil(() => bubbleText(el) === 'short and sweet', 'the message shows', { timeout: 10_000 });
    const long = 'word '.repeat(2000).trim();
    await pair.alice.edit(conv, sent.id, long).catch(() => undefined);
    await waitUntil(() => part(el, 'change-failure'), 'the refusal shows');
    expect(bubbleText(el)).to.equal('short and sweet');
    expect(part(el, 'change-failure')!.dataset.code).to.equal('MESSAGE_TOO_LARGE');
    expect(part(el, 'error')!.textContent).to.equal('The message is too long to send.');
    expect(!!part(el, 'change-retry-button'), 'change-retry-button not shown').to.equal(false);
    part<HTMLButtonElement>(el, 'change-edit-button')!.click();
    await waitUntil(() => part(composer, 'edit-bar') && part<HTMLTextAreaElement>(composer, 'input')!.value === long, 'editing the message again, with the refused text');
    await waitUntil(() => !part(el, 'change-failure'), 'the refused change is dropped');
    expect(pair.alice.messages(conv).get()[0]!.id).to.equal(sent.id);
  });
});
