/**
 * `<chat-thread>` keeps the reader's position to the pixel once they have scrolled up: a render
 * that changes nothing above the view (messages arriving below) writes no scroll position, a
 * page loaded above moves the view by exactly what it added, and the place it holds is where
 * the person last scrolled to, even when that scroll rendered nothing (a message arrives, an
 * older page loads, the log is resized). The other scroll tests allow rows of slack: they all
 * passed with a correction writing `scrollTop` 1 px further (the position creeps), and with the
 * anchor no longer read again on a scroll (a resize then jumps the view back), both put into
 * the virtual list by hand; this file fails with each.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { closeClients, connect, connectPair, freshDevice, seed } from './helpers.js';
import { fromBottom, log, settled, topMessage, visible, wheel } from './chat-thread-scroll-helpers.js';

describe('chat-thread reading position', function () {
  (this as { timeout(ms: number): void }).timeout(120_000);
  let aliceId = '';
  let bobId = '';
  let alice: ChatClient;
  let bob: ChatClient;
  let el: ChatThread;
  const conversation = () => `p2p:${bobId}` as const;
  const held = () => alice.messages(conversation()).get().length;

  /** Bob sends `text`; resolves once Alice's thread rendered it (off screen) and settled. */
  async function arrives(text: string): Promise<void> {
    await bob.send(`p2p:${aliceId}`, text);
    await waitUntil(() => alice.messages(conversation()).get().some((m) => m.elem.type === 'text' && m.elem.text === text), `${text} should arrive`);
    await el.updateComplete;
    await settled(el);
  }

  /** Loads the page before the oldest message held; resolves once it is rendered and settled. */
  async function olderPage(): Promise<void> {
    const before = held();
    await el.loadOlder();
    expect(held(), 'an older page loaded').to.be.above(before);
    await el.updateComplete;
    await settled(el);
  }

  /** Wheels the log `dy` px, which it must go. */
  async function shortScroll(dy: number): Promise<void> {
    const from = log(el).scrollTop;
    await wheel(el, dy);
    expect(log(el).scrollTop - from, `a wheel of ${dy} px`).to.be.closeTo(dy, 1);
  }

  beforeEach(async () => {
    ({ aliceId, bobId } = await connectPair());
    await closeClients();
    await seed(bobId, aliceId, 400);
    // A fresh device holds the newest page; older pages load when asked.
    alice = await freshDevice(aliceId);
    bob = await connect(bobId, 'Bob');
    el = await fixture<ChatThread>(html`<chat-thread style="height: 400px; width: 360px" .client=${alice} conversation=${conversation()}></chat-thread>`);
    await waitUntil(() => visible(el).includes(399) && fromBottom(el) < 2, 'the newest message should be on screen');
    await settled(el);
    // Up among the newest page, the "Load older" button (which loads by itself) out of view.
    await wheel(el, -600);
    expect(fromBottom(el), 'scrolled up').to.be.above(400);
    expect(visible(el)[0], 'the newest page is on screen').to.be.above(360);
  });

  afterEach(async () => {
    await alice?.close();
    await closeClients();
  });

  it('does not move while messages arrive below the view: no render writes a scroll position', async () => {
    const top = log(el).scrollTop;
    const first = topMessage(el);
    for (let i = 1; i <= 10; i++) await arrives(`below ${i}`);
    expect(log(el).scrollTop, 'scrollTop after 10 messages arrived below').to.equal(top);
    expect(topMessage(el), 'the first message in view, where it was').to.deep.equal(first);
  });

  it('keeps the message in view where it was, to the pixel, as older pages load above', async () => {
    const first = topMessage(el);
    for (let i = 1; i <= 3; i++) {
      await olderPage();
      const now = topMessage(el);
      expect(now.text, `the first message in view after older page ${i}`).to.equal(first.text);
      expect(Math.abs(now.top - first.top), `how far it moved after older page ${i}`).to.be.below(0.5);
    }
  });

  it('holds where the person last scrolled when a message arrives or an older page loads', async () => {
    // A short scroll, within the rows rendered beyond the view's edges: nothing to render, so
    // only the scroll itself can tell the list where the person is.
    await shortScroll(-100);
    const scrolled = topMessage(el);
    const top = log(el).scrollTop;
    await arrives('while scrolled');
    expect(log(el).scrollTop, 'scrollTop after a message arrived').to.equal(top);
    expect(topMessage(el), 'the first message in view after a message arrived').to.deep.equal(scrolled);

    await shortScroll(-100);
    const further = topMessage(el);
    await olderPage();
    const now = topMessage(el);
    expect(now.text, 'the first message in view after an older page').to.equal(further.text);
    expect(Math.abs(now.top - further.top), 'how far it moved after an older page').to.be.below(0.5);
  });

  it("holds where the person last scrolled when the log is resized (the page's layout changes)", async () => {
    await shortScroll(-100);
    const scrolled = topMessage(el);
    const top = log(el).scrollTop;
    const height = log(el).clientHeight;
    el.style.height = '480px';
    await waitUntil(() => log(el).clientHeight === height + 80, 'the log should grow');
    await settled(el);
    expect(log(el).scrollTop, 'scrollTop once the log grew').to.equal(top);
    expect(topMessage(el), 'the first message in view once the log grew').to.deep.equal(scrolled);
  });
});
