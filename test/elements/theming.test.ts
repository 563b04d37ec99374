// Theming from the outside only: the documented global tokens and per-element custom properties,
// `::part()` from a page stylesheet, light and dark (attribute and prefers-color-scheme) and
// prefers-reduced-motion, all read back as computed styles inside the shadow roots.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ChatWidget } from '../../src/elements/chat-widget.js';
import type { ForwardDialog } from '../../src/elements/forward-dialog.js';
import { focused, nextFrames, seedInbox, type Inbox } from './a11y-helpers.js';
import { closeClients, part, parts } from './helpers.js';

/** The built-in surface colours (see src/elements/styles/shared.styles.ts). */
const LIGHT_SURFACE = 'rgb(255, 255, 255)';
const DARK_SURFACE = 'rgb(22, 23, 27)';

/** Computed `prop` of the element of `host`'s shadow root matching `selector` (or the host itself). */
function styleOf(host: Element, selector: string | null, prop: string): string {
  const el = selector === null ? host : host.shadowRoot!.querySelector(selector);
  if (!el) throw new Error(`${host.localName} has no ${selector}`);
  return getComputedStyle(el).getPropertyValue(prop);
}

/** Every element in the shadow roots under `root`, recursively. */
function shadowElements(root: Element): Element[] {
  const inside = root.shadowRoot ? [...root.shadowRoot.querySelectorAll('*')] : [];
  const light = [...root.querySelectorAll('*')];
  return [...inside, ...[...inside, ...light].flatMap((el) => (el.shadowRoot ? shadowElements(el) : []))];
}

