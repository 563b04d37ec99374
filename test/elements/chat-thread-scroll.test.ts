/**
 * `<chat-thread>` goes where the person scrolls, at 1,000 and 10,000 messages: a large wheel
 * scroll, PageUp/PageDown, Home/End, a scrollbar drag, a script setting `scrollTop`,
 * `scrollIntoView`; and `jumpTo(id)` reaches a message that is not loaded yet. The virtual list's
 * anchor holds the view only when content above it changes, never against the person.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { closeClients, connectPair, freshDevice, part, seed } from './helpers.js';
import { fromBottom, log, rowHeight, settled, visible, wheel } from './chat-thread-scroll-helpers.js';

/**
 * Presses `key` `times` times, each once the page before it has ended: every press must move the
 * view by more than `page`, whatever the list renders on the way. Not as fast as a held key:
 * Chromium, its renderer starved (a loaded machine), folds a press that comes while a page's
 * smooth scroll runs into that scroll, and the pages it drops were never the thread's (it set no
 * `scrollTop` in those runs).
 */
async function pressPages(el: ChatThread, key: 'PageUp' | 'PageDown', times: number, page: number): Promise<void> {
  for (let i = 1; i <= times; i++) {
    const from = log(el).scrollTop;
    await sendKeys({ press: key });
    await waitUntil(() => Math.abs(log(el).scrollTop - from) > page, `${key} number ${i} should scroll a page`);
    await settled(el);
  }
}

for (const total of [1_000, 10_000]) {
  describe(`chat-thread scrolling through ${total.toLocaleString('en')} messages`, function () {
    (this as { timeout(ms: number): void }).timeout(180_000);
    let aliceId = '';
    let bobId = '';
    let alice: ChatClient;
    let el: ChatThread;
    const conversation = () => `p2p:${bobId}` as const;
    const last = total - 1;

    before(async () => {
      ({ aliceId, bobId } = await connectPair());
      await closeClients();
      await seed(bobId, aliceId, total);
      alice = await freshDevice(aliceId);
      // The whole history is held (as from the device cache): scrolling alone must reach every message.
      while (await alice.loadOlder(conversation(), 200));
      expect(alice.messages(conversation()).get()).to.have.length(total);
    });

    after(async () => {
      await alice?.close();
      await closeClients();
    });

    beforeEach(async () => {
      el = await fixture<ChatThread>(html`<chat-thread style="height: 400px; width: 360px" .client=${alice} conversation=${conversation()}></chat-thread>`);
      await waitUntil(() => visible(el).includes(last) && fromBottom(el) < 2, 'the newest message should be on screen');
      await settled(el);
    });

    it('goes the whole distance of a fast mouse-wheel fling', async () => {
      const before = fromBottom(el);
      await wheel(el, -3000, 3);
      const moved = fromBottom(el) - before;
      expect(moved, 'distance scrolled up').to.be.within(8000, 10_000);
      const rows = Math.round(moved / rowHeight(el));
      expect(visible(el)[0], 'the first message in view').to.be.within(last - rows - 12, last - rows + 2);
    });

    it('pages up and down with PageUp and PageDown on the focused log', async () => {
      // A tall log: each page (most of the view) goes beyond the rows rendered past its edge.
      el.style.height = '900px';
      await settled(el);
      log(el).focus();
      const page = log(el).clientHeight * 0.7;
      await pressPages(el, 'PageUp', 12, page);
      const up = fromBottom(el);
      expect(up, 'twelve pages up').to.be.above(12 * page);
      expect(visible(el).length, 'rows are on screen').to.be.above(3);
      await pressPages(el, 'PageDown', 6, page);
      expect(up - fromBottom(el), 'six pages down').to.be.above(6 * page);
    });

    it('reaches the first message with Home and the last with End', async () => {
      log(el).focus();
      await sendKeys({ press: 'Home' });
      await settled(el);
      expect(log(el).scrollTop).to.equal(0);
      expect(visible(el)[0]).to.equal(0);
      await sendKeys({ press: 'End' });
      await settled(el);
      expect(visible(el).at(-1)).to.equal(last);
      expect(fromBottom(el)).to.be.below(2);
    });

    it('follows the scrollbar: dragging the thumb up (scrollTop set, then a scroll event, frame by frame)', async () => {
      // Headless Chromium has overlay scrollbars (0 px wide): no thumb for the mouse to grab. A
      // drag is what the browser then does: a new scrollTop each frame, each followed by a scroll event.
      const start = log(el).scrollTop;
      const target = Math.round(log(el).scrollHeight * 0.2);
      for (let step = 1; step <= 10; step++) {
        const scrolled = new Promise((r) => log(el).addEventListener('scroll', r, { once: true }));
        log(el).scrollTop = Math.round(start + ((target - start) * step) / 10);
        await scrolled;
      }
      await settled(el);
      expect(Math.abs(log(el).scrollTop - target), 'stays where it was dragged').to.be.below(rowHeight(el) * 3);
      const expected = Math.floor(total * 0.2);
      expect(visible(el)[0], 'the messages a fifth of the way down').to.be.within(expected - 40, expected + 40);
    });

    it('keeps a scrollTop set by script, and scrollIntoView reaches the start', async () => {
      const target = Math.round(log(el).scrollHeight / 2);
      log(el).scrollTop = target;
      await settled(el);
      expect(Math.abs(log(el).scrollTop - target), 'scrollTop stays where the script put it').to.be.below(rowHeight(el) * 3);
      expect(visible(el)[0]).to.be.within(total / 2 - 40, total / 2 + 40);

      el.shadowRoot!.querySelector('.beginning')!.scrollIntoView();
      await settled(el);
      expect(visible(el)[0], 'the first message after scrollIntoView of the beginning').to.equal(0);
    });

    it('jumps to a message that is not loaded yet: loads the page around it, scrolls it into view, highlights it', async () => {
      const id = alice.messages(conversation()).get().find((m) => m.elem.type === 'text' && m.elem.text === '#5')!.id;
      const device = await freshDevice(aliceId);
      try {
        expect(device.messages(conversation()).get().length, 'the new device holds only the newest page').to.be.below(total);
        const thread = await fixture<ChatThread>(html`<chat-thread style="height: 400px; width: 360px" .client=${device} conversation=${conversation()}></chat-thread>`);
        await waitUntil(() => visible(thread).includes(last), 'the newest message should be on screen');
        expect(await thread.jumpTo(id)).to.equal(true);
        await settled(thread);
        expect(visible(thread), '#5 is on screen').to.include(5);
        const row = thread.shadowRoot!.querySelector<HTMLElement>('[data-row][data-highlight]')!;
        expect(row.textContent).to.include('#5');
        expect(getComputedStyle(row.querySelector('[part~="message"]')!).animationName).to.equal('chat-thread-highlight');
        // Where the jump went, scrolling still goes: End reaches the newest message.
        log(thread).focus();
        await sendKeys({ press: 'End' });
        await settled(thread);
        expect(visible(thread).at(-1)).to.equal(last);
        expect(await thread.jumpTo('no-such-message'), 'an unknown id').to.equal(false);
      } finally {
        await device.close();
      }
    });
  });
}

