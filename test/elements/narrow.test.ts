// Narrow screens: at 320 px wide (the smallest phones) the widget and a session of list, thread,
// composer and banner fit the viewport: no horizontal scrollbar on the page or in any element,
// even with long unbreakable names and words.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ChatWidget } from '../../src/elements/chat-widget.js';
import { broadcast, focused, nextFrames } from './a11y-helpers.js';
import { closeClients, connect, part, parts, uniqueUser } from './helpers.js';
import { overflowPast } from './overflow-helpers.js';

const WIDTH = 320;
const horizontalOverflow = (root: Element) => overflowPast(root, WIDTH);
/** Whether what is drawn at the centre of `el` (in `host`'s shadow root) is `el` or inside it. */
function onTop(host: Element, el: Element): boolean {
  const box = el.getBoundingClientRect();
  const hit = host.shadowRoot!.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
  return !!hit && el.contains(hit);
}

describe('narrow layout (320 px)', function () {
  this.timeout(20_000);

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
