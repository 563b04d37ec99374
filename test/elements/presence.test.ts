import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, setViewport } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ChatWidget } from '../../src/elements/chat-widget.js';
import type { ConversationList } from '../../src/elements/conversation-list.js';
import type { ProfileCard } from '../../src/elements/people/profile-card.js';
import { presenceText } from '../../src/elements/i18n/presence.js';
import { setLocale } from '../../src/elements/i18n/localize.js';
import { axeViolations, nextFrames } from './a11y-helpers.js';
import { closeClients, connectPair, part, parts } from './helpers.js';

/** The server's presence interval is 5 s by default: a change reaches a watcher within about that. */
const CHANGE_MS = 8000;

describe('presence: online and last seen (SPEC §13)', () => {
  afterEach(closeClients);
  afterEach(() => emulateMedia({ colorScheme: 'light' }));

  it('puts an online dot on a 1:1 avatar in the list, in the colour of --chat-presence-online-color, gone once the person leaves', async function () {
    this.timeout(15_000);
    const { alice, bob, aliceId, bobId } = await connectPair();
    await bob.send(`p2p:${aliceId}`, 'hi');
    const list = await fixture<ConversationList>(html`<conversation-list .client=${alice}></conversation-list>`);
    await waitUntil(() => part(list, 'presence-dot'), 'bob has a dot', { timeout: 5000 });
    const item = parts(list, 'item').find((i) => i.dataset['id'] === `p2p:${bobId}`)!;
    expect(item.querySelector('[part~="presence-dot"]')).to.not.equal(null);
    expect(item.textContent).to.include('online', 'read out with the item');
    expect(getComputedStyle(part(list, 'presence-dot')!).backgroundColor).to.equal('rgb(21, 128, 61)');
    list.style.setProperty('--chat-presence-online-color', 'rgb(1, 2, 3)');
    expect(getComputedStyle(part(list, 'presence-dot')!).backgroundColor).to.equal('rgb(1, 2, 3)');
    await bob.close();
    await waitUntil(() => !part(list, 'presence-dot'), 'no dot once bob is gone', { timeout: CHANGE_MS });
  });

  it('shows "online" in a 1:1 thread header, and "last seen just now" after the person left', async function () {
    this.timeout(15_000);
    const { alice, bob, aliceId, bobId } = await connectPair();
    await bob.send(`p2p:${aliceId}`, 'hi');
    const thread = await fixture<ChatThread>(html`<chat-thread .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`);
    await waitUntil(() => part(thread, 'presence')?.textContent === 'online', 'online in the header', { timeout: 5000 });
    expect(part(thread, 'presence')!.part.contains('online')).to.equal(true);
    expect(thread.shadowRoot!.querySelector('[part~="header"] > [part~="presence"]')).to.not.equal(null, 'in the header');
    await bob.close();
    await waitUntil(() => part(thread, 'presence')?.textContent === 'last seen just now', 'last seen in the header', { timeout: CHANGE_MS });
    expect(part(thread, 'presence')!.part.contains('online')).to.equal(false);
  });

  it('words last seen with Intl.RelativeTimeFormat, then a date past a week', () => {
    const now = Date.UTC(2026, 11, 6, 12);
    expect(presenceText({ online: true }, now)).to.equal('online');
    expect(presenceText({ online: false }, now)).to.equal('');
    expect(presenceText({ online: false, lastSeen: now - 5 * 60_000 }, now)).to.equal('last seen 5 minutes ago');
    expect(presenceText({ online: false, lastSeen: now - 3 * 3600_000 }, now)).to.equal('last seen 3 hours ago');
    expect(presenceText({ online: false, lastSeen: now - 26 * 3600_000 }, now)).to.equal('last seen yesterday');
    expect(presenceText({ online: false, lastSeen: now - 30 * 86_400_000 }, now)).to.match(/^last seen \w{3} \d/);
  });

  it('words presence in the page language: Russian, Japanese, Arabic', async () => {
    const now = Date.UTC(2026, 11, 6, 12);
    const fiveMin = { online: false, lastSeen: now - 5 * 60_000 };
    try {
      await setLocale('ru');
      expect([presenceText({ online: true }, now), presenceText(fiveMin, now)]).to.deep.equal(['в сети', 'был(а) в сети 5 минут назад']);
      await setLocale('ja');
      expect([presenceText({ online: true }, now), presenceText(fiveMin, now)]).to.deep.equal(['オンライン', '最終ログイン: 5 分前']);
      await setLocale('ar');
      expect(presenceText({ online: true }, now)).to.equal('متصل الآن');
      expect(presenceText(fiveMin, now)).to.match(/^آخر ظهور قبل/);
    } finally {
      await setLocale('');
    }
  });

  it('hide-presence shows nothing and loads nothing, on the thread, the list and the widget', async () => {
    const { alice, bob, aliceId, bobId } = await connectPair();
    await bob.send(`p2p:${aliceId}`, 'hi');
    // A second list with presence on proves the dot would show by now.
    const shown = await fixture<ConversationList>(html`<conversation-list .client=${alice}></conversation-list>`);
    await waitUntil(() => part(shown, 'presence-dot'), 'the dot shows where presence is on', { timeout: 5000 });
    const list = await fixture<ConversationList>(html`<conversation-list hide-presence .client=${alice}></conversation-list>`);
    const thread = await fixture<ChatThread>(html`<chat-thread hide-presence .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`);
    const widget = await fixture<ChatWidget>(html`<chat-widget hide-presence .client=${alice} conversation=${`p2p:${bobId}`}></chat-widget>`);
    await widget.show();
    await waitUntil(() => widget.shadowRoot!.querySelector('conversation-list')?.shadowRoot?.querySelector('[part~="item"]'), 'the widget lists bob');
    await nextFrames();
    const inner = widget.shadowRoot!.querySelector('conversation-list')!;
    const innerThread = widget.shadowRoot!.querySelector('chat-thread')!;
    expect(inner.hidePresence).to.equal(true);
    expect(innerThread.hidePresence).to.equal(true);
    for (const el of [list, thread, inner, innerThread]) {
      expect(part(el, 'presence-dot')).to.equal(null);
      expect(part(el, 'presence')).to.equal(null);
    }
  });

  it("the own profile card's checkbox hides the user from peers (offline, no last seen) and shows them again", async function () {
    this.timeout(15_000);
    const { alice, bob, aliceId, bobId } = await connectPair();
    await bob.send(`p2p:${aliceId}`, 'hi');
    const watching = await bob.presence();
    await waitUntil(() => watching.$presence.get()[aliceId]?.online === true, 'bob sees alice online', { timeout: 5000 });
    const card = await fixture<ProfileCard>(html`<profile-card .client=${alice}></profile-card>`);
    await card.show(aliceId);
    const box = await waitUntil(() => part<HTMLLabelElement>(card, 'presence-toggle')?.querySelector('input'), 'the own card has the checkbox', { timeout: 5000 })
      .then(() => part<HTMLLabelElement>(card, 'presence-toggle')!.querySelector('input')!);
    expect(box.checked).to.equal(true);
    expect(part(card, 'presence-toggle')!.textContent!.trim()).to.equal('Show when I am online');
    box.click();
    await waitUntil(() => watching.$presence.get()[aliceId]?.online === false, 'bob sees alice offline', { timeout: CHANGE_MS });
    expect(watching.$presence.get()[aliceId]!.lastSeen).to.equal(undefined);
    await waitUntil(() => card.shadowRoot!.textContent!.includes('others see you offline'), 'the card says what hiding does');
    expect(box.checked).to.equal(false);
    // Bob's card, seen by alice: presence shows there (bob is online; hiding oneself hides last seen only).
    card.close();
    await card.show(bobId);
    await waitUntil(() => part(card, 'presence')?.textContent === 'online', "bob's card says online", { timeout: 5000 });
    expect(part(card, 'presence-toggle')).to.equal(null, 'no checkbox on another person’s card');
    card.close();
    await alice.presence().then((p) => p.setVisible(true));
    await waitUntil(() => watching.$presence.get()[aliceId]?.online === true, 'visible again', { timeout: CHANGE_MS });
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`is axe-clean in ${scheme} at 320 px: the list's dot, the thread header, the profile card`, async () => {
      await setViewport({ width: 320, height: 640 });
      await emulateMedia({ colorScheme: scheme });
      const { alice, bob, aliceId, bobId } = await connectPair();
      await bob.send(`p2p:${aliceId}`, 'hi');
      const list = await fixture<ConversationList>(html`<conversation-list .client=${alice}></conversation-list>`);
      const thread = await fixture<ChatThread>(html`<chat-thread .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`);
      const card = await fixture<ProfileCard>(html`<profile-card .client=${alice}></profile-card>`);
      await waitUntil(() => part(list, 'presence-dot') && part(thread, 'presence'), 'presence shows', { timeout: 5000 });
      await card.show(aliceId);
      await waitUntil(() => part(card, 'presence-toggle'), 'the checkbox shows', { timeout: 5000 });
      await nextFrames();
      for (const el of [list, thread, card]) {
        const violations = await axeViolations(el);
        expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
      }
      card.close();
    });
  }
});
