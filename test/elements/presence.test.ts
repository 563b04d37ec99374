import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ChatWidget } from '../../src/elements/chat-widget.js';
import type { ConversationList } from '../../src/elements/conversation-list.js';
import type { ProfileCard } from '../../src/elements/people/profile-card.js';
import type { ContactsView } from '../../src/elements/people/contacts-view.js';
import { presenceText } from '../../src/elements/i18n/presence.js';
import { setLocale } from '../../src/elements/i18n/localize.js';
import { axeViolations, nextFrames } from './a11y-helpers.js';
import { closeClients, connectPair, part, parts, type Pair } from './helpers.js';

/**
 * The server's presence interval is 5 s by default: an online reaches a watcher at once, a hiding
 * within an interval, an offline once it is an interval old (in one to two intervals: 5 to 10 s).
 */
const CHANGE_MS = 20_000;

/** Makes `a` and `b` friends through the admin API: no 1:1 chat between them. */
async function befriend(a: string, b: string): Promise<void> {
  const res = await fetch(`/__natter/friends?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
  expect(res.ok).to.equal(true);
}

/** Opens a `<contacts-view>` of `client` and waits for its friends section. */
async function openContacts(client: Pair['alice'], hidePresence = false): Promise<ContactsView> {
  const view = await fixture<ContactsView>(hidePresence
    ? html`<contacts-view hide-presence .client=${client}></contacts-view>`
    : html`<contacts-view .client=${client}></contacts-view>`);
  await view.show();
  await waitUntil(() => part(view, 'friends'), 'the friends section should load');
  return view;
}

/** The presence line of the friend row whose text holds `name`. */
const friendPresence = (view: ContactsView, name: string) =>
  [...(part(view, 'friends')?.querySelectorAll('li') ?? [])].find((li) => li.textContent!.includes(name))?.querySelector<HTMLElement>('[part~="presence"]') ?? null;

describe('presence: online and last seen (SPEC §13)', () => {
  afterEach(closeClients);
  afterEach(() => emulateMedia({ colorScheme: 'light' }));

  it('puts an online dot on a 1:1 avatar in the list, in the colour of --chat-presence-online-color, gone once the person leaves', async function () {
    const { alice, bob, aliceId, bobId } = await connectPair();
    await bob.send(`p2p:${aliceId}`, 'hi');
    const list = await fixture<ConversationList>(html`<conversation-list .client=${alice}></conversation-list>`);
    await waitUntil(() => part(list, 'presence-dot'), 'bob has a dot');
    const item = parts(list, 'item').find((i) => i.dataset['id'] === `p2p:${bobId}`)!;
    expect(item.querySelector('[part~="presence-dot"]')).to.not.equal(null);
    expect(item.textContent).to.include('online', 'read out with the item');
    expect(getComputedStyle(part(list, 'presence-dot')!).backgroundColor).to.equal('rgb(21, 128, 61)');
    list.style.setProperty('--chat-presence-online-color', 'rgb(1, 2, 3)');
    expect(getComputedStyle(part(list, 'presence-dot')!).backgroundColor).to.equal('rgb(1, 2, 3)');
    await bob.close();
    await waitUntil(() => !part(list, 'presence-dot'), 'no dot once bob is gone', { timeout: CHANGE_MS });
  });

  it('the list loads presence only once it holds a 1:1 chat (a dot has nowhere else to show), then shows the dot', async function () {
    const { alice, bob, aliceId, bobId } = await connectPair();
    await (await bob.groups()).createGroup({ name: 'Only groups', members: [aliceId] });
    let asked = 0;
    const presence = alice.presence.bind(alice);
    alice.presence = () => (asked++, presence());
    const list = await fixture<ConversationList>(html`<conversation-list .client=${alice}></conversation-list>`);
    await waitUntil(() => parts(list, 'item').length === 1, 'the group is listed');
    await nextFrames();
    expect(asked).to.equal(0, 'no presence asked for a list of groups');
    await bob.send(`p2p:${aliceId}`, 'hi');
    await waitUntil(() => parts(list, 'item').some((i) => i.dataset['id'] === `p2p:${bobId}`), 'the 1:1 chat is listed');
    await waitUntil(() => part(list, 'presence-dot'), 'bob has a dot');
    expect(asked).to.equal(1);
  });

  it('shows "online" in a 1:1 thread header, and "last seen just now" after the person left', async function () {
    const { alice, bob, aliceId, bobId } = await connectPair();
    await bob.send(`p2p:${aliceId}`, 'hi');
    const thread = await fixture<ChatThread>(html`<chat-thread .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`);
    await waitUntil(() => part(thread, 'presence')?.textContent === 'online', 'online in the header');
    expect(part(thread, 'presence')!.part.contains('online')).to.equal(true);
    expect(thread.shadowRoot!.querySelector('[part~="header"] > [part~="presence"]')).to.not.equal(null, 'in the header');
    await bob.close();
    await waitUntil(() => part(thread, 'presence')?.textContent === 'last seen just now', 'last seen in the header', { timeout: CHANGE_MS });
    expect(part(thread, 'presence')!.part.contains('online')).to.equal(false);
  });

  it("puts presence beside the peer's name in the widget's thread header, on one row: left to right and right to left, 320 px and wide, light and dark", async function () {
    const { alice, bob, aliceId, bobId } = await connectPair();
    await bob.send(`p2p:${aliceId}`, 'hi');
    try {
      for (const [lang, width] of [['en', 1000], ['en', 320], ['ar', 320], ['ar', 1000]] as const) {
        await setViewport({ width, height: 640 });
        document.documentElement.lang = lang;
        await setLocale(lang === 'en' ? '' : lang);
        const widget = await fixture<ChatWidget>(html`<chat-widget open .client=${alice} conversation=${`p2p:${bobId}`}></chat-widget>`);
        await waitUntil(() => widget.shadowRoot!.querySelector('chat-thread'), 'the thread shows');
        const thread = widget.shadowRoot!.querySelector('chat-thread')!;
        await waitUntil(() => part(thread, 'presence'), `${lang} ${width}: presence shows`);
        const presence = part(thread, 'presence')!;
        const name = widget.shadowRoot!.querySelector<HTMLElement>('[part~="profile-button"]')!;
        const [n, p] = [name.getBoundingClientRect(), presence.getBoundingClientRect()];
        const where = `${lang} ${width}px`;
        expect(part(thread, 'header')!.contains(presence) && name.closest('[slot]')?.assignedSlot?.name, where).to.equal('header');
        expect(Math.abs(n.top + n.height / 2 - (p.top + p.height / 2)), `${where}: on the name's row`).to.be.below(2);
        if (lang === 'ar') expect(n.left - p.right, `${where}: after the name, leftwards`).to.be.within(4, 16);
        else expect(p.left - n.right, `${where}: after the name`).to.be.within(4, 16);
        expect(p.top, `${where}: above the log`).to.be.below(part(thread, 'log')!.getBoundingClientRect().top);
        for (const scheme of ['light', 'dark'] as const) {
          await emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
          expect(await axeViolations(widget), `${where} ${scheme}`).to.deep.equal([]);
        }
        await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
        part(thread, 'search-button')!.click();
        await waitUntil(() => part(thread, 'search'), `${where}: the search opens`);
        // Measured again: focus in the field may scroll the page, and the widget's content moves.
        const [name2, search, button] = [name, part(thread, 'search')!, part(thread, 'search-button')!].map((el) => el.getBoundingClientRect());
        expect(search.top, `${where}: an open search goes under the name, not beside it`).to.be.at.least(name2.bottom);
        expect(search.width + button.width, `${where}: with its button, across the header`).to.be.above(part(thread, 'header')!.getBoundingClientRect().width * 0.8);
        widget.remove();
      }
    } finally {
      document.documentElement.lang = 'en';
      await setLocale('');
      await setViewport({ width: 800, height: 600 });
    }
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
    await waitUntil(() => part(shown, 'presence-dot'), 'the dot shows where presence is on');
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
    const { alice, bob, aliceId, bobId } = await connectPair();
    await bob.send(`p2p:${aliceId}`, 'hi');
    const watching = await bob.presence();
    await waitUntil(() => watching.$presence.get()[aliceId]?.online === true, 'bob sees alice online');
    const card = await fixture<ProfileCard>(html`<profile-card .client=${alice}></profile-card>`);
    await card.show(aliceId);
    const box = await waitUntil(() => part<HTMLLabelElement>(card, 'presence-toggle')?.querySelector('input'), 'the own card has the checkbox')
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
    await waitUntil(() => part(card, 'presence')?.textContent === 'online', "bob's card says online");
    expect(part(card, 'presence-toggle')).to.equal(null, 'no checkbox on another person’s card');
    card.close();
    await alice.presence().then((p) => p.setVisible(true));
    await waitUntil(() => watching.$presence.get()[aliceId]?.online === true, 'visible again', { timeout: CHANGE_MS });
  });

  it('<contacts-view> shows a friend online with a dot, then last seen, with no 1:1 chat between them; hide-presence shows nothing', async function () {
    const { alice, bob, aliceId, bobId } = await connectPair();
    await befriend(aliceId, bobId);
    expect(alice.$conversations.get().length).to.equal(0, 'no chat with bob');
    const view = await openContacts(alice);
    await waitUntil(() => friendPresence(view, 'Bob')?.textContent === 'online', 'bob online in the friends list');
    const line = friendPresence(view, 'Bob')!;
    expect(line.part.contains('online')).to.equal(true);
    expect(getComputedStyle(line, '::before').backgroundColor).to.equal('rgb(21, 128, 61)', 'the online dot');
    const hidden = await openContacts(alice, true);
    await waitUntil(() => part(hidden, 'friend'), 'the friend row shows where presence is hidden');
    expect(part(hidden, 'presence')).to.equal(null);
    expect(part(hidden, 'presence-toggle')).to.equal(null);
    hidden.close();
    await bob.close();
    await waitUntil(() => friendPresence(view, 'Bob')?.textContent === 'last seen just now', 'last seen once bob left', { timeout: CHANGE_MS });
    expect(friendPresence(view, 'Bob')!.part.contains('online')).to.equal(false);
    view.close();
  });

  it('<conversation-list contacts hide-presence> gives its contacts view hide-presence', async () => {
    const { alice, aliceId, bobId } = await connectPair();
    await befriend(aliceId, bobId);
    const list = await fixture<ConversationList>(html`<conversation-list contacts hide-presence .client=${alice}></conversation-list>`);
    part(list, 'contacts-button')!.click();
    const view = await waitUntil(() => list.shadowRoot!.querySelector('contacts-view')?.open, 'the contacts view opens')
      .then(() => list.shadowRoot!.querySelector('contacts-view')!);
    expect(view.hidePresence).to.equal(true);
    view.close();
  });

  it("<contacts-view>'s own checkbox hides the user from a friend and shows them again", async function () {
    const { alice, bob, aliceId, bobId } = await connectPair();
    await befriend(aliceId, bobId);
    // bob watches alice as a friend: his presence tracker follows his loaded friends list.
    const watching = await bob.presence();
    await (await bob.friends()).load();
    await waitUntil(() => watching.$presence.get()[aliceId]?.online === true, 'bob sees alice online');
    const view = await openContacts(alice);
    await waitUntil(() => part(view, 'presence-toggle')?.querySelector('input'), 'the checkbox shows');
    const box = part(view, 'presence-toggle')!.querySelector('input')!;
    expect(box.checked).to.equal(true);
    expect(part(view, 'presence-toggle')!.textContent!.trim()).to.equal('Show when I am online');
    expect(part(view, 'friends')!.nextElementSibling).to.equal(part(view, 'presence-toggle'), 'under the friends');
    box.focus();
    await sendKeys({ press: 'Space' });
    await waitUntil(() => watching.$presence.get()[aliceId]?.online === false, 'bob sees alice offline', { timeout: CHANGE_MS });
    expect(watching.$presence.get()[aliceId]!.lastSeen).to.equal(undefined);
    await waitUntil(() => view.shadowRoot!.textContent!.includes('others see you offline'), 'the view says what hiding does');
    expect((await alice.presence()).$visible.get()).to.equal(false);
    part(view, 'presence-toggle')!.querySelector('input')!.click();
    await waitUntil(() => watching.$presence.get()[aliceId]?.online === true, 'visible again', { timeout: CHANGE_MS });
    view.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`is axe-clean in ${scheme} at 320 px: the list's dot, the thread header, the profile card, the contacts view's friends and checkbox`, async () => {
      await setViewport({ width: 320, height: 640 });
      await emulateMedia({ colorScheme: scheme });
      const { alice, bob, aliceId, bobId } = await connectPair();
      await bob.send(`p2p:${aliceId}`, 'hi');
      const list = await fixture<ConversationList>(html`<conversation-list .client=${alice}></conversation-list>`);
      const thread = await fixture<ChatThread>(html`<chat-thread .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`);
      const card = await fixture<ProfileCard>(html`<profile-card .client=${alice}></profile-card>`);
      await waitUntil(() => part(list, 'presence-dot') && part(thread, 'presence'), 'presence shows');
      await card.show(aliceId);
      await waitUntil(() => part(card, 'presence-toggle'), 'the checkbox shows');
      await nextFrames();
      for (const el of [list, thread, card]) {
        const violations = await axeViolations(el);
        expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
      }
      card.close();
      // The contacts view: a friend's presence and the own checkbox.
      await befriend(aliceId, bobId);
      const view = await openContacts(alice);
      await waitUntil(() => friendPresence(view, 'Bob') && part(view, 'presence-toggle'), 'presence and the checkbox show');
      await nextFrames();
      const violations = await axeViolations(view);
      expect(violations, JSON.stringify(violations, null, 2)).to.deep.equal([]);
      view.close();
    });
  }
});
