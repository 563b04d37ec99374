// Keyboard-only use, with real key presses (Playwright through @web/test-runner-commands'
// sendKeys) against the real server: send, resend a failed message, forward through the dialog,
// the widget, and a visible focus indicator on every control Tab reaches.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ChatWidget } from '../../src/elements/chat-widget.js';
import type { ConversationSelectEvent } from '../../src/elements/events/conversation-select.js';
import type { ForwardDialog } from '../../src/elements/forward-dialog.js';
import { broadcast, focused } from './a11y-helpers.js';
import { closeClients, connect, connectTrio, part, parts, uniqueUser, type Trio } from './helpers.js';

/** The part names of `el` (empty when it has none). */
const partOf = (el: Element | null) => el?.getAttribute('part') ?? '';

/** Presses `key` until `done()` holds; fails after `max` presses, naming where focus went. */
async function pressUntil(key: string, done: () => boolean, what: string, max = 40): Promise<void> {
  const trail: string[] = [];
  for (let i = 0; i < max && !done(); i++) {
    await sendKeys({ press: key });
    const el = focused();
    trail.push(el ? `${el.localName}[${partOf(el)}]` : 'nothing');
  }
  expect(done(), `${what} after ${key} × ${trail.length}: ${trail.join(' → ')}`).to.equal(true);
}

/** Whether a focused element shows a focus indicator: an outline or a box-shadow ring. */
function focusIndicator(el: Element): string | undefined {
  const s = getComputedStyle(el);
  if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && s.outlineColor !== 'rgba(0, 0, 0, 0)') return `outline ${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}`;
  if (s.boxShadow !== 'none') return `box-shadow ${s.boxShadow}`;
  return undefined;
}

/** Describes a focused element for messages: its shadow host, tag and part. */
function describe_(el: Element): string {
  const root = el.getRootNode();
  const host = root instanceof ShadowRoot ? `${root.host.localName} ` : '';
  return `${host}${el.localName}[${partOf(el) || el.getAttribute('role') || el.id}]`;
}

