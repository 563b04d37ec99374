// Narrow screens: at 320 px wide (the smallest phones) the widget and a session of list, thread,
// composer and banner fit the viewport: no horizontal scrollbar on the page or in any element,
// even with long unbreakable names and words.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ChatWidget } from '../../src/elements/chat-widget.js';
import { setLocale } from '../../src/elements/i18n/localize.js';
import { broadcast, focused, nextFrames } from './a11y-helpers.js';
import { closeClients, connect, part, parts, uniqueUser } from './helpers.js';
import { overflowPast, placeholderInk } from './overflow-helpers.js';

const WIDTH = 320;
const horizontalOverflow = (root: Element) => overflowPast(root, WIDTH);
/** Whether what is drawn at the centre of `el` (in `host`'s shadow root) is `el` or inside it. */
function onTop(host: Element, el: Element): boolean {
  const box = el.getBoundingClientRect();
  const hit = host.shadowRoot!.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
  return !!hit && el.contains(hit);
}

describe('narrow layout (320 px)', function () {

  let aliceId: string;
  let bobId: string;
  let alice: ChatClient;
  const longWord = 'Supercalifragilistic'.repeat(12);

  before(async () => {
    await setViewport({ width: WIDTH, height: 640 });
    aliceId = uniqueUser('alice');
    bobId = uniqueUser('bob');
    const bob = await connect(bobId, `Bob ${'Longname'.repeat(8)}`);
    alice = await connect(aliceId, 'Alice');
    await bob.send(`p2p:${aliceId}`, `a long word: ${longWord}`);
    await alice.send(`p2p:${bobId}`, `and a link https://example.com/${'path/'.repeat(30)}`);
    await alice.send(`p2p:${bobId}`, 'x'.repeat(9000)).catch(() => {}); // refused: reason, Edit, Copy, Discard
    await broadcast(`Narrow announcement ${longWord}`, 'Ops');
    await broadcast('Second narrow announcement', 'Ops');
    await waitUntil(() => alice.$broadcasts.get().length >= 2, 'alice should have the broadcasts');
  });

  after(async () => {
    await setViewport({ width: 800, height: 600 });
    await closeClients();
    localStorage.clear();
  });

  it('chat-widget: closed, open on the list, and open on a thread', async () => {
    const widget = await fixture<ChatWidget>(html`<chat-widget .client=${alice}></chat-widget>`);
    const launcher = part(widget, 'launcher')!.getBoundingClientRect();
    expect(launcher.right).to.be.at.most(WIDTH);
    expect(horizontalOverflow(widget)).to.deep.equal([]);

    await widget.show();
    await waitUntil(() => parts(widget.shadowRoot!.querySelector('conversation-list')!, 'item').length === 1, 'the list should show');
    await nextFrames();
    const panel = part(widget, 'panel')!.getBoundingClientRect();
    expect([panel.left, panel.width]).to.deep.equal([0, WIDTH]);
    expect(horizontalOverflow(widget)).to.deep.equal([]);

    part(widget.shadowRoot!.querySelector('conversation-list')!, 'item')!.click();
    const thread = await waitUntil(() => widget.shadowRoot!.querySelector<ChatThread>('chat-thread'), 'the thread should open').then(() => widget.shadowRoot!.querySelector<ChatThread>('chat-thread')!);
    await waitUntil(() => parts(thread, 'bubble').length === 3 && part(thread, 'failure'), 'the thread should show its messages');
    await nextFrames();
    expect(horizontalOverflow(widget)).to.deep.equal([]);
    // The composer and the header's buttons are all on screen.
    const composer = widget.shadowRoot!.querySelector('message-composer')!;
    expect(part(composer, 'input')!.getBoundingClientRect().width).to.be.above(120);
    // An empty composer keeps one line: its placeholder does not wrap and make it taller.
    const input = part<HTMLTextAreaElement>(composer, 'input')!;
    expect(input.value).to.equal('');
    const lineHeight = parseFloat(getComputedStyle(input).lineHeight);
    const { paddingTop, paddingBottom, borderTopWidth, borderBottomWidth } = getComputedStyle(input);
    const chrome = [paddingTop, paddingBottom, borderTopWidth, borderBottomWidth].reduce((sum, v) => sum + parseFloat(v), 0);
    expect(input.getBoundingClientRect().height, 'the empty composer is one line tall').to.be.below(chrome + lineHeight * 1.5);
    // And it is not cut at the line's end (Chromium draws no ellipsis there): half a pixel for the last glyph's antialiased edge.
    const { ink, room } = placeholderInk(input);
    expect(ink, `the placeholder “${input.placeholder}” fits its line`).to.be.at.most(room + 0.5);
    expect(part(widget, 'close-button')!.getBoundingClientRect().right).to.be.at.most(WIDTH);
    widget.hide();
  });

  it('chat-widget: the panel over the launcher keeps Tab off it, and closing gives focus back to it', async () => {
    const root = await fixture<HTMLElement>(html`<div><button id="before">before</button><chat-widget .client=${alice}></chat-widget></div>`);
    const widget = root.querySelector<ChatWidget>('chat-widget')!;
    await widget.show();
    await waitUntil(() => part(widget, 'close-button'), 'the panel should render');
    await nextFrames();
    const launcher = part(widget, 'launcher')!;
    // The full-screen panel covers the launcher: what is at its centre is the panel, so a focused
    // launcher there would be a focus nobody sees (and Enter on it would close the chat unseen).
    expect(onTop(widget, launcher), 'the panel covers the launcher').to.equal(false);
    part(widget, 'close-button')!.focus();
    // Shift+Tab past the panel's first controls: it goes on to the page, never onto the covered launcher.
    const trail: string[] = [];
    for (let i = 0; i < 6 && focused() !== root.querySelector('#before'); i++) {
      await sendKeys({ press: 'Shift+Tab' });
      trail.push(focused()?.getAttribute('part') ?? focused()?.localName ?? 'nothing');
      expect(focused(), `Shift+Tab from the panel: ${trail.join(' → ')}`).to.not.equal(launcher);
    }
    widget.hide();
    await waitUntil(() => focused() === launcher, 'closing should give focus back to the launcher');
    expect(onTop(widget, launcher), 'the launcher shows again').to.equal(true);
  });

  it('chat-session: banner, list, thread and composer stacked', async () => {
    const session = await fixture<HTMLElement>(html`
      <chat-session .client=${alice}>
        <broadcast-banner></broadcast-banner>
        <conversation-list selected=${`p2p:${bobId}`}></conversation-list>
        <chat-thread style="height: 360px" conversation=${`p2p:${bobId}`}></chat-thread>
        <message-composer conversation=${`p2p:${bobId}`}></message-composer>
      </chat-session>
    `);
    const thread = session.querySelector<ChatThread>('chat-thread')!;
    await waitUntil(() => parts(thread, 'bubble').length === 3 && part(thread, 'failure'), 'the thread should show its messages');
    await waitUntil(() => part(session.querySelector('broadcast-banner')!, 'pager'), 'the banner should show');
    await nextFrames();
    expect(horizontalOverflow(session)).to.deep.equal([]);
  });

  it("chat-thread: a message's menu (its row of quick reactions the widest) opens on screen, for others' and own messages, LTR and RTL", async () => {
    for (const dir of ['ltr', 'rtl']) {
      const wrapper = await fixture<HTMLElement>(html`<div dir=${dir}><chat-thread style="height: 500px" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread></div>`);
      const thread = wrapper.querySelector<ChatThread>('chat-thread')!;
      await waitUntil(() => parts(thread, 'bubble').length === 3, 'the thread should show its messages');
      for (const who of ['other', 'self']) {
        const message = parts(thread, 'message').find((m) => m.part.contains(who) && m.querySelector('[part~="actions-button"]'))!;
        const button = message.querySelector<HTMLElement>('[part~="actions-button"]')!;
        button.focus(); // as a pointer press does, before its click
        button.click();
        await waitUntil(() => part(thread, 'menu'), `${dir} ${who}: the menu opens`);
        await nextFrames();
        const menu = part(thread, 'menu')!.getBoundingClientRect();
        expect([menu.left, menu.right], `${dir} ${who}: the menu within 0…${WIDTH}`).to.satisfy(([l, r]: number[]) => l >= 0 && r <= WIDTH);
        expect(horizontalOverflow(wrapper), `${dir} ${who}`).to.deep.equal([]);
        await sendKeys({ press: 'Escape' });
        await waitUntil(() => !part(thread, 'menu'), `${dir} ${who}: Escape closes the menu`);
      }
    }
  });

  it('contacts-view and group-create-dialog in Arabic: a search hint longer than its field ends in an ellipsis', async () => {
    await setLocale('ar');
    try {
      for (const tag of ['contacts-view', 'group-create-dialog'] as const) {
        const el = document.createElement(tag);
        el.client = alice;
        (await fixture<HTMLElement>(html`<div dir="rtl"></div>`)).append(el);
        await el.show();
        const field = part<HTMLInputElement>(el, 'search')!;
        await waitUntil(() => field.getBoundingClientRect().width > 0, `${tag}: the field shows`);
        const context = document.createElement('canvas').getContext('2d')!;
        context.font = getComputedStyle(field).font;
        const inner = field.clientWidth - parseFloat(getComputedStyle(field).paddingInlineStart) - parseFloat(getComputedStyle(field).paddingInlineEnd);
        expect(context.measureText(field.placeholder).width, `${tag}: the hint is longer than the field at ${WIDTH} px`).to.be.above(inner);
        expect(getComputedStyle(field).textOverflow, `${tag}: so it ends in "…"`).to.equal('ellipsis');
        el.close();
      }
    } finally {
      await setLocale('');
    }
  });

  it('forward-dialog fits the viewport', async () => {
    const session = await fixture<HTMLElement>(html`<chat-session .client=${alice}><forward-dialog></forward-dialog></chat-session>`);
    const dialog = session.querySelector('forward-dialog')!;
    const id = alice.messages(`p2p:${bobId}`).get().find((m) => m.status === 'sent' || m.seq)!.id;
    await dialog.show({ conversationId: `p2p:${bobId}`, messageIds: [id], merge: false });
    await nextFrames();
    const box = part(dialog, 'dialog')!.getBoundingClientRect();
    expect(box.left).to.be.at.least(0);
    expect(box.right).to.be.at.most(WIDTH);
    expect(horizontalOverflow(session)).to.deep.equal([]);
    dialog.close();
  });
});

