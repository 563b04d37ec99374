/**
 * Hostile content in real Chromium, in rich messages and outside message bubbles: the corpus of
 * hostile-helpers.ts as file names, location descriptions, sticker keys and custom data (also
 * typing names, in `<chat-session>`); as merged forwards (title, abstract, forwarded senders and
 * texts); as broadcasts (text and sender label, through the real admin API) in `<broadcast-banner>`; a mute's
 * reason (the site's or a group admin's words) in `<message-composer>`'s notice; members muted by
 * the site, named with every payload, in the group's notices and `<group-panel>`'s muted rows; a
 * group notice naming more people than it carries, ending in "and N others" in English and
 * Russian; search snippets and senders; group names and notices (group.create, group.change
 * rename and notice) in the conversation list, the thread's system lines and `<group-panel>`;
 * conversation list names and previews; a 1:1 peer's name on `<chat-widget>`'s profile button;
 * friends' names and request notes in the contacts view. Nothing executes, no element is
 * injected, bidi overrides stay isolated, nothing widens its view.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import type { ChatClient, ChatMessage } from '../../src/client/types.js';
import type { ChatSession } from '../../src/elements/chat-session.js';
import type { BroadcastBanner } from '../../src/elements/broadcast-banner.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ConversationList } from '../../src/elements/conversation-list.js';
import type { ContactsView } from '../../src/elements/people/contacts-view.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import type { GroupPanel } from '../../src/elements/groups/group-panel.js';
import type { ChatSearch } from '../../src/elements/search/chat-search.js';
import { defineChatSearch } from '../../src/elements/search/chat-search.js';
import type { Elem } from '../../src/protocol/elems.js';
import { describeElemText } from '../../src/elements/i18n/elems.js';
import { GROUP_LIMITS } from '../../src/protocol/group-frames.js';
import { setLocale } from '../../src/elements/i18n/localize.js';
import { uiStrings } from '../../src/elements/i18n/ui.js';
import { mergeTitle } from '../../src/elements/thread/merge-title.js';
import { closeClients, connect, mediaDrawn, part, parts, uniqueUser } from './helpers.js';
import { CORPUS, FORBIDDEN, imageBarrier, expectInert, census, expectBidiIsolated, expectThreadFits } from './hostile-helpers.js';

describe('hostile content in rich messages and outside messages', () => {
  let viewerId: string;
  let viewer: ChatClient;
  const tally = { payloads: CORPUS.length, messages: 0, names: 0, broadcasts: 0, bidiChecked: 0 };

  before(() => {
    window.__natterXss = undefined;
    defineChatSearch();
  });
  /** A thread showing hostile names: nothing ran, nothing new was made of them, each isolated, none widens it. */
  async function expectNamesInert(thread: ChatThread, baseline: Map<string, number>): Promise<void> {
    await imageBarrier();
    expect(window.__natterXss).to.equal(undefined);
    expectInert(thread, baseline);
    tally.bidiChecked += expectBidiIsolated(thread);
    expectThreadFits(thread, 'a name');
  }

  after(() => console.log(`# hostile content in rich messages and outside messages: ${tally.payloads} payloads, ${tally.messages} messages and ${tally.names} names and ${tally.broadcasts} broadcasts rendered, ${tally.bidiChecked} bidi scopes checked`));

  beforeEach(async () => {
    viewerId = uniqueUser('viewer');
    viewer = await connect(viewerId, 'Viewer');
  });
  afterEach(closeClients);

  it('renders every payload as inert text in rich messages: file names, location descriptions, sticker keys, custom data, typing names', async function () {
    this.timeout(60_000);
    const sticker = `${location.origin}/__natter/picture.svg?w=64&h=64`;
    viewer.registerRenderer('echo', (elem) => elem.data);
    for (const [i, payload] of CORPUS.entries()) {
      const short = payload.slice(0, 900);
      const id = uniqueUser('r');
      const sender = await connect(id, short);
      const elems: Elem[] = [
        { type: 'file', url: 'https://files.example/f', name: short, size: 2048, mime: 'application/octet-stream' },
        { type: 'location', description: short, latitude: 1.5, longitude: -2.25 },
        { type: 'face', index: 0, data: short },
        { type: 'face', index: 1, data: `★${short}` },
        { type: 'custom', customType: 'echo', data: payload, description: short },
      ];
      for (const elem of elems) await sender.send(`p2p:${viewerId}`, elem);
      tally.messages += elems.length;
      tally.names++;
      // One key is unknown (shown as text), the other maps to a picture: its `alt` carries the key.
      const stickers = { [`★${short}`]: sticker };
      const session = await fixture<ChatSession>(
        html`<chat-session .client=${viewer} .stickers=${stickers}
          ><chat-thread style="height: 700px; width: 360px; display: flex" conversation=${`p2p:${id}`}></chat-thread
        ></chat-session>`,
      );
      const el = session.querySelector('chat-thread')!;
      const baseline = census(el);
      await waitUntil(() => parts(el, 'bubble').length === elems.length, `the rich messages of payload ${i} should show`);
      await mediaDrawn(el);
      sender.sendTyping(`p2p:${viewerId}`);
      await waitUntil(() => part(el, 'typing')!.textContent!.trim() !== '', `the typing row of payload ${i} should show`);
      await el.updateComplete;
      await imageBarrier();
      expect(window.__natterXss, `payload ${i} executed`).to.equal(undefined);
      // The one sticker picture is ours (the session's stickers), with the payload only as `alt`.
      expectInert(el, new Map([...baseline, ['img', (baseline.get('img') ?? 0) + 1]]));
      const img = part<HTMLImageElement>(el, 'sticker')!;
      expect(img.getAttribute('src')).to.equal(viewer.fileUrl(sticker));
      expect(img.alt).to.equal(`Sticker ★${short}`);
      expect(part(el, 'file-name')!.textContent).to.equal(short);
      expect(part(el, 'download-link')!.getAttribute('download')).to.not.match(/[<>:"/\\|?*]/);
      expect(part(el, 'location-description')!.textContent).to.equal(short);
      expect(part(el, 'sticker-fallback')!.textContent).to.equal(`[Sticker] ${short}`);
      expect(part(el, 'custom')!.textContent).to.equal(payload);
      // The name isolated in the sentence (FSI … PDI), its own bidi controls dropped (i18n/isolate.ts).
      expect(part(el, 'typing')!.textContent!.trim()).to.equal(`\u2068${short.replace(/[\u202a-\u202e\u2066-\u2069]/g, '')}\u2069 is typing…`);
      tally.bidiChecked += expectBidiIsolated(el);
      expectThreadFits(el, `payload ${i}`, true);
    }
  });

  it("isolates each sender's name in the title the widget gives a merged forward", () => {
    // "Chat history of Mallory‮, Bob" showed "Chat history of boB ,yrollaM": the override reached past her name.
    const held = [['1', 'Mallory\u202e'], ['2', 'Bob']].map(([id, name]) => ({ id, sender: `u${id}`, senderProfile: { name } }) as unknown as ChatMessage);
    expect(mergeTitle(uiStrings(), held, ['1', '2'])).to.equal('Chat history of \u2068Mallory\u2069, \u2068Bob\u2069');
  });

  it('renders every payload as inert text in merged forwards: title, abstract, and the forwarded senders and texts once expanded', async function () {
    this.timeout(60_000);
    for (const [i, payload] of CORPUS.entries()) {
      const name = payload.slice(0, 1000);
      const title = payload.slice(0, 500);
      const id = uniqueUser('m');
      const sender = await connect(id, name);
      const toViewer = `p2p:${viewerId}` as const;
      const first = await sender.send(toViewer, payload);
      const second = await sender.send(toViewer, { type: 'location', description: title, latitude: 1, longitude: 2 });
      const [forwarded] = await sender.forward([toViewer], { conversationId: toViewer, messageIds: [first.id, second.id], merge: { title } });
      expect(forwarded!.status, `the merged forward of payload ${i}`).to.equal('fulfilled');
      tally.messages += 3;
      tally.names++;
      const el = await fixture<ChatThread>(html`<chat-thread style="height: 600px; width: 360px; display: flex" .client=${viewer} conversation=${`p2p:${id}`}></chat-thread>`);
      const baseline = census(el);
      await waitUntil(() => part(el, 'merger-title'), `the merged forward of payload ${i} should show`);
      expect(part(el, 'merger-title')!.textContent).to.equal(title);
      part<HTMLButtonElement>(el, 'merger-open-button')!.click();
      await waitUntil(() => part(el, 'merger-messages'), `the forwarded messages of payload ${i} should expand`);
      await el.updateComplete;
      await imageBarrier();
      expect(window.__natterXss, `payload ${i} executed`).to.equal(undefined);
      expectInert(el, baseline);
      const rows = [...part(el, 'merger-messages')!.querySelectorAll('li')];
      expect(rows.map((r) => r.querySelector('.merger-sender')!.textContent)).to.deep.equal([name, name]);
      // The plain-text description (formatting markers such as __ dropped), as the conversation list shows it.
      expect(rows[0]!.querySelector('.merger-text')!.textContent).to.equal(describeElemText(first.elem));
      expect(rows[1]!.querySelector('.merger-text')!.textContent).to.contain(title);
      tally.bidiChecked += expectBidiIsolated(el);
      expectThreadFits(el, `payload ${i}`, true);
    }
  });

  it('renders every payload as inert, isolated text in the broadcast banner: content and sender', async function () {
    this.timeout(60_000);
    const el = await fixture<BroadcastBanner>(html`<broadcast-banner style="width: 320px; display: block" .client=${viewer}></broadcast-banner>`);
    // Two harmless broadcasts first: the banner's own icons (megaphone, pager) are the baseline.
    for (const n of [1, 2]) await fetch(`/__natter/broadcast?content=baseline-${n}`);
    await waitUntil(() => part(el, 'content')?.textContent?.trim() === 'baseline-2', 'the baseline broadcasts should show');
    await el.updateComplete;
    const baseline = census(el);
    for (const [i, payload] of CORPUS.entries()) {
      const content = payload.slice(0, 2000);
      const query = new URLSearchParams({ content, from: payload.slice(0, 60) });
      const res = await fetch(`/__natter/broadcast?${query}`);
      expect(res.ok, `broadcast ${i} refused: ${res.status}`).to.equal(true);
      await waitUntil(() => part(el, 'content')?.textContent?.trim() === content.trim(), `broadcast ${i} should show`);
      await el.updateComplete;
      await imageBarrier();
      expect(window.__natterXss, `broadcast ${i} executed`).to.equal(undefined);
      expectInert(el, baseline);
      tally.bidiChecked += expectBidiIsolated(el);
      expect(el.scrollWidth, `broadcast ${i} widens the banner`).to.be.at.most(el.clientWidth + 1);
      const banner = part(el, 'broadcast')!;
      expect(banner.getBoundingClientRect().right).to.be.at.most(el.getBoundingClientRect().right + 1);
      tally.broadcasts++;
    }
  });

  it('renders every payload as inert, isolated text in the muted composer: the reason of a mute', async function () {
    this.timeout(60_000);
    const el = await fixture<MessageComposer>(html`<message-composer style="width: 320px; display: block" .client=${viewer} conversation="p2p:nobody"></message-composer>`);
    await fetch(`/__natter/mute?${new URLSearchParams({ user: viewerId, reason: 'baseline' })}`);
    await waitUntil(() => part(el, 'mute-reason')?.textContent === '(baseline)', 'the baseline reason should show');
    const baseline = census(el);
    for (const [i, payload] of CORPUS.entries()) {
      const reason = payload.slice(0, 500);
      const res = await fetch(`/__natter/mute?${new URLSearchParams({ user: viewerId, reason })}`);
      expect(res.ok, `mute ${i} refused: ${res.status}`).to.equal(true);
      await waitUntil(() => part(el, 'mute-reason')?.textContent === `(${reason})`, `reason ${i} should show`);
      await imageBarrier();
      expect(window.__natterXss, `reason ${i} executed`).to.equal(undefined);
      expectInert(el, baseline);
      tally.bidiChecked += expectBidiIsolated(el);
      expect(el.scrollWidth, `reason ${i} widens the composer`).to.be.at.most(el.clientWidth + 1);
    }
    await fetch(`/__natter/mute?${new URLSearchParams({ user: viewerId, lift: '1' })}`);
  });

  it('renders every payload as inert text where group mutes show: the site\'s member-muted notices and the owner\'s muted rows', async function () {
    this.timeout(60_000);
    const ids: string[] = [];
    for (const payload of CORPUS) {
      const id = uniqueUser('x');
      await connect(id, payload.slice(0, 1000));
      ids.push(id);
      tally.names++;
    }
    const group = await (await viewer.groups()).createGroup({ name: 'Muted names', members: ids });
    for (const id of ids) {
      const res = await fetch(`/__natter/mute?${new URLSearchParams({ user: id, groupId: group.slice(6), site: '1', until: String(Date.now() + 3_600_000) })}`);
      expect(res.ok, `mute of ${id}: ${res.status}`).to.equal(true);
    }
    const thread = await fixture<ChatThread>(html`<chat-thread style="height: 500px; width: 360px; display: flex" .client=${viewer} conversation=${group}></chat-thread>`);
    const baseline = census(thread);
    // Every notice arrives: the longest name's English text is cut to the protocol's bound by the server.
    const told = () => viewer.messages(group).get().filter((m) => m.elem.type === 'system' && m.elem.event === 'member-muted').length;
    await waitUntil(() => told() === ids.length, 'every mute is told');
    await waitUntil(() => parts(thread, 'system').some((e) => / was muted until /.test(e.textContent!)), 'the notices show');
    const panel = await fixture<GroupPanel>(html`<group-panel .client=${viewer}></group-panel>`);
    await panel.show(group);
    await waitUntil(() => parts(panel, 'muted').length === ids.length, 'every muted member is marked');
    await expectNamesInert(thread, baseline);
    for (const row of parts(panel, 'member')) expect(row.querySelector(FORBIDDEN), row.textContent!.slice(0, 40)).to.equal(null);
    const list = part(panel, 'members')!;
    expect(list.scrollWidth, 'no name widens the member list').to.be.at.most(list.clientWidth + 1);
    expect(parts(panel, 'unmute-button').length).to.equal(ids.length);
  });

  it('renders a group notice naming many people, named with every payload, as inert text ending in "and N others", in any language', async function () {
    this.timeout(60_000);
    const ids: string[] = [];
    // Every payload, then four 1,000-byte names: more than a notice carries, so the server counts the rest.
    for (const name of [...CORPUS.map((p) => p.slice(0, 1000)), ...Array.from({ length: 4 }, () => 'Ω'.repeat(500))]) {
      const id = uniqueUser('x');
      await connect(id, name);
      ids.push(id);
      tally.names++;
    }
    const groups = await viewer.groups();
    const group = await groups.createGroup({ name: 'Many names', members: [] });
    await groups.changeGroup(group.slice(6), { kind: 'invite', userIds: ids });
    const thread = await fixture<ChatThread>(html`<chat-thread style="height: 500px; width: 360px; display: flex" .client=${viewer} conversation=${group}></chat-thread>`);
    const baseline = census(thread);
    const joined = () => parts(thread, 'system').find((e) => e.textContent!.trim().startsWith('You added '));
    await waitUntil(joined, 'the notice shows');
    const notice = viewer.messages(group).get().find((m) => m.elem.type === 'system' && m.elem.event === 'member-joined')!.elem;
    const more = notice.type === 'system' ? notice.moreTargets! : 0;
    expect(more, 'the server left some out').to.be.at.least(2);
    expect(joined()!.textContent!.trim()).to.match(new RegExp(`, and ${more} others\\.$`));
    await expectNamesInert(thread, baseline);
    try {
      document.documentElement.lang = 'ru';
      await setLocale('ru');
      await waitUntil(() => parts(thread, 'system').some((e) => e.textContent!.includes(` и ещё ${more}`)), 'worded in Russian: "… и ещё N"');
    } finally {
      document.documentElement.lang = 'en';
      await setLocale('');
    }
  });

  it('renders every payload as inert, isolated text in search results: snippets and sender names', async () => {
    for (const [i, payload] of CORPUS.entries()) {
      const id = uniqueUser('s');
      const sender = await connect(id, payload.slice(0, 1000));
      await sender.send(`p2p:${viewerId}`, `qzxneedle ${payload}`);
      tally.messages++;
      // Every other one answered: the viewer's own result names its conversation (the hostile name);
      // the sender's names only the sender (their 1:1 chat is not named twice).
      if (i % 2 === 1) {
        await viewer.send(`p2p:${id}`, `qzxneedle ${payload}`);
        tally.messages++;
      }
    }
    const el = await fixture<ChatSearch>(html`<chat-search style="width: 320px; display: block" .client=${viewer}></chat-search>`);
    const baseline = census(el);
    const input = part<HTMLInputElement>(el, 'input')!;
    input.value = 'QZXNEEDLE';
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await waitUntil(() => parts(el, 'result').length === 20, 'a page of results should show');
    await el.updateComplete;
    await imageBarrier();
    expect(window.__natterXss).to.equal(undefined);
    expectInert(el, baseline);
    // A snippet is one message's text split around its marks: its controls may reorder that text
    // (as in the thread's bubble) but never the name, conversation or time beside it.
    let named = 0;
    for (const r of parts(el, 'result')) {
      const own = r.querySelector('[part~="result-sender"]')!.textContent === 'You';
      named += own ? 1 : 0;
      expect(r.querySelector('[part~="result-conversation"]') !== null, 'a conversation name on one\'s own results only').to.equal(own);
      for (const p of ['snippet', 'result-sender', ...(own ? ['result-conversation'] : [])]) expect(r.querySelector(`[part~="${p}"]`)!.localName, p).to.equal('bdi');
      tally.bidiChecked++;
      expect(r.querySelector('[part~="snippet"]')!.textContent!.startsWith('qzxneedle ')).to.equal(true);
      expect(r.querySelector('[part~="match"]')!.textContent).to.equal('qzxneedle');
    }
    expect(named, 'own results among the page').to.be.at.least(5);
    expect(el.scrollWidth, 'a payload widens the results').to.be.at.most(el.clientWidth + 1);
  });

  it("renders every payload as inert, isolated text as group names and notices: the conversation list, the thread's created, renamed and notice lines, and the group panel", async function () {
    this.timeout(90_000);
    /** The payload cut to a protocol bound (UTF-8 bytes), whole code points only. */
    const cut = (text: string, bytes: number) => {
      let out = '';
      for (const ch of text) {
        if (new TextEncoder().encode(out + ch).length > bytes) break;
        out += ch;
      }
      return out;
    };
    // Other users make the groups and name them: the viewer is a plain member (no settings form).
    // Three group frames a payload: a new maker every 15 stays under the 60 a minute of `groups`.
    let groups = await (await connect(uniqueUser('maker'), 'Maker')).groups();
    const made: string[] = [];
    for (const [n, payload] of CORPUS.entries()) {
      if (n > 0 && n % 15 === 0) groups = await (await connect(uniqueUser('maker'), 'Maker')).groups();
      const id = await groups.createGroup({ name: cut(payload, GROUP_LIMITS.nameBytes), members: [viewerId] });
      await groups.changeGroup(id.slice(6), { kind: 'rename', name: cut(`2 ${payload}`, GROUP_LIMITS.nameBytes) });
      await groups.changeGroup(id.slice(6), { kind: 'notice', notice: cut(payload, GROUP_LIMITS.noticeBytes) });
      made.push(id);
      tally.names += 2;
    }
    const list = await fixture<ConversationList>(html`<conversation-list style="width: 320px; display: block" .client=${viewer}></conversation-list>`);
    await waitUntil(() => parts(list, 'item').length === CORPUS.length, 'every group should be listed');
    await list.updateComplete;
    await imageBarrier();
    expect(window.__natterXss).to.equal(undefined);
    expectInert(list, new Map());
    tally.bidiChecked += expectBidiIsolated(list);
    expect(parts(list, 'list')[0]!.scrollWidth, 'a group name widens the list').to.be.at.most(parts(list, 'list')[0]!.clientWidth + 1);
    const thread = await fixture<ChatThread>(html`<chat-thread style="height: 500px; width: 360px; display: flex" .client=${viewer} conversation=${made[0]!}></chat-thread>`);
    const panel = await fixture<GroupPanel>(html`<group-panel .client=${viewer}></group-panel>`);
    const threadBaseline = census(thread);
    let panelBaseline: Map<string, number> | undefined;
    for (const [i, id] of made.entries()) {
      thread.conversation = id;
      await thread.updateComplete;
      // Created, renamed, notice updated: three lines, the names in the first two.
      await waitUntil(() => parts(thread, 'system').length >= 3, `the group's notices show (${CORPUS[i]!.slice(0, 30)})`);
      await expectNamesInert(thread, threadBaseline);
      await panel.show(id);
      await waitUntil(() => part(panel, 'notice')?.textContent?.trim() === cut(CORPUS[i]!, GROUP_LIMITS.noticeBytes).trim(), 'the notice shows in the panel');
      panelBaseline ??= census(panel);
      await imageBarrier();
      expect(window.__natterXss).to.equal(undefined);
      expectInert(panel, panelBaseline);
      tally.bidiChecked += expectBidiIsolated(panel);
      panel.close();
    }
  });

  it('renders every payload as inert, isolated text in the conversation list: names and previews', async () => {
    const groupless: string[] = [];
    for (const payload of CORPUS) {
      const id = uniqueUser('y');
      const sender = await connect(id, payload.slice(0, 1000));
      await sender.send(`p2p:${viewerId}`, payload);
      groupless.push(id);
      tally.names++;
    }
    const el = await fixture<ConversationList>(html`<conversation-list style="width: 320px; display: block" .client=${viewer}></conversation-list>`);
    await waitUntil(() => parts(el, 'item').length === CORPUS.length, 'every conversation should be listed');
    await el.updateComplete;
    await imageBarrier();
    expect(window.__natterXss).to.equal(undefined);
    expectInert(el, new Map());
    tally.bidiChecked += expectBidiIsolated(el);
    const list = parts(el, 'list')[0]!;
    expect(list.scrollWidth, 'a payload widens the list').to.be.at.most(list.clientWidth + 1);
    for (const item of parts(el, 'item')) expect(item.getBoundingClientRect().right).to.be.at.most(el.getBoundingClientRect().right + 1);
  });

  it("renders every payload as inert, isolated text in the widget's 1:1 header: the peer's name on the profile button", async function () {
    const peers: string[] = [];
    for (const payload of CORPUS) {
      const id = uniqueUser('h');
      const sender = await connect(id, payload.slice(0, 1000));
      await sender.send(`p2p:${viewerId}`, 'hi');
      peers.push(id);
      tally.names++;
    }
    const widget = await fixture<HTMLElement & { openConversation(id: string): void }>(html`<chat-widget open .client=${viewer}></chat-widget>`);
    await waitUntil(() => widget.shadowRoot!.querySelector('conversation-list'), 'the panel should render');
    for (const id of peers) {
      widget.openConversation(`p2p:${id}`);
      const button = () => widget.shadowRoot!.querySelector<HTMLElement>('[part~="profile-button"]');
      await waitUntil(() => widget.shadowRoot!.querySelector('chat-thread')?.conversation === `p2p:${id}` && button(), 'the header should name the peer');
      await (widget as unknown as { updateComplete: Promise<unknown> }).updateComplete;
      // The name alone, isolated in a <bdi>: no element injected, no attribute with a handler.
      const bdi = button()!.querySelector('bdi')!;
      expect(button()!.querySelectorAll('*').length).to.equal(1);
      expect(bdi.textContent).to.equal(button()!.textContent);
      expect(bdi.textContent!.length).to.be.greaterThan(0);
      for (const attr of button()!.getAttributeNames()) expect(attr.startsWith('on'), attr).to.equal(false);
      tally.bidiChecked++;
    }
    await imageBarrier();
    expect(window.__natterXss).to.equal(undefined);
    const header = widget.shadowRoot!.querySelector<HTMLElement>('[part~="thread-header"]')!;
    expect(header.scrollWidth, 'a name widens the header').to.be.at.most(header.clientWidth + 1);
  });

  it('renders every payload as inert, isolated text in the contacts view: friends, requests received and their notes', async () => {
    const empty = await fixture<ContactsView>(html`<contacts-view .client=${viewer}></contacts-view>`);
    await empty.show();
    await waitUntil(() => part(empty, 'friends'), 'the friends section should load');
    const baseline = census(empty);
    empty.close();
    const senders: string[] = [];
    for (const payload of CORPUS) {
      const id = uniqueUser('f');
      const sender = await connect(id, payload.slice(0, 1000));
      // A note is at most 512 bytes: the payloads' first 120 characters.
      await (await sender.friends()).add(viewerId, payload.slice(0, 120));
      senders.push(id);
      tally.names++;
    }
    const friends = await viewer.friends();
    await friends.load();
    // Half become friends, the others stay requests with their notes.
    for (const id of senders.filter((_, i) => i % 2 === 0)) await friends.accept(id);
    const el = await fixture<ContactsView>(html`<contacts-view style="display: block" .client=${viewer}></contacts-view>`);
    await el.show();
    await waitUntil(() => parts(el, 'friend').length === Math.ceil(CORPUS.length / 2) && parts(el, 'request').length === Math.floor(CORPUS.length / 2), 'friends and requests should show');
    await el.updateComplete;
    await imageBarrier();
    expect(window.__natterXss).to.equal(undefined);
    expectInert(el, baseline);
    tally.bidiChecked += expectBidiIsolated(el);
    const dialog = part(el, 'dialog')!;
    expect(dialog.scrollWidth, 'a payload widens the view').to.be.at.most(dialog.clientWidth + 1);
    el.close();
  });
});
