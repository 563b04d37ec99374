// Right-to-left pages: with `dir="rtl"` on the page the elements mirror (logical CSS properties),
// measured from real layout in Chromium, each beside its left-to-right counterpart.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ChatWidget } from '../../src/elements/chat-widget.js';
import { broadcast, nextFrames } from './a11y-helpers.js';
import { closeClients, connect, part, parts, uniqueUser } from './helpers.js';

const rect = (el: Element) => el.getBoundingClientRect();
const centre = (el: Element) => (rect(el).left + rect(el).right) / 2;

for (const dir of ['ltr', 'rtl'] as const) {
  /** In `dir`, whether `a` comes before `b` along the line: left of it in LTR, right of it in RTL. */
  const precedes = (a: Element, b: Element) => (dir === 'ltr' ? centre(a) < centre(b) : centre(a) > centre(b));
  /** The side of the viewport where a line starts. */
  const startSide = dir === 'ltr' ? 'left' : 'right';

  describe(`direction: ${dir} (dir="${dir}" on the page)`, function () {

    let aliceId: string;
    let bobId: string;
    let alice: ChatClient;

    before(async () => {
      document.documentElement.dir = dir;
      [aliceId, bobId] = [uniqueUser('alice'), uniqueUser('bob')];
      const bob = await connect(bobId, 'Bob');
      alice = await connect(aliceId, 'Alice');
      await bob.send(`p2p:${aliceId}`, 'hello from bob');
      await alice.send(`p2p:${bobId}`, 'hello from alice');
      await bob.send(`p2p:${aliceId}`, 'unread one');
      await broadcast(`Announcement in ${dir}`, 'Ops');
      await broadcast(`Another announcement in ${dir}`, 'Ops');
      await waitUntil(() => alice.$broadcasts.get().length >= 2, 'alice should have the broadcasts');
      await waitUntil(() => (alice.$conversations.get()[0]?.unread ?? 0) > 0, 'bob’s messages should be unread');
    });

    after(async () => {
      document.documentElement.removeAttribute('dir');
      await closeClients();
      localStorage.clear();
    });

    it('conversation-list: avatar at the start, time and unread badge at the end', async () => {
      const list = await fixture<HTMLElement>(html`<conversation-list style="width: 320px" .client=${alice}></conversation-list>`);
      await waitUntil(() => part(list, 'unread-badge'), 'the list should show bob with an unread count');
      const item = part(list, 'item')!;
      const avatar = part(list, 'avatar')!;
      const name = item.querySelector('.name')!;
      const time = item.querySelector('time')!;
      expect(getComputedStyle(item).direction).to.equal(dir);
      expect(precedes(avatar, name), 'avatar before name').to.equal(true);
      expect(precedes(name, time), 'name before time').to.equal(true);
      expect(precedes(name, part(list, 'unread-badge')!), 'name before badge').to.equal(true);
      // The avatar hugs the start edge of the item.
      const gap = dir === 'ltr' ? rect(avatar).left - rect(item).left : rect(item).right - rect(avatar).right;
      expect(gap).to.be.within(0, 16);
    });

    it('broadcast-banner: icon at the start, dismiss at the end, arrows pointing along the line', async () => {
      const banner = await fixture<HTMLElement>(html`<broadcast-banner style="width: 600px" .client=${alice}></broadcast-banner>`);
      await waitUntil(() => part(banner, 'pager'), 'the banner should show a pager');
      const icon = part(banner, 'icon')!;
      const content = part(banner, 'content')!;
      const dismiss = part(banner, 'dismiss-button')!;
      expect(precedes(icon, content)).to.equal(true);
      expect(precedes(content, part(banner, 'pager')!)).to.equal(true);
      expect(precedes(part(banner, 'previous-button')!, part(banner, 'next-button')!)).to.equal(true);
      expect(precedes(part(banner, 'pager')!, dismiss)).to.equal(true);
      const mirrored = getComputedStyle(part(banner, 'previous-button')!).transform;
      expect(mirrored).to.equal(dir === 'rtl' ? 'matrix(-1, 0, 0, 1, 0, 0)' : 'none');

      // Narrow: the pager moves under the text, aligned with the text's start.
      banner.style.width = '300px';
      await nextFrames();
      const pager = part(banner, 'pager')!;
      expect(rect(pager).top).to.be.at.least(rect(content).bottom - 1);
      const edge = dir === 'ltr' ? rect(content).left - rect(pager).left : rect(pager).right - rect(content).right;
      expect(edge).to.be.within(-1, 8);
    });

    it('chat-widget: the default corner is the end of the line; launcher, badge and panel follow it', async () => {
      const widget = await fixture<ChatWidget>(html`<chat-widget .client=${alice} conversation=${`p2p:${bobId}`}></chat-widget>`);
      await waitUntil(() => part(widget, 'badge'), 'the launcher should count unread');
      const launcher = part(widget, 'launcher')!;
      const endGap = dir === 'ltr' ? innerWidth - rect(launcher).right : rect(launcher).left;
      expect(endGap, 'launcher at the end corner').to.be.closeTo(20, 1);
      // The badge sits over the launcher's end edge.
      const badge = part(widget, 'badge')!;
      expect(precedes(launcher, badge)).to.equal(true);
      expect(dir === 'ltr' ? rect(badge).right - rect(launcher).right : rect(launcher).left - rect(badge).left).to.be.closeTo(4, 1);

      await widget.show();
      await nextFrames();
      const panel = part(widget, 'panel')!;
      // The panel lines up with the launcher on the end side.
      const panelEnd = dir === 'ltr' ? rect(panel).right : rect(panel).left;
      const launcherEnd = dir === 'ltr' ? rect(launcher).right : rect(launcher).left;
      expect(panelEnd).to.be.closeTo(launcherEnd, 1);
      // Header: back at the start, title, close at the end; the back arrow points to the start.
      const back = part(widget, 'back-button')!;
      expect(precedes(back, part(widget, 'title')!)).to.equal(true);
      expect(precedes(part(widget, 'title')!, part(widget, 'close-button')!)).to.equal(true);
      expect(getComputedStyle(back).transform).to.equal(dir === 'rtl' ? 'matrix(-1, 0, 0, 1, 0, 0)' : 'none');

      // Wide panel: the list at the start, the thread at the end.
      widget.style.setProperty('--chat-widget-width', '720px');
      await nextFrames();
      const list = widget.shadowRoot!.querySelector('conversation-list')!;
      const thread = widget.shadowRoot!.querySelector('chat-thread')!;
      expect(precedes(list, thread)).to.equal(true);
      widget.hide();
    });

    it('chat-widget: bottom-start takes the other corner; bottom-right and bottom-left stay put', async () => {
      const widget = await fixture<ChatWidget>(html`<chat-widget .client=${alice} position="bottom-start"></chat-widget>`);
      const launcher = part(widget, 'launcher')!;
      const startGap = startSide === 'left' ? rect(launcher).left : innerWidth - rect(launcher).right;
      expect(startGap).to.be.closeTo(20, 1);
      widget.position = 'bottom-right';
      await widget.updateComplete;
      expect(innerWidth - rect(launcher).right).to.be.closeTo(20, 1);
      widget.position = 'bottom-left';
      await widget.updateComplete;
      expect(rect(launcher).left).to.be.closeTo(20, 1);
      await widget.show();
      await nextFrames();
      expect(rect(part(widget, 'panel')!).left).to.be.closeTo(20, 1);
      widget.hide();
    });

    it('chat-thread: the other person’s messages at the start, one’s own at the end', async () => {
      const thread = await fixture<ChatThread>(html`<chat-thread style="height: 300px; width: 500px" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`);
      await waitUntil(() => parts(thread, 'bubble').length === 3, 'the thread should show the messages');
      const theirs = thread.shadowRoot!.querySelector('[part~="other"] [part~="bubble"]')!;
      const mine = thread.shadowRoot!.querySelector('[part~="self"] [part~="bubble"]')!;
      expect(precedes(theirs, mine)).to.equal(true);
      const log = part(thread, 'log')!;
      const theirGap = dir === 'ltr' ? rect(theirs).left - rect(log).left : rect(log).right - rect(theirs).right;
      const myGap = dir === 'ltr' ? rect(log).right - rect(mine).right : rect(mine).left - rect(log).left;
      expect(theirGap, 'their bubble near the start edge').to.be.below(100);
      expect(myGap, 'my bubble near the end edge').to.be.below(40);
    });
  });
}