describe('chat-thread jump highlight', () => {
  afterEach(() => emulateMedia({ reducedMotion: 'no-preference' }));

  it('is a still tint, without the fade, under prefers-reduced-motion', async () => {
    const { aliceId, bobId, alice } = await connectPair();
    try {
      await seed(bobId, aliceId, 40);
      await waitUntil(() => alice.messages(`p2p:${bobId}`).get().length === 40, 'alice should hold the messages');
      await emulateMedia({ reducedMotion: 'reduce' });
      const el = await fixture<ChatThread>(html`<chat-thread style="height: 400px; width: 360px" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`);
      const id = alice.messages(`p2p:${bobId}`).get()[3]!.id;
      expect(await el.jumpTo(id)).to.equal(true);
      const message = el.shadowRoot!.querySelector<HTMLElement>('[data-row][data-highlight] > [part~="message"]')!;
      expect(getComputedStyle(message).animationName).to.equal('none');
      expect(getComputedStyle(message).backgroundColor).to.not.equal('rgba(0, 0, 0, 0)');
      // Asked from inside the thread (focus on the log), the message takes focus; from outside it does not.
      const other = alice.messages(`p2p:${bobId}`).get()[20]!.id;
      (document.activeElement as HTMLElement | null)?.blur();
      expect(await el.jumpTo(other)).to.equal(true);
      expect(el.shadowRoot!.activeElement).to.equal(null);
      part(el, 'log')!.focus();
      expect(await el.jumpTo(id)).to.equal(true);
      const focusedRow = el.shadowRoot!.activeElement as HTMLElement;
      expect(focusedRow.getAttribute('part')).to.contain('message');
      expect(focusedRow.textContent).to.contain(alice.messages(`p2p:${bobId}`).get()[3]!.elem.type === 'text' ? '#3' : '');
    } finally {
      await closeClients();
    }
  });

  it('tints the message only, not the day heading above it in the same row', async () => {
    const { aliceId, bobId, alice } = await connectPair();
    try {
      await seed(bobId, aliceId, 3);
      await waitUntil(() => alice.messages(`p2p:${bobId}`).get().length === 3, 'alice should hold the messages');
      await emulateMedia({ reducedMotion: 'reduce' });
      const el = await fixture<ChatThread>(html`<chat-thread style="height: 400px; width: 360px" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`);
      // The first message of the day: its row starts with the day heading ("Today").
      expect(await el.jumpTo(alice.messages(`p2p:${bobId}`).get()[0]!.id)).to.equal(true);
      const row = el.shadowRoot!.querySelector<HTMLElement>('[data-row][data-highlight]')!;
      expect(row.querySelector('[part~="day"]'), 'the row holds the day heading').to.not.equal(null);
      expect(getComputedStyle(row.querySelector('[part~="message"]')!).backgroundColor, 'the message is tinted').to.not.equal('rgba(0, 0, 0, 0)');
      expect(getComputedStyle(row).backgroundColor, 'the row around the heading is not').to.equal('rgba(0, 0, 0, 0)');
    } finally {
      await closeClients();
    }
  });
});