describe('keyboard only', function () {

  let { aliceId, bobId, carolId, alice, bob, carol } = {} as Trio;

  beforeEach(async () => {
    ({ aliceId, bobId, carolId, alice, bob, carol } = await connectTrio());
    await bob.send(`p2p:${aliceId}`, 'worth sharing');
    await carol.send(`p2p:${aliceId}`, 'hi alice');
    await waitUntil(() => alice.$conversations.get().length === 2, 'alice should list both conversations');
  });

  afterEach(async () => {
    await closeClients();
    localStorage.clear();
  });

  /** A page with a button before a session of list, thread and composer, focus on that button. */
  async function page(conversation: string) {
    const root = await fixture<HTMLElement>(html`
      <div>
        <button id="start">start</button>
        <chat-session .client=${alice}>
          <conversation-list selected=${conversation}></conversation-list>
          <chat-thread style="height: 320px" conversation=${conversation}></chat-thread>
          <message-composer conversation=${conversation}></message-composer>
        </chat-session>
      </div>
    `);
    const els = {
      list: root.querySelector('conversation-list')!,
      thread: root.querySelector<ChatThread>('chat-thread')!,
      composer: root.querySelector('message-composer')!,
    };
    await waitUntil(() => parts(els.list, 'item').length === 2, 'the list should show');
    root.querySelector<HTMLButtonElement>('#start')!.focus();
    return els;
  }

  const isInput = (composer: Element) => () => focused() === part(composer, 'input');

  it('Tabs to the composer, types, and Enter sends', async () => {
    const { thread, composer } = await page(`p2p:${bobId}`);
    await waitUntil(() => parts(thread, 'bubble').length === 1, 'bob’s message should show');
    await pressUntil('Tab', isInput(composer), 'the composer should take focus');
    await sendKeys({ type: 'sent with the keyboard' });
    await sendKeys({ press: 'Enter' });

    const atBob = bob.messages(`p2p:${aliceId}`);
    await waitUntil(() => atBob.get().some((m) => m.elem.type === 'text' && m.elem.text === 'sent with the keyboard'), 'bob should get it');
    expect(part<HTMLTextAreaElement>(composer, 'input')!.value).to.equal('');
    expect(focused()).to.equal(part(composer, 'input'));
    await waitUntil(() => parts(thread, 'bubble').some((b) => b.textContent!.includes('sent with the keyboard')), 'the thread should show it');
  });

  it('resends a failed message from its action menu', async () => {
    // Alice is muted until a time: the server refuses the send (MUTED, resendable once the mute is over), for real.
    const daveId = uniqueUser('dave');
    const dave = await connect(daveId, 'Dave');
    const { thread, composer } = await page(`p2p:${daveId}`);
    const mute = (q: string) => fetch(`/__natter/mute?user=${aliceId}&${q}`);
    await mute(`until=${Date.now() + 60_000}`);
    await waitUntil(() => alice.$sanctions.get().length === 1, 'alice should be muted');
    await alice.send(`p2p:${daveId}`, 'are you there?').catch(() => {});
    await waitUntil(() => part(thread, 'message')?.part.contains('failed'), 'the send should fail');
    expect(alice.messages(`p2p:${daveId}`).get()[0]!.error?.name).to.equal('MUTED');

    // The mute is lifted; Alice goes back to her message's menu and resends it.
    await mute('lift=1');
    await waitUntil(() => part(composer, 'input'), 'the composer should be back');
    part<HTMLTextAreaElement>(composer, 'input')!.focus();
    await pressUntil('Shift+Tab', () => partOf(focused()).includes('actions-button'), 'the failed message’s menu button should take focus');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused()?.getAttribute('role') === 'menuitem', 'the menu should open with focus on its first item');
    expect(focused()!.textContent!.trim()).to.equal('Resend');
    await sendKeys({ press: 'Enter' });

    const atDave = dave.messages(`p2p:${aliceId}`);
    await waitUntil(() => atDave.get().some((m) => m.elem.type === 'text' && m.elem.text === 'are you there?'), 'dave should get the resent message');
    await waitUntil(() => part(thread, 'message')?.part.contains('sent'), 'the thread should show it sent');
    expect(part(thread, 'resend-button')).to.equal(null);
    expect(atDave.get()).to.have.length(1);
  });

  /** From the composer, Shift+Tab to bob's message's menu button, open it and pick Forward. */
  async function openForward(thread: ChatThread): Promise<{ dialog: ForwardDialog; opener: Element }> {
    await pressUntil('Shift+Tab', () => !!focused()?.closest('[part~="other"]') && partOf(focused()).includes('actions-button'), 'bob’s message’s menu button should take focus');
    const opener = focused()!;
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused()?.getAttribute('role') === 'menuitem', 'the menu should take focus');
    expect(focused()!.textContent!.trim()).to.equal('Forward');
    await sendKeys({ press: 'Enter' });
    const dialog = thread.shadowRoot!.querySelector<ForwardDialog>('forward-dialog')!;
    await waitUntil(() => dialog.open && focused() === part(dialog, 'search'), 'the dialog should open with focus in its search');
    return { dialog, opener };
  }

  it('forwards a message to another conversation through the forward dialog, focus trapped and restored', async () => {
    const { thread, composer } = await page(`p2p:${bobId}`);
    await waitUntil(() => part(thread, 'actions-button'), 'bob’s message should offer its actions');
    await pressUntil('Tab', isInput(composer), 'the composer should take focus');
    const { dialog, opener } = await openForward(thread);
    const inside = part(dialog, 'dialog')!;

    // Tab and Shift+Tab cycle inside the modal dialog.
    for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await sendKeys({ press: key });
      expect(inside.contains(focused()), `focus after ${key}: ${focused() && describe_(focused()!)}`).to.equal(true);
    }

    await pressUntil('Shift+Tab', () => focused() === part(dialog, 'search'), 'back in the search');
    await sendKeys({ type: carolId });
    await waitUntil(() => parts(dialog, 'target').length === 1, 'the search should leave carol');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Space' });
    await waitUntil(() => part(dialog, 'target')!.part.contains('selected'), 'Space should pick carol');
    await pressUntil('Tab', () => focused() === part(dialog, 'confirm-button'), 'the Forward button should take focus');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => part(dialog, 'result')?.part.contains('sent'), 'the dialog should report the forward');
    await waitUntil(() => focused() === part(dialog, 'close-button'), 'focus should move to Done');

    const atCarol = carol.messages(`p2p:${aliceId}`);
    await waitUntil(() => atCarol.get().some((m) => m.forwardedFrom?.sender === bobId), 'carol should get the forward');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => !dialog.open, 'Done should close the dialog');
    expect(focused()).to.equal(opener);
  });

  it('Escape closes the forward dialog and gives focus back to the menu button that opened it', async () => {
    const { thread, composer } = await page(`p2p:${bobId}`);
    await waitUntil(() => part(thread, 'actions-button'), 'bob’s message should offer its actions');
    await pressUntil('Tab', isInput(composer), 'the composer should take focus');
    const { dialog, opener } = await openForward(thread);
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !dialog.open, 'Escape should close the dialog');
    expect(part<HTMLDialogElement>(dialog, 'dialog')!.open).to.equal(false);
    expect(focused()).to.equal(opener);
  });

  it('picks a conversation in the list with the arrow keys and Enter', async () => {
    const { list } = await page(`p2p:${bobId}`);
    // The search button comes first in the list's tab order, then its listbox.
    await pressUntil('Tab', () => focused()?.getRootNode() === list.shadowRoot && focused()?.getAttribute('role') === 'option', 'the list should take focus');
    const picked = new Promise<ConversationSelectEvent>((resolve) => list.addEventListener('conversation-select', resolve as EventListener, { once: true }));
    const ids = alice.$conversations.get().map((c) => c.id);
    await sendKeys({ press: 'End' });
    expect(focused()!.getAttribute('data-id')).to.equal(ids.at(-1));
    await sendKeys({ press: 'Home' });
    expect(focused()!.getAttribute('data-id')).to.equal(ids[0]);
    await sendKeys({ press: 'ArrowDown' });
    expect(focused()!.getAttribute('data-id')).to.equal(ids[1]);
    const target = ids[1];
    await sendKeys({ press: 'Enter' });
    expect((await picked).detail.conversationId).to.equal(target);
  });

  it('opens the widget, picks a conversation, sends, and Escape closes it back onto the launcher', async () => {
    const root = await fixture<HTMLElement>(html`<div><button id="start">start</button><chat-widget .client=${alice}></chat-widget></div>`);
    const widget = root.querySelector<ChatWidget>('chat-widget')!;
    await waitUntil(() => part(widget, 'badge'), 'the launcher should count unread');
    root.querySelector<HTMLButtonElement>('#start')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(focused()).to.equal(part(widget, 'launcher'));
    await sendKeys({ press: 'Enter' });
    expect(widget.open).to.equal(true);
    expect(part(widget, 'launcher')!.getAttribute('aria-expanded')).to.equal('true');
    const list = widget.shadowRoot!.querySelector('conversation-list')!;
    await waitUntil(() => focused()?.getRootNode() === list.shadowRoot, 'opening should move focus to the list');
    await pressUntil('ArrowDown', () => focused()?.getAttribute('data-id') === `p2p:${bobId}`, 'bob’s conversation should take focus', 3);
    await sendKeys({ press: 'Enter' });
    const composer = widget.shadowRoot!.querySelector('message-composer')!;
    await waitUntil(() => composer && focused() === part(composer, 'input'), 'picking should move focus to the composer');
    await sendKeys({ type: 'from the widget' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => bob.messages(`p2p:${aliceId}`).get().some((m) => m.elem.type === 'text' && m.elem.text === 'from the widget'), 'bob should get it');

    // Back to the list with the back button (narrow panel), then Escape.
    await pressUntil('Shift+Tab', () => focused() === part(widget, 'back-button'), 'the back button should take focus');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused()?.getRootNode() === list.shadowRoot, 'back should move focus to the list');
    await sendKeys({ press: 'Escape' });
    expect(widget.open).to.equal(false);
    expect(focused()).to.equal(part(widget, 'launcher'));
  });

  describe('visible focus indicator', () => {
    /** Tabs from `start` until focus leaves `scope`'s tree or comes back; checks every stop. */
    async function tabThrough(start: HTMLElement, within: (el: Element) => boolean, max = 60): Promise<string[]> {
      start.focus();
      const seen: string[] = [];
      const missing: string[] = [];
      for (let i = 0; i < max; i++) {
        await sendKeys({ press: 'Tab' });
        const el = focused();
        if (!el || el === start || !within(el)) break;
        const name = describe_(el);
        seen.push(name);
        if (!el.matches(':focus-visible')) missing.push(`${name}: not :focus-visible`);
        else if (!focusIndicator(el)) missing.push(`${name}: no outline or box-shadow`);
      }
      expect(missing, `stops: ${seen.join(', ')}`).to.deep.equal([]);
      return seen;
    }

    /** Whether `el` is inside `root`, through shadow roots. */
    const insideOf = (root: Element) => (el: Element) => {
      for (let node: Node | null = el; node; node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null)) if (node === root) return true;
      return false;
    };

    it('on every control of a session with a banner, a failed message and an open menu', async () => {
      await broadcast('Keyboard announcement one', 'Ops');
      await broadcast('Keyboard announcement two', 'Ops');
      await alice.send(`p2p:${bobId}`, 'x'.repeat(9000)).catch(() => {});
      const root = await fixture<HTMLElement>(html`
        <div>
          <button id="start">start</button>
          <chat-session .client=${alice}>
            <broadcast-banner></broadcast-banner>
            <conversation-list selected=${`p2p:${bobId}`}></conversation-list>
            <chat-thread style="height: 320px" conversation=${`p2p:${bobId}`}></chat-thread>
            <message-composer conversation=${`p2p:${bobId}`}></message-composer>
          </chat-session>
        </div>
      `);
      const thread = root.querySelector<ChatThread>('chat-thread')!;
      const composer = root.querySelector('message-composer')!;
      await waitUntil(() => part(root.querySelector('broadcast-banner')!, 'pager'), 'the banner should page');
      await waitUntil(() => part(thread, 'failure'), 'the failed message should show');
      const seen = await tabThrough(root.querySelector('#start')!, insideOf(root));
      for (const name of ['broadcast-banner button[previous-button]', 'broadcast-banner button[dismiss-button]', 'conversation-list div[item selected]', 'chat-thread div[log]', 'chat-thread button[actions-button]', 'chat-thread button[edit-text-button]', 'chat-thread button[copy-text-button]', 'chat-thread button[discard-button]', 'message-composer textarea[input]']) {
        expect(seen, `Tab should reach ${name}`).to.include(name);
      }

      // The send button (enabled by a draft) and the items of an open message menu.
      part<HTMLTextAreaElement>(composer, 'input')!.focus();
      await sendKeys({ type: 'draft' });
      await sendKeys({ press: 'Tab' });
      expect(partOf(focused())).to.contain('send-button');
      expect(focusIndicator(focused()!), 'send-button').to.not.equal(undefined);
      await pressUntil('Shift+Tab', () => partOf(focused()).includes('actions-button'), 'a menu button');
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => focused()?.getAttribute('role') === 'menuitem', 'the menu should open');
      for (let i = 0; i < parts(thread, 'menu-item').length; i++) {
        expect(focusIndicator(focused()!), describe_(focused()!)).to.not.equal(undefined);
        await sendKeys({ press: 'ArrowDown' });
      }
    });

    it('on every control of the forward dialog', async () => {
      const { thread, composer } = await page(`p2p:${bobId}`);
      await waitUntil(() => part(thread, 'actions-button'), 'bob’s message should offer its actions');
      await pressUntil('Tab', isInput(composer), 'the composer should take focus');
      const { dialog } = await openForward(thread);
      await sendKeys({ type: carolId });
      await waitUntil(() => parts(dialog, 'target').length === 1, 'carol should be offered');
      await sendKeys({ press: 'ArrowDown' });
      await sendKeys({ press: 'Space' });
      const stops: string[] = [];
      for (let i = 0; i < 6; i++) {
        const el = focused()!;
        stops.push(describe_(el));
        expect(el.matches(':focus-visible'), describe_(el)).to.equal(true);
        expect(focusIndicator(el), describe_(el)).to.not.equal(undefined);
        await sendKeys({ press: 'Tab' });
      }
      for (const name of ['forward-dialog input[search]', 'forward-dialog input[]', 'forward-dialog textarea[note]', 'forward-dialog button[cancel-button]', 'forward-dialog button[confirm-button]']) {
        expect(stops, `Tab should reach ${name}`).to.include(name);
      }
      await sendKeys({ press: 'Escape' });
    });

    it('on every control of the open widget', async () => {
      await broadcast('Widget announcement', 'Ops');
      const root = await fixture<HTMLElement>(html`<div><button id="start">start</button><chat-widget .client=${alice} conversation=${`p2p:${bobId}`} open></chat-widget></div>`);
      const widget = root.querySelector<ChatWidget>('chat-widget')!;
      await waitUntil(() => widget.shadowRoot!.querySelector('chat-thread') && part(widget.shadowRoot!.querySelector('chat-thread')!, 'bubble'), 'the thread should show');
      const seen = await tabThrough(root.querySelector('#start')!, insideOf(root));
      for (const name of ['chat-widget button[launcher]', 'chat-widget button[back-button]', 'chat-widget button[close-button]', 'chat-thread div[log]', 'message-composer textarea[input]']) {
        expect(seen, `Tab should reach ${name}`).to.include(name);
      }
    });
  });
});
