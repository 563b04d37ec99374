// Mutes in the widget (SPEC §11), in real Chromium against the real server: the muted person's
// composer says why and until when and comes back at that time; the group panel's mute choices
// for the owner and admins, by keyboard, and the notice every member reads.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { GroupPanel } from '../../src/elements/groups/group-panel.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ChatWidget } from '../../src/elements/chat-widget.js';
import { formatUntil as when } from '../../src/elements/format.js';
import { localeReady, setLocale } from '../../src/elements/i18n/localize.js';
import { overflowPast } from './overflow-helpers.js';
import { nextFrames } from './a11y-helpers.js';
import { axeViolations, focused } from './a11y-helpers.js';
import { closeClients, connect, connectTrio, part, parts, plain, plainSystemText, type Trio } from './helpers.js';

/** Mutes as the site does; `site`: through the group (with its notice) as `PUT /v1/users/:id/mute` does. */
async function adminMute(user: string, o: { groupId?: string; until?: number; reason?: string; lift?: boolean; site?: boolean } = {}): Promise<void> {
  const q = new URLSearchParams({ user, ...(o.groupId && { groupId: o.groupId }), ...(o.until && { until: String(o.until) }), ...(o.reason && { reason: o.reason }), ...(o.lift && { lift: '1' }), ...(o.site && { site: '1' }) });
  const res = await fetch(`/__natter/mute?${q}`);
  if (!res.ok) throw new Error(`mute route: ${res.status}`);
}