/** `rect`s that share area, with their names: none should (a 0.5 px touch of neighbours is not an overlap). */
function overlaps(boxes: Record<string, Element>): string[] {
  const entries = Object.entries(boxes).map(([name, el]) => [name, el.getBoundingClientRect()] as const);
  const found: string[] = [];
  for (const [i, [a, ra]] of entries.entries()) {
    for (const [b, rb] of entries.slice(i + 1)) {
      const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (x > 0.5 && y > 0.5) found.push(`${a} and ${b} overlap by ${x.toFixed(1)} × ${y.toFixed(1)} px`);
    }
  }
  return found;
}

describe('the open search at phone widths (320, 375, 414 px), left to right and right to left (Arabic)', function () {
  let alice: ChatClient;
  let bobId: string;

  before(async () => {
    const aliceId = uniqueUser('alice');
    bobId = uniqueUser('bob');
    const bob = await connect(bobId, `Bob ${'Longname'.repeat(8)}`);
    alice = await connect(aliceId, 'Alice');
    await bob.send(`p2p:${aliceId}`, 'hello');
  });

  after(async () => {
    await setViewport({ width: 800, height: 600 });
    await setLocale('');
    await closeClients();
    localStorage.clear();
  });

  /** Opens the search of `host` with the keyboard (Enter on its button); resolves with the button and the field. */
  async function openSearch(host: HTMLElement): Promise<{ button: HTMLElement; field: HTMLInputElement }> {
    const button = part(host, 'search-button')!;
    button.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => part(host, 'search') && focused()?.getAttribute('part') === 'input', 'the search opens, focus in its field');
    await nextFrames();
    return { button, field: part<HTMLInputElement>(part(host, 'search')!, 'input')! };
  }

  /**
   * The field and its button on one row inside `host`, the button at the line's end (right in
   * LTR, left in RTL) and level with the field; the field wide enough to type in.
   */
  function expectOneRow(where: string, host: HTMLElement, button: HTMLElement, field: HTMLElement, width: number): void {
    const [b, f, h] = [button, field, host].map((el) => el.getBoundingClientRect());
    expect(f.width, `${where}: the field keeps a usable width`).to.be.above(150);
    expect((b.top + b.bottom) / 2, `${where}: the button level with the field`).to.be.within(f.top, f.bottom);
    if (getComputedStyle(button).direction === 'rtl') expect(b.right, `${where}: the button left of the field`).to.be.at.most(f.left);
    else expect(b.left, `${where}: the button right of the field`).to.be.at.least(f.right);
    for (const r of [b, f]) {
      expect(r.left, `${where}: inside the element and the screen`).to.be.at.least(Math.max(h.left, 0) - 0.5);
      expect(r.right, `${where}: inside the element and the screen`).to.be.at.most(Math.min(h.right, width) + 0.5);
    }
    expect(getComputedStyle(field).textOverflow, `${where}: a long query ends in an ellipsis`).to.equal('ellipsis');
  }

  /** Escape in the empty field closes the search and gives focus back to its button. */
  async function expectEscapeCloses(where: string, host: HTMLElement): Promise<void> {
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !part(host, 'search'), `${where}: Escape closes the search`);
    await waitUntil(() => focused() === part(host, 'search-button'), `${where}: focus back on the button`);
  }

  it("<chat-thread> at 320 px: a page's long title that does not shrink puts presence and search under it, over none of them", async () => {
    await setViewport({ width: 320, height: 640 });
    const thread = await fixture<HTMLElement>(html`<chat-thread style="height: 400px" .client=${alice} conversation=${`p2p:${bobId}`}><b slot="header"><span>${'Unbreakable'.repeat(6)}</span></b></chat-thread>`);
    await waitUntil(() => part(thread, 'presence')?.part.contains('online'), 'bob shows online');
    const title = thread.querySelector('b > span')!; // the text's own box, not its container's
    expect(overlaps({ 'the title': title, 'the presence': part(thread, 'presence')!, 'the search button': part(thread, 'search-button')! })).to.deep.equal([]);
    const { button, field } = await openSearch(thread);
    expect(overlaps({ 'the title': title, 'the presence': part(thread, 'presence')!, 'the search button': button, 'the field': field })).to.deep.equal([]);
  });

  for (const lang of ['en', 'ar'] as const) {
    for (const width of [320, 375, 414]) {
      it(`${lang} ${width} px: in the list and in a 1:1 thread, the field beside its button, overlapping nothing`, async () => {
        await setViewport({ width, height: 640 });
        await setLocale(lang === 'ar' ? 'ar' : '');
        const widget = await fixture<ChatWidget>(html`<chat-widget open .client=${alice}></chat-widget>`);
        const list = widget.shadowRoot!.querySelector<HTMLElement>('conversation-list')!;
        await waitUntil(() => part(list, 'item'), 'the list shows bob');
        expect(getComputedStyle(list).direction).to.equal(lang === 'ar' ? 'rtl' : 'ltr');

        const inList = `${lang} ${width}px list`;
        const { button, field } = await openSearch(list);
        expectOneRow(inList, list, button, field, width);
        const tools = { 'New group': part(list, 'new-group-button')!, Contacts: part(list, 'contacts-button')!, 'the search button': button, 'the field': field };
        expect(overlaps(tools), inList).to.deep.equal([]);
        // Keyboard order as before: New group, Contacts, the search button, then its field.
        await sendKeys({ press: 'Shift+Tab' });
        expect(focused(), `${inList}: Shift+Tab from the field`).to.equal(button);
        await sendKeys({ press: 'Shift+Tab' });
        expect(focused(), `${inList}: Shift+Tab from the button`).to.equal(tools.Contacts);
        await sendKeys({ press: 'Tab' });
        await sendKeys({ press: 'Tab' });
        expect(focused(), `${inList}: Tab twice from Contacts`).to.equal(field);
        await expectEscapeCloses(inList, list);

        part(list, 'item')!.click();
        await waitUntil(() => widget.shadowRoot!.querySelector('chat-thread'), 'the thread opens');
        const thread = widget.shadowRoot!.querySelector<HTMLElement>('chat-thread')!;
        await waitUntil(() => part(thread, 'presence')?.part.contains('online'), 'bob shows online');
        const inThread = `${lang} ${width}px thread`;
        const opened = await openSearch(thread);
        expectOneRow(inThread, thread, opened.button, opened.field, width);
        const name = widget.shadowRoot!.querySelector<HTMLElement>('[part~="profile-button"]')!;
        const header = {
          'the back button': part(widget, 'back-button')!,
          'the title': part(widget, 'title')!,
          'the close button': part(widget, 'close-button')!,
          "the peer's name": name,
          'the presence and its dot': part(thread, 'presence')!,
          'the search button': opened.button,
          'the field': opened.field,
        };
        expect(overlaps(header), inThread).to.deep.equal([]);
        // A long name keeps to its row, cut with an ellipsis, its presence beside it.
        expect(name.scrollWidth, `${inThread}: the long name is cut`).to.be.above(name.clientWidth);
        expect(getComputedStyle(name).textOverflow, `${inThread}: with an ellipsis`).to.equal('ellipsis');
        expect(overflowPast(widget, width), inThread).to.deep.equal([]);
        await expectEscapeCloses(inThread, thread);
        widget.remove();
      });
    }
  }
});
