/**
 * `<chat-thread>` on long histories (thousands of messages seeded through the server's admin
 * send, see web-test-runner.config.mjs): only rows near the viewport exist, it opens at the
 * newest, keeps its place when older pages load, and jumps to unread messages and mentions.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { PropertyValues } from 'lit';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { closeClients, connect, connectPair, freshDevice, part, parts, seed, type Pair, plain } from './helpers.js';

const log = (el: ChatThread) => part(el, 'log')!;

/** Whether the bubble reading exactly `text` is rendered and inside the log's viewport. */
function onScreen(el: ChatThread, text: string): boolean {
  const bubble = parts(el, 'bubble').find((b) => b.textContent!.trim() === text);
  if (!bubble) return false;
  const r = bubble.getBoundingClientRect();
  const v = log(el).getBoundingClientRect();
  return r.bottom > v.top && r.top < v.bottom;
}

const atBottom = (el: ChatThread) => log(el).scrollHeight - log(el).scrollTop - log(el).clientHeight < 2;

/**
 * A `<chat-thread>` that counts its updates, and those that asked for another before they ended
 * (a request from `updated()` or a controller's `hostUpdated()`: each costs a second render cycle,
 * and is what Lit's dev-mode "change-in-update" warning reports, only once per page).
 */
function countingThread(client: ChatClient, conversation: string, options: { hidden?: boolean } = {}) {
  const el = document.createElement('chat-thread');
  const counts = { updates: 0, chained: 0 };
  const host = el as unknown as { updated(changed: PropertyValues): void };
  const updated = host.updated;
  host.updated = function (this: ChatThread, changed: PropertyValues) {
    updated.call(this, changed);
    counts.updates++;
    if (this.isUpdatePending) counts.chained++;
  };
  el.setAttribute('style', 'height: 400px; width: 360px');
  el.hidden = options.hidden ?? false;
  el.client = client;
  el.conversation = conversation;
  return { el, counts, ready: fixture(html`<div>${el}</div>`) };
}

/** Pages the whole history in through the element's public `loadOlder()`. */
async function loadAll(el: ChatThread, client: ChatClient, conversation: `p2p:${string}`): Promise<void> {
  while (client.hasOlder(conversation).get()) await el.loadOlder();
  await el.updateComplete;
}