// A line cut to fit (a list preview, a pinned bar, a quote) shows the start of its text, whichever
// way the page runs: an English text on a right-to-left page, an Arabic one on a left-to-right page.
for (const [dir, text] of [
  ['rtl', 'hello from a long English message that cannot fit on one line of any of these narrow places'],
  ['ltr', 'مرحبا بك في هذه المحادثة الطويلة جدا التي لا تنتهي أبدا ولا تتسع في السطر الواحد من القائمة'],
] as const) {
  describe(`a cut line on a ${dir} page`, function () {
    this.timeout(20_000);

    /** Whether the first character of `el`'s text lies inside `el`'s box (not cut off by its overflow). */
    function startShows(el: Element): boolean {
      const first = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, (n) => (n.nodeValue!.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP)).nextNode()!;
      const range = document.createRange();
      const at = first.nodeValue!.indexOf(text[0]!);
      range.setStart(first, at);
      range.setEnd(first, at + 1);
      const c = range.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      return c.width > 0 && c.left >= box.left - 1 && c.right <= box.right + 1;
    }

    afterEach(async () => {
      document.documentElement.removeAttribute('dir');
      await closeClients();
    });

    it('in the conversation list, the pinned bar and a quote', async () => {
      document.documentElement.dir = dir;
      const [aliceId, bobId] = [uniqueUser('alice'), uniqueUser('bob')];
      const bob = await connect(bobId, 'Bob');
      const alice = await connect(aliceId, 'Alice');
      const long = await bob.send(`p2p:${aliceId}`, text);
      await waitUntil(() => alice.$conversations.get().some((c) => c.lastMessage?.id === long.id), 'alice should have bob’s message');
      const list = await fixture<HTMLElement>(html`<conversation-list style="width: 300px" .client=${alice}></conversation-list>`);
      await waitUntil(() => part(list, 'item'), 'the list should show bob');
      const preview = [...part(list, 'item')!.querySelectorAll('span')].find((s) => s.textContent!.trim() === text)!;
      expect(startShows(preview), 'the preview shows the start of the message').to.equal(true);

      await alice.pin(`p2p:${bobId}`, long.id!, true);
      await alice.reply(`p2p:${bobId}`, long.id!, 'ok');
      const thread = await fixture<ChatThread>(html`<chat-thread style="height: 400px; width: 320px" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`);
      await waitUntil(() => part(thread, 'pinned-excerpt') && part(thread, 'reply-quote-excerpt'), 'the pin and the quote should show');
      expect(startShows(part(thread, 'pinned-excerpt')!), 'the pinned bar shows the start of the message').to.equal(true);
      expect(startShows(part(thread, 'reply-quote-excerpt')!), 'the quote shows the start of the message').to.equal(true);
    });
  });
}