describe('theming', function () {

  let { aliceId, bobId, carolId, alice, messageId } = {} as Inbox;

  before(async () => {
    ({ aliceId, bobId, carolId, alice, messageId } = await seedInbox({
      bobName: 'Bob',
      fromBob: 'hello from bob',
      toBob: 'hello bob',
      fromCarol: 'unread from carol',
      broadcasts: [
        ['Themed announcement', 'Ops'],
        ['Second announcement', 'Ops'],
      ],
    }));
    await waitUntil(() => alice.$conversations.get().find((c) => c.id === `p2p:${carolId}`)?.unread === 1, 'carol’s message should be unread');
  });

  after(closeClients);

  afterEach(async () => {
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
    document.getElementById('part-styles')?.remove();
    localStorage.clear();
  });

  /** Every element, in a `style`d wrapper: a session (list, thread, composer, banner, dialog) and an open widget. */
  async function everything(style = '', theme = '') {
    const root = await fixture<HTMLElement>(html`
      <div style=${style}>
        <button id="before">before</button>
        <chat-session .client=${alice} theme=${theme}>
          <broadcast-banner></broadcast-banner>
          <conversation-list selected=${`p2p:${bobId}`}></conversation-list>
          <chat-thread style="height: 300px" conversation=${`p2p:${bobId}`}></chat-thread>
          <message-composer conversation=${`p2p:${bobId}`}></message-composer>
          <forward-dialog></forward-dialog>
        </chat-session>
        <chat-widget .client=${alice} theme=${theme} conversation=${`p2p:${bobId}`} open></chat-widget>
      </div>
    `);
    const q = <T extends Element>(sel: string) => root.querySelector<T>(sel)!;
    const els = {
      root,
      banner: q('broadcast-banner'),
      list: q('conversation-list'),
      thread: q<ChatThread>('chat-thread'),
      composer: q('message-composer'),
      dialog: q<ForwardDialog>('forward-dialog'),
      widget: q<ChatWidget>('chat-widget'),
    };
    await waitUntil(() => parts(els.list, 'item').length >= 2 && part(els.list, 'unread-badge'), 'the list should show');
    await waitUntil(() => parts(els.thread, 'bubble').length >= 2, 'the thread should show');
    await waitUntil(() => part(els.banner, 'broadcast'), 'the banner should show');
    await waitUntil(() => part(els.widget, 'badge'), 'the widget should count unread');
    await els.dialog.show({ conversationId: `p2p:${bobId}`, messageIds: [messageId], merge: false });
    await waitUntil(() => parts(els.dialog, 'target').length >= 1, 'the dialog should list targets');
    part(els.dialog, 'target')!.querySelector('input')!.click();
    await els.dialog.updateComplete;
    await nextFrames();
    return els;
  }

  describe('global tokens, set on any ancestor', () => {
    it('colour, radius, font and scheme tokens reach inside every shadow root', async () => {
      const tokens = [
        '--chat-color-accent: rgb(200, 10, 10)',
        '--chat-color-on-accent: rgb(250, 250, 10)',
        '--chat-color-surface: rgb(240, 230, 220)',
        '--chat-color-surface-raised: rgb(225, 215, 205)',
        '--chat-color-text: rgb(20, 30, 40)',
        '--chat-color-text-muted: rgb(70, 60, 50)',
        '--chat-color-border: rgb(90, 80, 70)',
        '--chat-color-danger: rgb(150, 0, 50)',
        '--chat-color-hover: rgb(210, 220, 230)',
        '--chat-color-focus: rgb(0, 160, 0)',
        '--chat-radius: 3px',
        "--chat-font: 'Courier New', monospace",
      ].join('; ');
      const { list, thread, composer, banner, dialog, widget } = await everything(tokens);

      // accent and on-accent
      expect(styleOf(list, '[part~="unread-badge"]', 'background-color')).to.equal('rgb(200, 10, 10)');
      expect(styleOf(list, '[part~="unread-badge"]', 'color')).to.equal('rgb(250, 250, 10)');
      expect(styleOf(widget, '[part~="launcher"]', 'background-color')).to.equal('rgb(200, 10, 10)');
      expect(styleOf(dialog, '[part~="confirm-button"]', 'background-color')).to.equal('rgb(200, 10, 10)');
      expect(styleOf(thread, '[part~="self"] [part~="bubble"]', 'background-color')).to.equal('rgb(200, 10, 10)');
      expect(styleOf(composer, '[part~="send-button"]', 'background-color')).to.equal('rgb(200, 10, 10)');
      // surfaces
      for (const el of [list, thread, composer]) expect(styleOf(el, null, 'background-color'), el.localName).to.equal('rgb(240, 230, 220)');
      expect(styleOf(dialog, '[part~="dialog"]', 'background-color')).to.equal('rgb(240, 230, 220)');
      expect(styleOf(widget, '[part~="panel"]', 'background-color')).to.equal('rgb(240, 230, 220)');
      expect(styleOf(widget, '[part~="header"]', 'background-color')).to.equal('rgb(225, 215, 205)');
      expect(styleOf(dialog, '[part~="preview"]', 'background-color')).to.equal('rgb(225, 215, 205)');
      // text and muted text
      expect(styleOf(list, '[part~="item"]', 'color')).to.equal('rgb(20, 30, 40)');
      expect(styleOf(banner, '[part~="content"]', 'color')).to.equal('rgb(20, 30, 40)');
      expect(styleOf(dialog, '[part~="dialog"]', 'color')).to.equal('rgb(20, 30, 40)');
      expect(styleOf(list, '[part~="item"] time', 'color')).to.equal('rgb(70, 60, 50)');
      expect(styleOf(banner, '[part~="meta"]', 'color')).to.equal('rgb(70, 60, 50)');
      // border, danger, hover
      expect(styleOf(widget, '[part~="header"]', 'border-bottom-color')).to.equal('rgb(90, 80, 70)');
      expect(styleOf(dialog, '[part~="dialog"]', 'border-top-color')).to.equal('rgb(90, 80, 70)');
      expect(styleOf(widget, '[part~="badge"]', 'background-color')).to.equal('rgb(150, 0, 50)');
      expect(styleOf(dialog, '[part~="target"][part~="selected"]', 'background-color')).to.equal('rgb(210, 220, 230)');
      // radius and font
      expect(styleOf(widget, '[part~="panel"]', 'border-top-left-radius')).to.equal('3px');
      expect(styleOf(dialog, '[part~="dialog"]', 'border-top-left-radius')).to.equal('3px');
      for (const el of [list, thread, composer, banner, widget]) expect(styleOf(el, null, 'font-family'), el.localName).to.contain('Courier New');

      // focus ring: Tab from the button before the list onto its item.
      dialog.close();
      document.getElementById('before')!.focus();
      // The banner's controls come first.
      for (let i = 0; i < 10 && focused()?.getRootNode() !== list.shadowRoot; i++) await sendKeys({ press: 'Tab' });
      const item = focused()!;
      expect(item.matches(':focus-visible')).to.equal(true);
      expect(getComputedStyle(item).outlineColor).to.equal('rgb(0, 160, 0)');
      expect(getComputedStyle(item).outlineStyle).to.equal('solid');
    });

    it('--chat-color-scheme picks light or dark for a bare element', async () => {
      const list = await fixture<HTMLElement>(html`<conversation-list style="--chat-color-scheme: dark" .client=${alice}></conversation-list>`);
      expect(getComputedStyle(list).colorScheme).to.equal('dark');
      expect(getComputedStyle(list).backgroundColor).to.equal(DARK_SURFACE);
      list.style.setProperty('--chat-color-scheme', 'light');
      expect(getComputedStyle(list).backgroundColor).to.equal(LIGHT_SURFACE);
    });
  });

  describe('per-element custom properties', () => {
    it('conversation-list, chat-thread and message-composer', async () => {
      const { list, thread, composer } = await everything(
        [
          '--chat-conversation-list-item-padding: 7px 9px',
          '--chat-conversation-list-gap: 5px',
          '--chat-conversation-list-selected-color: rgb(1, 2, 3)',
          '--chat-avatar-size: 22px',
          '--chat-thread-gap: 11px',
          '--chat-thread-self-color: rgb(4, 5, 6)',
          '--chat-thread-self-text-color: rgb(7, 8, 9)',
          '--chat-thread-other-color: rgb(10, 11, 12)',
          '--chat-message-composer-padding: 13px',
          '--chat-message-composer-max-height: 99px',
          '--chat-message-composer-input-color: rgb(13, 14, 15)',
        ].join('; '),
      );
      expect(styleOf(list, '[part~="item"]', 'padding-top')).to.equal('7px');
      expect(styleOf(list, '[part~="item"]', 'padding-left')).to.equal('9px');
      expect(styleOf(list, '[part~="list"]', 'row-gap')).to.equal('5px');
      expect(styleOf(list, '[part~="item"][aria-selected="true"]', 'background-color')).to.equal('rgb(1, 2, 3)');
      expect(styleOf(list, '[part~="avatar"]', 'width')).to.equal('22px');
      expect(styleOf(thread, '[part~="avatar"]', 'width')).to.equal('22px');
      // One person is one colour: Bob's initials sit on the same background in the list and the thread.
      const bobInList = styleOf(list, '[part~="item"][aria-selected="true"] [part~="avatar"]', 'background-color');
      expect(bobInList).to.match(/^(oklch|rgb)/);
      expect(styleOf(thread, '[part~="other"] [part~="avatar"]', 'background-color')).to.equal(bobInList);
      expect(styleOf(thread, '[part~="message"][part~="other"]', 'margin-top')).to.equal('11px');
      expect(styleOf(thread, '[part~="self"] [part~="bubble"]', 'background-color')).to.equal('rgb(4, 5, 6)');
      expect(styleOf(thread, '[part~="self"] [part~="bubble"]', 'color')).to.equal('rgb(7, 8, 9)');
      expect(styleOf(thread, '[part~="other"] [part~="bubble"]', 'background-color')).to.equal('rgb(10, 11, 12)');
      expect(styleOf(composer, null, 'padding-top')).to.equal('13px');
      expect(styleOf(composer, '[part~="input"]', 'max-height')).to.equal('99px');
      expect(styleOf(composer, '[part~="input"]', 'background-color')).to.equal('rgb(13, 14, 15)');
    });

    it('broadcast-banner, forward-dialog and chat-widget', async () => {
      const { banner, dialog, widget } = await everything(
        [
          '--chat-broadcast-banner-color: rgb(21, 22, 23)',
          '--chat-broadcast-banner-text-color: rgb(240, 241, 242)',
          '--chat-broadcast-banner-border-color: rgb(24, 25, 26)',
          '--chat-broadcast-banner-padding: 6px',
          '--chat-broadcast-banner-max-height: 50px',
          '--chat-forward-dialog-width: 301px',
          '--chat-forward-dialog-list-height: 111px',
          '--chat-widget-width: 333px',
          '--chat-widget-height: 380px',
          '--chat-widget-offset-x: 30px',
          '--chat-widget-offset-y: 40px',
          '--chat-widget-launcher-size: 70px',
          '--chat-widget-z-index: 77',
        ].join('; '),
      );
      expect(styleOf(banner, '[part~="broadcast"]', 'background-color')).to.equal('rgb(21, 22, 23)');
      expect(styleOf(banner, '[part~="broadcast"]', 'color')).to.equal('rgb(240, 241, 242)');
      expect(styleOf(banner, '[part~="broadcast"]', 'border-top-color')).to.equal('rgb(24, 25, 26)');
      expect(styleOf(banner, '[part~="broadcast"]', 'padding-top')).to.equal('6px');
      expect(styleOf(banner, '[part~="content"]', 'max-height')).to.equal('50px');
      expect(part(dialog, 'dialog')!.getBoundingClientRect().width).to.equal(301);
      expect(part(dialog, 'targets')!.getBoundingClientRect().height).to.equal(111);
      dialog.close();

      const panel = part(widget, 'panel')!.getBoundingClientRect();
      expect(panel.width).to.equal(333);
      expect(panel.height).to.equal(380);
      const launcher = part(widget, 'launcher')!.getBoundingClientRect();
      expect(launcher.width).to.equal(70);
      expect(innerWidth - launcher.right).to.be.closeTo(30, 0.5);
      expect(document.documentElement.clientHeight - launcher.bottom).to.be.closeTo(40, 0.5);
      expect(styleOf(widget, null, 'z-index')).to.equal('77');
    });
  });

  describe('::part() from a page stylesheet', () => {
    it('styles every documented part the tests rely on, including parts the widget and the thread export', async () => {
      const painted: Record<string, string[]> = {
        'conversation-list': ['list', 'item', 'selected', 'avatar', 'unread-badge'],
        'chat-thread': ['log', 'message', 'self', 'other', 'bubble', 'sender', 'actions-button'],
        'message-composer': ['input', 'send-button'],
        'broadcast-banner': ['broadcast', 'icon', 'content', 'meta', 'sender', 'time', 'pager', 'previous-button', 'next-button', 'count', 'dismiss-button'],
        'forward-dialog': ['dialog', 'title', 'preview', 'search', 'targets', 'target', 'note', 'cancel-button', 'confirm-button'],
        'chat-widget': [
          'launcher', 'badge', 'panel', 'header', 'title', 'close-button', 'broadcast-banner', 'thread', 'message', 'self', 'other',
          'bubble', 'composer', 'input', 'send-button',
        ],
      };
      const style = document.createElement('style');
      style.id = 'part-styles';
      style.textContent = Object.entries(painted)
        .flatMap(([tag, names]) => names.map((name) => `${tag}::part(${name}) { border-top-color: rgb(1, 99, 7); }`))
        .join('\n');
      document.head.append(style);
      const els = await everything();
      const byTag: Record<string, Element> = {
        'conversation-list': els.list,
        'chat-thread': els.thread,
        'message-composer': els.composer,
        'broadcast-banner': els.banner,
        'forward-dialog': els.dialog,
        'chat-widget': els.widget,
      };
      /** The element a part name resolves to, following `exportparts` into inner shadow roots. */
      const resolve = (host: Element, name: string): Element | null => {
        const direct = host.shadowRoot!.querySelector(`[part~="${name}"]`);
        if (direct) return direct;
        for (const inner of host.shadowRoot!.querySelectorAll('[exportparts]')) {
          const mapping = inner.getAttribute('exportparts')!.split(',').map((p) => p.trim().split(':').map((s) => s.trim()));
          const entry = mapping.find(([from, to]) => (to ?? from) === name);
          if (entry) return inner.shadowRoot!.querySelector(`[part~="${entry[0]}"]`);
        }
        return null;
      };
      for (const [tag, names] of Object.entries(painted)) {
        for (const name of names) {
          const el = resolve(byTag[tag]!, name);
          expect(el, `${tag}::part(${name}) should exist`).to.not.equal(null);
          expect(getComputedStyle(el!).borderTopColor, `${tag}::part(${name})`).to.equal('rgb(1, 99, 7)');
        }
      }
      // The widget's exported conversation-list parts.
      els.widget.style.setProperty('--chat-widget-width', '720px');
      style.textContent += '\nchat-widget::part(conversation-item) { background-color: rgb(3, 4, 5); }';
      style.textContent += '\nchat-widget::part(conversation-unread-badge) { background-color: rgb(6, 7, 8); }';
      const inner = els.widget.shadowRoot!.querySelector('conversation-list')!;
      await waitUntil(() => part(inner, 'unread-badge'), 'the widget’s list should show');
      expect(getComputedStyle(part(inner, 'item')!).backgroundColor).to.equal('rgb(3, 4, 5)');
      expect(getComputedStyle(part(inner, 'unread-badge')!).backgroundColor).to.equal('rgb(6, 7, 8)');
      // The thread's forward dialog parts, exported as forward-dialog-<part>.
      style.textContent += '\nchat-thread::part(forward-dialog-dialog) { border-top-color: rgb(9, 8, 7); }';
      expect(getComputedStyle(part(els.thread.shadowRoot!.querySelector('forward-dialog')!, 'dialog')!).borderTopColor).to.equal('rgb(9, 8, 7)');
    });
  });

  describe('light and dark', () => {
    const surfaces = (els: Awaited<ReturnType<typeof everything>>) => ({
      list: styleOf(els.list, null, 'background-color'),
      thread: styleOf(els.thread, null, 'background-color'),
      composer: styleOf(els.composer, null, 'background-color'),
      dialog: styleOf(els.dialog, '[part~="dialog"]', 'background-color'),
      widget: styleOf(els.widget, '[part~="panel"]', 'background-color'),
    });
    const all = (colour: string) => ({ list: colour, thread: colour, composer: colour, dialog: colour, widget: colour });

    it('theme="dark" on chat-session and chat-widget wins over a light preference', async () => {
      await emulateMedia({ colorScheme: 'light' });
      const els = await everything('', 'dark');
      expect(surfaces(els)).to.deep.equal(all(DARK_SURFACE));
      expect(getComputedStyle(els.list).colorScheme).to.equal('dark');
      expect(styleOf(els.list, '[part~="item"]', 'color')).to.equal('rgb(232, 233, 236)');
    });

    it('theme="light" wins over a dark preference', async () => {
      await emulateMedia({ colorScheme: 'dark' });
      const els = await everything('', 'light');
      expect(surfaces(els)).to.deep.equal(all(LIGHT_SURFACE));
    });

    it('without a theme attribute, follows prefers-color-scheme', async () => {
      await emulateMedia({ colorScheme: 'dark' });
      const els = await everything();
      expect(surfaces(els)).to.deep.equal(all(DARK_SURFACE));
      await emulateMedia({ colorScheme: 'light' });
      await nextFrames();
      expect(surfaces(els)).to.deep.equal(all(LIGHT_SURFACE));
    });

    it('a token set by the page still wins in dark', async () => {
      await emulateMedia({ colorScheme: 'dark' });
      const els = await everything('--chat-color-surface: rgb(40, 0, 40)');
      expect(surfaces(els)).to.deep.equal(all('rgb(40, 0, 40)'));
    });

    it('a token given as light-dark() takes the value of the element’s scheme', async () => {
      const els = await everything('--chat-color-surface: light-dark(rgb(250, 240, 230), rgb(30, 20, 10))', 'dark');
      expect(surfaces(els)).to.deep.equal(all('rgb(30, 20, 10)'));
      els.root.querySelector('chat-session')!.setAttribute('theme', 'light');
      els.widget.theme = 'light';
      await els.widget.updateComplete;
      expect(surfaces(els)).to.deep.equal(all('rgb(250, 240, 230)'));
    });
  });

  describe('prefers-reduced-motion', () => {
    const durations = (el: Element) => {
      const s = getComputedStyle(el);
      return [...s.transitionDuration.split(','), ...s.animationDuration.split(',')].map((d) => d.trim());
    };

    it('runs transitions and animations normally without the preference', async () => {
      await emulateMedia({ reducedMotion: 'no-preference' });
      const { list, widget, banner, composer } = await everything();
      expect(styleOf(list, '[part~="item"]', 'transition-duration')).to.equal('0.12s');
      expect(styleOf(widget, '[part~="launcher"]', 'transition-duration')).to.equal('0.15s');
      expect(styleOf(widget, '[part~="panel"]', 'animation-duration')).to.equal('0.18s');
      expect(styleOf(banner, '[part~="broadcast"]', 'animation-duration')).to.equal('0.18s');
      expect(styleOf(composer, '[part~="send-button"]', 'transition-duration')).to.not.match(/^0s/);
    });

    it('turns every transition and animation off in every shadow root', async () => {
      await emulateMedia({ reducedMotion: 'reduce' });
      const { root } = await everything();
      const moving = shadowElements(root)
        .filter((el) => durations(el).some((d) => d !== '0s'))
        .map((el) => `${(el.getRootNode() as ShadowRoot).host.localName} ${el.localName}[part="${el.getAttribute('part') ?? ''}"]: ${durations(el).join(' ')}`);
      expect(moving).to.deep.equal([]);
      expect(shadowElements(root).length).to.be.greaterThan(50);
    });
  });
});