const clock = (ms: number, o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en', o).format(ms);
/** How an end time reads: the time alone on today's date, else with the day (a run near midnight crosses it). */
const untilText = (ms: number) => clock(ms, new Date(ms).toDateString() === new Date().toDateString() ? { hour: 'numeric', minute: '2-digit' } : { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' });

describe('mutes in the widget (SPEC §11)', function () {
  let { aliceId, bobId, carolId, alice, bob, carol } = {} as Trio;

  beforeEach(async () => {
    ({ aliceId, bobId, carolId, alice, bob, carol } = await connectTrio());
  });

  afterEach(async () => {
    await closeClients();
    document.documentElement.lang = 'en';
    await setLocale('');
    await setViewport({ width: 800, height: 600 });
  });

  it('replaces the composer with why and until when while muted everywhere, and brings it back when the mute ends', async () => {
    const composer = await fixture<MessageComposer>(html`<message-composer .client=${alice} conversation=${`p2p:${bobId}`}></message-composer>`);
    await waitUntil(() => part(composer, 'input'), 'the composer shows');
    const until = Date.now() + 2500;
    await adminMute(aliceId, { until, reason: 'Spam <b>links</b>' });
    await waitUntil(() => part(composer, 'mute-notice'), 'the notice replaces the composer');
    expect(part(composer, 'input')).to.equal(null);
    expect(part(composer, 'mute-notice')!.getAttribute('role')).to.equal('status');
    expect(part(composer, 'mute-text')!.textContent).to.equal(`You can't send messages until ${untilText(until)}.`);
    expect(part(composer, 'mute-reason')!.textContent).to.equal('(Spam <b>links</b>)', 'the reason shows as text');
    expect(part(composer, 'mute-reason')!.querySelector('b')).to.equal(null);
    expect(await axeViolations(composer)).to.deep.equal([]);
    await emulateMedia({ colorScheme: 'dark' });
    expect(await axeViolations(composer), 'dark').to.deep.equal([]);
    await emulateMedia({ colorScheme: 'light' });
    await waitUntil(() => part(composer, 'input'), 'back at the end of the mute, with no word from the server');
    expect(part(composer, 'mute-notice')).to.equal(null);
  });

  it('says "muted in this group" in that group only, worded in the reader\'s language, and comes back when lifted', async () => {
    const id = await (await carol.groups()).createGroup({ name: 'Club', members: [aliceId, bobId] });
    const groupId = id.slice('group:'.length);
    await waitUntil(() => alice.$conversations.get().some((c) => c.id === id), 'alice has the group');
    const inGroup = await fixture<MessageComposer>(html`<message-composer .client=${alice} conversation=${id}></message-composer>`);
    const elsewhere = await fixture<MessageComposer>(html`<message-composer .client=${alice} conversation=${`p2p:${bobId}`}></message-composer>`);
    const until = Date.now() + 3 * 86_400_000;
    await adminMute(aliceId, { groupId, until });
    await waitUntil(() => part(inGroup, 'mute-notice'), 'muted in the group');
    expect(part(inGroup, 'mute-text')!.textContent).to.equal(`You are muted in this group until ${clock(until, { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' })}.`);
    expect(part(inGroup, 'mute-reason')).to.equal(null);
    expect(part(elsewhere, 'input'), 'not in the 1:1 chat').to.exist;
    await setLocale('zh-CN');
    await waitUntil(() => part(inGroup, 'mute-text')!.textContent!.includes('禁言'), 'in Chinese');
    await setLocale('');
    await adminMute(aliceId, { groupId, lift: true });
    await waitUntil(() => part(inGroup, 'input'), 'back once lifted');
  });

  it('a device that connects while muted shows the notice at once; a send from the API fails with the reason in the thread', async () => {
    await alice.send(`p2p:${bobId}`, 'before');
    await adminMute(aliceId, { reason: 'Cool off' });
    const later = await connect(aliceId);
    expect(later.$sanctions.get()).to.deep.equal([{ reason: 'Cool off' }], 'told at session start');
    const composer = await fixture<MessageComposer>(html`<message-composer .client=${later} conversation=${`p2p:${bobId}`}></message-composer>`);
    expect(part(composer, 'mute-text')!.textContent).to.equal("You can't send messages.");
    expect(part(composer, 'mute-reason')!.textContent).to.equal('(Cool off)');
    const thread = await fixture<ChatThread>(html`<chat-thread .client=${later} conversation=${`p2p:${bobId}`}></chat-thread>`);
    await later.send(`p2p:${bobId}`, 'let me').catch(() => undefined);
    // That the sender is muted, in the page's language, then the muter's words (not those alone).
    await waitUntil(() => parts(thread, 'error').some((e) => e.textContent === "You can't send messages. (Cool off)"), 'the failed message says why');
    await adminMute(aliceId, { lift: true });
    await waitUntil(() => part(composer, 'input'), 'lifted');
  });

  it('gives the owner mute choices by keyboard; the member is muted, every member reads the notice, Unmute lifts it', async () => {
    const id = await (await carol.groups()).createGroup({ name: 'Team', members: [aliceId, bobId] });
    await waitUntil(() => carol.$conversations.get().some((c) => c.id === id), 'listed');
    const panel = await fixture<GroupPanel>(html`<group-panel .client=${carol}></group-panel>`);
    await panel.show(id);
    await waitUntil(() => parts(panel, 'member').length === 3, 'members load');
    const bobRow = () => parts(panel, 'member').find((r) => r.textContent!.includes('Bob'))!;
    const carolRow = parts(panel, 'member').find((r) => r.textContent!.includes('Carol'))!;
    expect(carolRow.querySelector('[part~="mute-button"]'), 'no mute for oneself').to.equal(null);
    const toggle = bobRow().querySelector<HTMLButtonElement>('[part~="mute-button"]')!;
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    toggle.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => bobRow().querySelector('[part~="mute-options"]'), 'the choices open');
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    const labels = [...bobRow().querySelectorAll('[part~="mute-options"] button')].map((b) => b.textContent!.trim());
    expect(labels, 'no Unmute for someone not muted').to.deep.equal(['Mute for 1 hour', 'Mute for 1 day', 'Mute until unmuted']);
    expect(bobRow().querySelector('[part~="muted"]')).to.equal(null);
    expect(await axeViolations(panel)).to.deep.equal([]);
    await sendKeys({ press: 'Tab' });
    expect(focused()?.getAttribute('part')).to.equal('mute-hour-button');
    const before = Date.now();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => bob.$sanctions.get().some((m) => m.conversationId === id), 'bob learns he is muted there');
    const mute = bob.$sanctions.get()[0]!;
    expect(mute.until! - before).to.be.within(3_500_000, 3_700_000);
    // The owner's member list now says so and until when, and offers Unmute instead of Mute.
    await waitUntil(() => bobRow().querySelector('[part~="unmute-button"]'), 'Unmute in place of Mute');
    expect(bobRow().querySelector('[part~="mute-button"]')).to.equal(null);
    expect(bobRow().querySelector('[part~="muted"]')!.textContent).to.equal(`Muted until ${untilText(mute.until!)}`);
    await waitUntil(() => focused()?.getAttribute('part') === 'unmute-button', 'focus moves to Unmute');
    expect(focused()!.getAttribute('aria-label')).to.equal('Unmute: Bob');
    expect(await axeViolations(panel)).to.deep.equal([]);
    const thread = await fixture<ChatThread>(html`<chat-thread .client=${alice} conversation=${id}></chat-thread>`);
    await waitUntil(() => parts(thread, 'system').some((s) => plain(s.textContent).includes('Carol muted Bob until')), 'alice reads who muted whom until when');
    // The time alone when the mute ends today, as the composer's notice says it (it showed "Dec 7, 11:00 AM").
    expect(parts(thread, 'system').map((s) => plain(s.textContent).trim())).to.include(`Carol muted Bob until ${untilText(mute.until!)}.`);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => bob.$sanctions.get().length === 0, 'unmuted');
    await waitUntil(() => parts(thread, 'system').some((s) => plain(s.textContent).includes('Carol unmuted Bob.')), 'the unmute notice');
    await waitUntil(() => bobRow().querySelector('[part~="mute-button"]') && !bobRow().querySelector('[part~="muted"]'), 'Mute again, no longer marked');
    await waitUntil(() => focused()?.getAttribute('part') === 'mute-button', 'focus back on Mute');
  });

  it('words a group\'s "muted until" notice with the time alone when the mute ends today, the day too when it does not', async () => {
    const systemText = await plainSystemText();
    const muted = (until: number) => systemText({ type: 'system', event: 'member-muted', text: 'x', data: String(until), targets: ['b'], targetNames: ['Bob'] });
    const today = new Date();
    today.setHours(0, 30, 0, 0);
    expect(muted(today.getTime())).to.equal(`Bob was muted until ${clock(today.getTime(), { hour: 'numeric', minute: '2-digit' })}.`);
    const tomorrow = today.getTime() + 86_400_000;
    expect(muted(tomorrow)).to.equal(`Bob was muted until ${clock(tomorrow, { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' })}.`);
  });

  it('shows the owner and admins a site\'s mute (Muted, Unmute), plain members nothing; the site\'s mute and unmute are told in the thread', async () => {
    const id = await (await carol.groups()).createGroup({ name: 'Site mutes', members: [aliceId, bobId] });
    const groupId = id.slice(6);
    await (await carol.groups()).changeGroup(groupId, { kind: 'role', userId: aliceId, role: 'admin' });
    await waitUntil(() => alice.$conversations.get().some((c) => c.id === id) && bob.$conversations.get().some((c) => c.id === id), 'both have it');
    const thread = await fixture<ChatThread>(html`<chat-thread .client=${bob} conversation=${id}></chat-thread>`);
    await adminMute(bobId, { groupId, site: true });
    // Bob reads it about himself, with no one named as its author.
    await waitUntil(() => parts(thread, 'system').some((s) => s.textContent!.trim() === 'You were muted.'), 'the site\'s mute is told, with no one named as its author');
    for (const [client, who] of [[carol, 'owner'], [alice, 'admin']] as const) {
      const panel = await fixture<GroupPanel>(html`<group-panel .client=${client}></group-panel>`);
      await panel.show(id);
      const row = () => parts(panel, 'member').find((r) => r.textContent!.includes('Bob'));
      await waitUntil(() => row()?.querySelector('[part~="muted"]'), `the ${who} sees it`);
      expect(row()!.querySelector('[part~="muted"]')!.textContent, who).to.equal('Muted');
      expect(row()!.querySelector('[part~="unmute-button"]'), who).to.exist;
      expect(row()!.querySelector('[part~="mute-button"]'), who).to.equal(null);
      panel.close();
    }
    const own = await fixture<GroupPanel>(html`<group-panel .client=${bob}></group-panel>`);
    await own.show(id);
    await waitUntil(() => parts(own, 'member').length === 3, 'members load');
    expect(parts(own, 'muted'), 'a plain member is not told').to.deep.equal([]);
    expect(bob.members(id).get()!.some((m) => m.muted), 'nor is it in his client').to.equal(false);
    await adminMute(bobId, { groupId, site: true, lift: true });
    await waitUntil(() => parts(thread, 'system').some((s) => s.textContent!.trim() === 'You can send messages again.'), 'the site\'s unmute is told');
  });

  it('takes "Muted until …" off a member in the open group panel when the mute runs out, with no word from the server', async () => {
    const id = await (await carol.groups()).createGroup({ name: 'Short mute', members: [aliceId, bobId] });
    await waitUntil(() => bob.$conversations.get().some((c) => c.id === id), 'bob has it');
    const panel = await fixture<GroupPanel>(html`<group-panel .client=${carol}></group-panel>`);
    await panel.show(id);
    const row = () => parts(panel, 'member').find((r) => r.textContent!.includes('Bob'));
    await waitUntil(() => row()?.querySelector('[part~="mute-button"]'), 'bob can be muted');
    const until = Date.now() + 2500;
    await adminMute(bobId, { groupId: id.slice(6), until, site: true });
    await waitUntil(() => row()?.querySelector('[part~="muted"]'), 'the panel says bob is muted');
    expect(row()!.querySelector('[part~="muted"]')!.textContent).to.equal(`Muted until ${untilText(until)}`);
    expect(row()!.querySelector('[part~="unmute-button"]')).to.exist;
    await waitUntil(() => !row()?.querySelector('[part~="muted"]'), 'no longer muted once the mute ends');
    expect(Date.now()).to.be.at.least(until);
    expect(row()!.querySelector('[part~="mute-button"]'), 'the mute choices are back').to.exist;
    expect(row()!.querySelector('[part~="unmute-button"]')).to.equal(null);
  });

  it('shows an admin the mute choices for plain members only, never for the owner or another admin', async () => {
    const id = await (await carol.groups()).createGroup({ name: 'Admins', members: [aliceId, bobId] });
    await (await carol.groups()).changeGroup(id.slice(6), { kind: 'role', userId: aliceId, role: 'admin' });
    await waitUntil(() => alice.$conversations.get().some((c) => c.id === id), 'alice has it');
    const panel = await fixture<GroupPanel>(html`<group-panel .client=${alice}></group-panel>`);
    await panel.show(id);
    await waitUntil(() => parts(panel, 'member').length === 3 && parts(panel, 'mute-button').length === 1, 'one mute toggle');
    expect(parts(panel, 'member').find((r) => r.querySelector('[part~="mute-button"]'))!.textContent).to.include('Bob');
    void carolId;
  });

  it('composes the muted notice in the widget at 320 px in Arabic: translated, right to left, wrapped inside the screen, and the group\'s notice too', async () => {
    const id = await (await carol.groups()).createGroup({ name: 'النادي', members: [aliceId, bobId] });
    const groupId = id.slice(6);
    await waitUntil(() => alice.$conversations.get().some((c) => c.id === id), 'alice has the group');
    const until = Date.now() + 3 * 86_400_000;
    const reason = `يرجى الالتزام بقواعد المجموعة ${'ـ'.repeat(90)} https://example.com/${'rules/'.repeat(12)}`;
    await adminMute(aliceId, { groupId, until, reason, site: true });
    await waitUntil(() => alice.$sanctions.get().some((m) => m.conversationId === id), 'alice learns it');
    await setViewport({ width: 320, height: 640 });
    document.documentElement.lang = 'ar';
    const widget = await fixture<ChatWidget>(html`<chat-widget .client=${alice} conversation=${id}></chat-widget>`);
    await localeReady();
    await widget.show();
    const composer = await waitUntil(() => widget.shadowRoot!.querySelector<MessageComposer>('message-composer'), 'the composer shows')
      .then(() => widget.shadowRoot!.querySelector<MessageComposer>('message-composer')!);
    const thread = widget.shadowRoot!.querySelector<ChatThread>('chat-thread')!;
    await waitUntil(() => part(composer, 'mute-notice'), 'the notice replaces the composer');
    await waitUntil(() => parts(thread, 'system').some((s) => plain(s.textContent).includes('تم كتم')), 'the thread tells of the mute in Arabic');
    await localeReady();
    await nextFrames();
    // Worded in Arabic, its time in Arabic's words and digits.
    expect(part(composer, 'mute-text')!.textContent).to.equal(`تم كتمك في هذه المجموعة حتى ${when(until)}.`);
    expect(when(until)).to.not.match(/[A-Za-z]/);
    expect(part(composer, 'mute-reason')!.textContent).to.include(reason);
    const notice = parts(thread, 'system').find((s) => s.textContent!.includes('تم كتم'))!;
    // Alice reads it about herself ("You were muted until …"), no one named as its author.
    expect(notice.textContent!.trim()).to.match(/^تم كتمك حتى [^A-Za-z]+\.$/u, 'the site muted: no one named as its author');
    for (const el of [composer, part(composer, 'mute-notice')!, notice]) expect(getComputedStyle(el).direction, el.localName).to.equal('rtl');
    // Inside the screen: no sideways scrolling anywhere, the notice and its long reason wrap.
    expect(overflowPast(widget, 320)).to.deep.equal([]);
    const box = part(composer, 'mute-notice')!.getBoundingClientRect();
    expect(box.left).to.be.at.least(0);
    expect(box.right).to.be.at.most(320);
    for (const el of [part(composer, 'mute-notice')!, part(composer, 'mute-text')!, part(composer, 'mute-reason')!, notice]) {
      expect(el.scrollWidth, el.getAttribute('part')!).to.be.at.most(el.clientWidth + 1);
      expect(el.getBoundingClientRect().right, el.getAttribute('part')!).to.be.at.most(320);
    }
    // The text reads from the right: its first letter sits at the notice's right edge.
    const words = document.createTreeWalker(part(composer, 'mute-text')!, NodeFilter.SHOW_TEXT, (n) => (n.textContent!.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP)).nextNode()!;
    const first = document.createRange();
    first.setStart(words, 0);
    first.setEnd(words, 1);
    expect(box.right - first.getBoundingClientRect().right).to.be.below(40);
    expect(await axeViolations(composer)).to.deep.equal([]);
  });
});