describe('chat-thread on a long history', function () {
  (this as { timeout(ms: number): void }).timeout(120_000);
  let { aliceId, bobId } = {} as Pair;
  let alice: ChatClient;

  beforeEach(async () => {
    // Both users exist once they have connected; the history is written while they are away.
    ({ aliceId, bobId } = await connectPair());
    await closeClients();
  });

  afterEach(async () => {
    await alice?.close();
    await closeClients();
  });

  function thread(client: ChatClient, conversation: string): Promise<ChatThread> {
    return fixture<ChatThread>(html`<chat-thread style="height: 400px; width: 360px" .client=${client} conversation=${conversation}></chat-thread>`);
  }

  it('opens at the newest of 10,000 messages and keeps fewer than 200 message rows in the DOM', async () => {
    await seed(bobId, aliceId, 10_000);
    alice = await freshDevice(aliceId);
    const el = await thread(alice, `p2p:${bobId}`);
    await waitUntil(() => onScreen(el, '#9999'), 'the newest message should be on screen');
    expect(atBottom(el)).to.equal(true);

    await loadAll(el, alice, `p2p:${bobId}`);
    expect(alice.messages(`p2p:${bobId}`).get()).to.have.length(10_000);
    expect(parts(el, 'message').length).to.be.below(200);
    expect(atBottom(el), 'loading older pages at the bottom stays there').to.equal(true);

    log(el).scrollTop = 0;
    await waitUntil(() => onScreen(el, '#0'), 'the oldest message should show at the top');
    expect(parts(el, 'message').length).to.be.below(200);
  });

  it('keeps the message in view where it was when older messages load above', async () => {
    await seed(bobId, aliceId, 600);
    alice = await freshDevice(aliceId);
    const el = await thread(alice, `p2p:${bobId}`);
    await waitUntil(() => onScreen(el, '#599'), 'the newest message should be on screen');
    // Scroll up a little: the thread leaves the bottom, a message sits at the top of the view.
    const scrolled = new Promise((r) => log(el).addEventListener('scroll', r, { once: true }));
    log(el).scrollTop -= 300;
    await scrolled;
    await el.updateComplete;
    expect(atBottom(el)).to.equal(false);
    const view = log(el).getBoundingClientRect();
    const anchor = parts(el, 'bubble').find((b) => b.getBoundingClientRect().top >= view.top)!;
    const text = anchor.textContent!.trim();
    const before = anchor.getBoundingClientRect().top;

    const held = alice.messages(`p2p:${bobId}`).get().length;
    await el.loadOlder();
    await waitUntil(() => alice.messages(`p2p:${bobId}`).get().length > held, 'older messages should arrive');
    await el.updateComplete;
    const same = parts(el, 'bubble').find((b) => b.textContent!.trim() === text)!;
    expect(same, `${text} should still be rendered`).to.not.equal(undefined);
    expect(Math.abs(same.getBoundingClientRect().top - before)).to.be.below(2);
  });

  it('loads the older page by itself when the "Load older" button scrolls into view', async () => {
    await seed(bobId, aliceId, 600);
    alice = await freshDevice(aliceId);
    const el = await thread(alice, `p2p:${bobId}`);
    await waitUntil(() => onScreen(el, '#599'), 'the newest message should be on screen');
    const held = alice.messages(`p2p:${bobId}`).get().length;
    expect(alice.hasOlder(`p2p:${bobId}`).get()).to.equal(true);
    expect(part(el, 'load-older-button')).to.not.equal(null);
    log(el).scrollTop = 0;
    await waitUntil(() => alice.messages(`p2p:${bobId}`).get().length > held, 'the older page should load without a click');
  });

  it('shows the new-messages pill when a message arrives while scrolled up, and goes down to it', async () => {
    await seed(bobId, aliceId, 300);
    alice = await freshDevice(aliceId);
    const el = await thread(alice, `p2p:${bobId}`);
    await waitUntil(() => onScreen(el, '#299'), 'the newest message should be on screen');
    log(el).scrollTop -= 600;
    await waitUntil(() => !onScreen(el, '#299'), 'the newest message should scroll away');

    const bob = await connect(bobId, 'Bob');
    await bob.send(`p2p:${aliceId}`, 'are you there?');
    await waitUntil(() => part(el, 'jump-button'), 'the pill should show');
    expect(onScreen(el, 'are you there?')).to.equal(false);

    part<HTMLButtonElement>(el, 'jump-button')!.click();
    await waitUntil(() => onScreen(el, 'are you there?'), 'the new message should be on screen');
    await waitUntil(() => !part(el, 'jump-button'), 'the pill should go');
    expect(atBottom(el)).to.equal(true);
  });

  it('renders each change in one update: measuring the rows after layout asks for no second one', async () => {
    await seed(bobId, aliceId, 300);
    alice = await freshDevice(aliceId);
    const { el, counts, ready } = countingThread(alice, `p2p:${bobId}`);
    await ready;
    await waitUntil(() => onScreen(el, '#299'), 'the newest message should be on screen');
    expect(counts.chained, 'opening').to.equal(0);

    const bob = await connect(bobId, 'Bob');
    await bob.send(`p2p:${aliceId}`, 'one more');
    await waitUntil(() => onScreen(el, 'one more'), 'the new message should be on screen');
    await el.loadOlder();
    await el.updateComplete;
    expect(atBottom(el), 'an older page at the bottom stays there').to.equal(true);
    expect(counts.chained, 'a new message, an older page').to.equal(0);

    const scrolled = new Promise((r) => log(el).addEventListener('scroll', r, { once: true }));
    log(el).scrollTop -= 300;
    await scrolled;
    await el.updateComplete;
    const text = parts(el, 'bubble').find((b) => b.getBoundingClientRect().top >= log(el).getBoundingClientRect().top)!.textContent!.trim();
    await el.loadOlder();
    await el.updateComplete;
    expect(onScreen(el, text), 'the message in view stays in view').to.equal(true);
    expect(counts.chained, 'scrolled up, an older page').to.equal(0);
    expect(counts.updates, 'updates counted').to.be.above(4);
  });

  it('opens a thread whose messages are held in one render', async () => {
    // Read on another device: nothing left to mark read, so no data changes once it is open.
    await seed(bobId, aliceId, 300);
    const reader = await connect(aliceId);
    await waitUntil(() => reader.$conversations.get().some((c) => c.id === `p2p:${bobId}` && c.lastSeq >= 300), 'alice should see the history');
    reader.markRead(`p2p:${bobId}`);
    await closeClients();
    alice = await freshDevice(aliceId);
    await waitUntil(() => alice.$conversations.get().find((c) => c.id === `p2p:${bobId}`)?.unread === 0, 'the thread should be read');
    await alice.loadOlder(`p2p:${bobId}`, 100);
    expect(alice.messages(`p2p:${bobId}`).get(), 'a page is held').to.have.length(100);
    const { el, counts, ready } = countingThread(alice, `p2p:${bobId}`);
    // What follows the first render: the scroll to the bottom, the rows' and the log's first
    // sizes (ResizeObserver) and the thread's visibility (IntersectionObserver, the thread's first).
    const scrolled = new Promise((r) => el.shadowRoot!.addEventListener('scroll', r, { once: true, capture: true }));
    const seen = new Promise<void>((r) => {
      const io = new IntersectionObserver(() => (io.disconnect(), r()));
      io.observe(el);
    });
    await ready;
    await Promise.all([scrolled, seen]);
    await el.updateComplete;
    expect(onScreen(el, '#299') && atBottom(el), 'the newest message is on screen, at the bottom').to.equal(true);
    expect(counts.updates).to.equal(1);
  });

  it('renders a hidden thread once per change, and shows the newest message when shown', async () => {
    await seed(bobId, aliceId, 300);
    alice = await freshDevice(aliceId);
    const { el, counts, ready } = countingThread(alice, `p2p:${bobId}`, { hidden: true });
    await ready;
    await waitUntil(() => parts(el, 'bubble').some((b) => b.textContent!.trim() === '#299'), 'the newest message should render');
    await el.updateComplete;
    expect(counts.chained).to.equal(0);
    expect(parts(el, 'message').length).to.be.below(30);

    el.hidden = false;
    await waitUntil(() => onScreen(el, '#299') && atBottom(el), 'the newest message should be on screen, at the bottom');
  });

  it('announces an arriving message in a polite live region while the rows stay silent', async () => {
    alice = await freshDevice(aliceId);
    const el = await thread(alice, `p2p:${bobId}`);
    const bob = await connect(bobId, 'Bob');
    await bob.send(`p2p:${aliceId}`, 'hello there');
    await waitUntil(() => plain(log(el).textContent).includes('Bob: hello there'), 'the message should be announced');
    expect(log(el).getAttribute('aria-live')).to.equal('polite');
    const announcer = [...log(el).querySelectorAll('.visually-hidden')].find((n) => plain(n.textContent).includes('Bob: hello there'))!;
    expect(announcer.closest('[aria-live="off"]')).to.equal(null);
    expect(part(el, 'message')!.closest('[aria-live="off"]')).to.not.equal(null);
  });

  it('jumps to the first unread message, loading older pages to reach it', async () => {
    await seed(bobId, aliceId, 2_000, { prefix: 'read ' });
    const reader = await connect(aliceId);
    await waitUntil(() => reader.$conversations.get().some((c) => c.id === `p2p:${bobId}` && c.lastSeq >= 2_000), 'alice should see the history');
    reader.markRead(`p2p:${bobId}`);
    await waitUntil(() => reader.$conversations.get().find((c) => c.id === `p2p:${bobId}`)?.unread === 0, 'alice should have read it');
    await closeClients();
    await seed(bobId, aliceId, 700, { prefix: 'unread ' });

    alice = await freshDevice(aliceId);
    const el = await thread(alice, `p2p:${bobId}`);
    await waitUntil(() => onScreen(el, 'unread 699'), 'the newest message should be on screen');
    expect(await el.jumpToFirstUnread()).to.equal(true);
    await waitUntil(() => onScreen(el, 'unread 0'), 'the first unread message should be on screen');
    expect(onScreen(el, 'unread 699')).to.equal(false);
  });

  it('jumps to the unread message that mentions the user', async () => {
    await seed(bobId, aliceId, 900, { mention: [250] });
    alice = await freshDevice(aliceId);
    const el = await thread(alice, `p2p:${bobId}`);
    await waitUntil(() => onScreen(el, '#899'), 'the newest message should be on screen');
    expect(await el.jumpToMention()).to.equal(true);
    await waitUntil(() => onScreen(el, '#250'), 'the mention should be on screen');
  });

  it('scrolls to a message by id, paging it in', async () => {
    await seed(bobId, aliceId, 500);
    alice = await freshDevice(aliceId);
    const el = await thread(alice, `p2p:${bobId}`);
    await waitUntil(() => onScreen(el, '#499'), 'the newest message should be on screen');
    const reader = await connect(aliceId);
    const id = await findId(reader, `p2p:${bobId}`, '#10');
    expect(await el.scrollToMessage(id)).to.equal(true);
    await waitUntil(() => onScreen(el, '#10'), 'the message should be on screen');
  });
});

/** The server id of the message reading `text`, paging the reader's history until it is held. */
async function findId(client: ChatClient, conversation: `p2p:${string}`, text: string): Promise<string> {
  let more = true;
  for (;;) {
    const m = client.messages(conversation).get().find((x) => x.elem.type === 'text' && x.elem.text === text);
    if (m) return m.id;
    if (!more) throw new Error(`${text} not found`);
    more = await client.loadOlder(conversation, 200);
  }
}
