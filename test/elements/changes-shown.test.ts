// An edit or a recall shows on its message at once, before the server saves it (offline too, and
// after a reload), marked as not saved yet; an edit the server refuses goes back to the saved
// text, with why and what helps. Real Chromium, real server and client.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import type { ChatClientOptions } from '../../src/client/index.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { closeClients, connectPair, device, OFFLINE_URL, offlineDevice, part, threadWithComposer } from './helpers.js';

describe('changes shown before they are saved', function () {
  afterEach(closeClients);

  const bubbleText = (el: ChatThread) => part(el, 'bubble')?.textContent?.trim();

  /** Alice's message `text` to a fresh Bob, and a thread of it on a device of hers now offline. */
  async function sentThenOffline(text: string, options: Partial<ChatClientOptions> = {}) {
    const pair = await connectPair();
    const conv = `p2p:${pair.bobId}` as const;
    const sent = await pair.alice.send(conv, text);
    const offline = await offlineDevice(pair.aliceId, 'Alice', conv, sent.id, options);
    const el = await fixture<ChatThread>(html`<chat-thread style="height: 400px; width: 380px" .client=${offline.client} conversation=${conv}></chat-thread>`);
    await waitUntil(() => bubbleText(el) === text, 'the cached message shows');
    return { conv, sent, offline, el };
  }

  it('an edit made offline shows its text at once, "Saving change…", after a reload too, then "edited" once saved', async () => {
    const { conv, sent, offline, el } = await sentThenOffline('see you at 5', { ackTimeoutMs: 300 });
    void offline.client.edit(conv, sent.id, 'see you at 6').catch(() => undefined);
    await waitUntil(() => bubbleText(el) === 'see you at 6', 'the new text at once');
    expect(part(el, 'change-pending')!.textContent).to.equal('Saving change…');
    expect(!!part(el, 'edited'), 'edited not shown').to.equal(false);
    await offline.client.close();

    const { token, url, storage } = offline;
    const reloaded = device({ url: OFFLINE_URL, token, storage });
    el.client = reloaded;
    await waitUntil(() => bubbleText(el) === 'see you at 6' && part(el, 'change-pending'), 'still shown, still pending, after a reload');
    await reloaded.close();

    el.client = device({ url, token, storage });
    await waitUntil(() => part(el, 'edited') && !part(el, 'change-pending'), 'saved');
    expect(bubbleText(el)).to.equal('see you at 6');
  });

  it('a recall made offline shows "You recalled a message" at once, not saved yet', async () => {
    const { conv, sent, offline, el } = await sentThenOffline('oops');
    void offline.client.recall(conv, sent.id).catch(() => undefined);
    await waitUntil(() => part(el, 'recalled'), 'recalled at once');
    expect(part(el, 'recalled')!.textContent).to.contain('You recalled a message');
    expect(part(el, 'change-pending')!.textContent).to.equal('Saving change…');
  });

  it('an edit refused for its text goes back to the saved text, says why, offers no Retry, and Edit again reopens it in the composer', async () => {
    const pair = await connectPair();
    const conv = `p2p:${pair.bobId}` as const;
    const sent = await pair.alice.send(conv, 'short and sweet');
    const { thread: el, composer } = await threadWithComposer(pair.alice, conv);
    await waitUntil(() => bubbleText(el) === 'short and sweet', 'the message shows');
    const long = 'word '.repeat(2000).trim();
    await pair.alice.edit(conv, sent.id, long).catch(() => undefined);
    await waitUntil(() => part(el, 'change-failure'), 'the refusal shows');
    expect(bubbleText(el)).to.equal('short and sweet');
    expect(part(el, 'change-failure')!.dataset.code).to.equal('MESSAGE_TOO_LARGE');
    // The sentence comes with the features loaded on first use (thread/failure.ts, errorLine).
    await waitUntil(() => part(el, 'error')!.textContent === 'The message is too long to send.', 'the failure\'s sentence should show');
    expect(!!part(el, 'change-retry-button'), 'change-retry-button not shown').to.equal(false);
    part<HTMLButtonElement>(el, 'change-edit-button')!.click();
    await waitUntil(() => part(composer, 'edit-bar') && part<HTMLTextAreaElement>(composer, 'input')!.value === long, 'editing the message again, with the refused text');
    await waitUntil(() => !part(el, 'change-failure'), 'the refused change is dropped');
    expect(pair.alice.messages(conv).get()[0]!.id).to.equal(sent.id);
  });
});
