/**
 * Hostile content in real Chromium: an XSS and layout corpus sent through the real server as
 * message text, as sender names (token claims, also shown in the typing row), as custom message
 * data (through a registered renderer) and description, as file names, location descriptions and
 * sticker keys, as merged forwards (title, forwarded senders and texts), as quoted excerpts, edited text, recall lines, who reacted and the pinned bar (reaction keys with markup are
 * refused), as friends' names and friend request notes (the contacts view), as a 1:1 peer's name
 * on `<chat-widget>`'s profile button, rendered by every element that shows them (chat-thread,
 * conversation-list, contacts-view, chat-widget).
 * Nothing executes, no element is injected, bidi overrides stay isolated, and a very long word
 * does not widen the thread. Broadcasts (text and sender label) go through the real admin API to
 * `<broadcast-banner>`. A mute's reason (the site's or a group admin's words) goes to `<message-composer>`'s notice;
 * members muted by the site, named with every payload, to the group's notices and `<group-panel>`'s muted rows.
 * A group notice naming more people than it carries (every payload, then long names) ends in "and N others", inert in English and Russian.
 * Group names and group notices (group.create, group.change rename and notice) go to the conversation list, the
 * thread's system lines and `<group-panel>`'s title and notice.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import type { BroadcastBanner } from '../../src/elements/broadcast-banner.js';
import type { ChatSession } from '../../src/elements/chat-session.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ConversationList } from '../../src/elements/conversation-list.js';
import type { ContactsView } from '../../src/elements/people/contacts-view.js';
import type { MessageComposer } from '../../src/elements/message-composer.js';
import type { GroupPanel } from '../../src/elements/groups/group-panel.js';
import type { ChatSearch } from '../../src/elements/search/chat-search.js';
import { defineChatSearch } from '../../src/elements/search/chat-search.js';
import type { Elem } from '../../src/protocol/elems.js';
import { decodeServerFrame } from '../../src/protocol/codec.js';
import { GROUP_LIMITS } from '../../src/protocol/group-frames.js';
import { setLocale } from '../../src/elements/i18n/localize.js';
import { describeElemText } from '../../src/elements/i18n/elems.js';
import { closeClients, connect, mediaDrawn, part, parts, uniqueUser } from './helpers.js';

declare global {
  interface Window {
    __natterXss?: number;
  }
}

const FLAG = 'window.__natterXss=1';
const LONG_WORD = 'W'.repeat(4000);
const CORPUS = [
  `<script>${FLAG}</script>`,
  `<img src=x onerror="${FLAG}">`,
  `<svg onload="${FLAG}"><circle r=10 /></svg>`,
  `<svg><script>${FLAG}</script></svg>`,
  `<a href="javascript:${FLAG}">click</a>`,
  `javascript:${FLAG}`,
  `<iframe srcdoc="<script>parent.${FLAG}</script>"></iframe>`,
  `"><img src=x onerror=${FLAG}>`,
  `'><svg/onload=${FLAG}>`,
  `<details open ontoggle="${FLAG}">`,
  `<style>*{display:none}</style><b>bold`,
  `<math><mtext><table><mglyph><style><img src=x onerror=${FLAG}>`,
  `<!--<img src=x onerror=${FLAG}>-->`,
  `<div style="position:fixed;inset:0;background:red">overlay</div>`,
  '${alert(1)} {{constructor.constructor("' + FLAG + '")()}}',
  `[x](javascript:${FLAG}) data:text/html,<script>${FLAG}</script>`,
  'evil\u202Egnp.exe (right-to-left override, never closed)',
  '\u2067isolate opened, never closed',
  'zero\u200Bwidth\u200Djoiner\uFEFFbom\u2060and\u00ADshy',
  `https://example.com/${'a'.repeat(300)}`,
  LONG_WORD,
];
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
/** Elements no payload may create inside our shadow roots. */
const FORBIDDEN = 'script, img, svg, iframe, object, embed, style, link, meta, form, input, details, math, video, audio, base';

/** Fires when a broken image of the page's own origin has failed: any injected one would have too. */
function imageBarrier(): Promise<void> {
  return new Promise((resolve) => {
    const img = new Image();
    img.onerror = () => resolve();
    img.src = `/x-barrier-${Math.random()}`;
  });
}

/** Every shadow root inside `el` (ours nest: thread → menus, dialogs). */
function shadowRoots(el: Element): ShadowRoot[] {
  const roots: ShadowRoot[] = [];
  const visit = (root: ShadowRoot) => {
    roots.push(root);
    for (const child of root.querySelectorAll('*')) if (child.shadowRoot) visit(child.shadowRoot);
  };
  if (el.shadowRoot) visit(el.shadowRoot);
  return roots;
}

/** Asserts no injected element, no inline handler, no script URL in any of `el`'s shadow roots. */
function expectInert(el: Element, baseline: Map<string, number>): void {
  for (const root of shadowRoots(el)) {
    for (const node of root.querySelectorAll('*')) {
      for (const attr of node.getAttributeNames()) {
        expect(attr.startsWith('on'), `${node.localName}[${attr}]`).to.equal(false);
        // Text-only attributes (a chip's title naming who reacted, accessible names) hold any text.
        if (attr === 'title' || attr.startsWith('aria-')) continue;
        expect(/^\s*(javascript|data|vbscript):/i.test(node.getAttribute(attr)!), `${node.localName}[${attr}]`).to.equal(false);
      }
    }
    for (const tag of FORBIDDEN.split(', ')) {
      const count = root.querySelectorAll(tag).length;
      expect(count, `<${tag}> in ${root.host.localName}`).to.be.at.most(baseline.get(tag) ?? 0);
    }
  }
}

function census(el: Element): Map<string, number> {
  const counts = new Map<string, number>();
  for (const root of shadowRoots(el)) {
    for (const tag of FORBIDDEN.split(', ')) counts.set(tag, (counts.get(tag) ?? 0) + root.querySelectorAll(tag).length);
  }
  return counts;
}

function isolates(el: Element): boolean {
  const style = getComputedStyle(el);
  return el.localName === 'bdi' || ['isolate', 'isolate-override', 'plaintext'].includes(style.unicodeBidi) || style.display !== 'inline';
}

/**
 * A bidi control can only reorder text that shares its isolation scope. Every text node that
 * holds one must sit in a scope (a <bdi>, `unicode-bidi: isolate`, or a block) holding nothing else.
 */
function expectBidiIsolated(el: Element): number {
  let checked = 0;
  for (const root of shadowRoots(el)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!BIDI.test(node.nodeValue ?? '')) continue;
      // Screen-reader-only copies are clipped to a pixel: nothing visible can be reordered.
      if (node.parentElement!.getBoundingClientRect().width <= 1) continue;
      let scope: Element = node.parentElement!;
      while (!isolates(scope) && scope.parentElement) scope = scope.parentElement;
      expect(isolates(scope), `"${node.nodeValue}" is not isolated`).to.equal(true);
      expect(scope.textContent!.trim(), `<${scope.localName} part="${scope.getAttribute('part')}"> shares its bidi scope`).to.equal(node.nodeValue!.trim());
      checked++;
    }
  }
  return checked;
}

describe('hostile content', () => {
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
    const log = parts(thread, 'log')[0]!;
    expect(log.scrollWidth, 'no name widens the thread').to.be.at.most(log.clientWidth + 1);
  }

  after(() => console.log(`# hostile content: ${tally.payloads} payloads, ${tally.messages} messages and ${tally.names} names and ${tally.broadcasts} broadcasts rendered, ${tally.bidiChecked} bidi scopes checked`));

  beforeEach(async () => {
    viewerId = uniqueUser('viewer');
    viewer = await connect(viewerId, 'Viewer');
  });
  afterEach(closeClients);

  it("refuses a server frame of merged forwards nested 5,000 levels deep in the browser's decoder (BAD_FRAME, no stack overflow)", () => {
    // The server no longer sends one; a hostile or broken server must not crash the page's client either.
    const deep = '{"type":"merger","messages":[{"elem":'.repeat(5000) + '1' + '}]}'.repeat(5000);
    const raw = `{"type":"message.new","message":{"id":"m0","conversationId":"p2p:bob","seq":1,"clientMsgId":"cmid00000000","sender":"bob","senderProfile":{},"time":1,"elem":${deep}}}`;
    const decoded = decodeServerFrame(raw);
    expect(decoded.ok).to.equal(false);
    expect(!decoded.ok && decoded.error.name).to.equal('BAD_FRAME');
  });

  it('renders every payload as inert text in the thread: as text, as custom data and description, and as the sender name', async () => {
    // One sender per payload, named with it (the name comes from the token's claims).
    const senders: string[] = [];
    for (const payload of CORPUS) {
      const id = uniqueUser('x');
      const sender = await connect(id, payload.slice(0, 1000));
      senders.push(id);
      await sender.send(`p2p:${viewerId}`, payload);
      await sender.send(`p2p:${viewerId}`, { type: 'custom', data: payload, description: payload.slice(0, 1000) });
      tally.messages += 2;
      tally.names++;
    }
    for (const [i, id] of senders.entries()) {
      const el = await fixture<ChatThread>(html`<chat-thread style="height: 500px; width: 360px; display: flex" .client=${viewer} conversation=${`p2p:${id}`}></chat-thread>`);
      const baseline = census(el);
      await waitUntil(() => parts(el, 'bubble').length === 2, `both messages of payload ${i} should show`, { timeout: 5000 });
      await el.updateComplete;
      await imageBarrier();
      expect(window.__natterXss, `payload ${i} executed`).to.equal(undefined);
      expectInert(el, baseline);
      const [textBubble, customBubble] = parts(el, 'bubble');
      expect(textBubble!.textContent!.trim()).to.equal(CORPUS[i]!.trim());
      expect(customBubble!.textContent!.trim()).to.equal(CORPUS[i]!.slice(0, 1000).trim());
      expect(parts(el, 'sender')[0]?.textContent?.trim()).to.equal(CORPUS[i]!.slice(0, 1000).trim());
      tally.bidiChecked += expectBidiIsolated(el);
      // No payload widens the thread: the log never scrolls sideways and bubbles stay inside it.
      const log = parts(el, 'log')[0]!;
      expect(log.scrollWidth, `payload ${i} widens the thread`).to.be.at.most(log.clientWidth + 1);
      for (const bubble of parts(el, 'bubble')) {
        expect(bubble.getBoundingClientRect().right).to.be.at.most(el.getBoundingClientRect().right + 1);
      }
    }
  });

  it('renders every payload as inert text in changes: quoted excerpts and names, edited text, recall lines; refuses hostile reaction keys', async function () {
    this.timeout(60_000);
    for (const [i, payload] of CORPUS.entries()) {
      const id = uniqueUser('x');
      const name = payload.slice(0, 1000);
      const sender = await connect(id, name);
      const toViewer = `p2p:${viewerId}` as const;
      const quoted = await sender.send(toViewer, payload);
      const plain = await sender.send(toViewer, 'plain');
      const gone = await sender.send(toViewer, 'gone');
      await sender.edit(toViewer, plain.id, payload);
      await sender.recall(toViewer, gone.id);
      // A reaction key is one emoji (or a :shortcode:): markup and bidi controls are refused.
      const refused = await sender.react(toViewer, quoted.id, `👍${payload.slice(0, 20)}`, true).then(() => false, () => true);
      expect(refused, `reaction key of payload ${i} should be refused`).to.equal(true);
      // A valid reaction and a pin: the hostile name shows in who reacted and in the pinned bar.
      await sender.react(toViewer, quoted.id, '👍', true);
      await sender.pin(toViewer, quoted.id, true);
      await waitUntil(() => viewer.messages(`p2p:${id}`).get().length >= 3, `payload ${i} should reach the viewer`, { timeout: 5000 });
      await viewer.reply(`p2p:${id}`, quoted.id, 're');
      tally.messages += 4;

      const el = await fixture<ChatThread>(html`<chat-thread style="height: 500px; width: 360px; display: flex" .client=${viewer} conversation=${`p2p:${id}`}></chat-thread>`);
      const baseline = census(el);
      await waitUntil(() => part(el, 'reply-quote') && part(el, 'edited') && el.shadowRoot!.querySelector('[part~="recalled"]') && part(el, 'pinned-sender') && part(el, 'reactors-button'), `the changes of payload ${i} should show`, { timeout: 5000 });
      part<HTMLButtonElement>(el, 'reactors-button')!.click();
      await waitUntil(() => part(el, 'reactor'), `who reacted for payload ${i}`, { timeout: 5000 });
      await el.updateComplete;
      await imageBarrier();
      expect(window.__natterXss, `payload ${i} executed`).to.equal(undefined);
      expectInert(el, baseline);
      const excerpt = viewer.messages(`p2p:${id}`).get().find((m) => m.replyTo)!.replyTo!.excerpt;
      expect(part(el, 'reply-quote-excerpt')!.textContent!.trim()).to.equal(excerpt.trim());
      expect(part(el, 'reply-quote-sender')!.textContent!.trim()).to.equal(name.trim());
      expect(part(el, 'edited')!.closest('[part~="message"]')!.querySelector('[part~="bubble"]')!.textContent!.trim()).to.equal(payload.trim());
      expect(el.shadowRoot!.querySelector('[part~="message"][part~="recalled"]')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal(`${name} recalled a message`.replace(/\s+/g, ' ').trim());
      expect(parts(el, 'reaction').map((c) => c.querySelector('.reaction-emoji')!.textContent), 'no chip of a refused key').to.deep.equal(['👍']);
      expect(part(el, 'reactor')!.textContent!.trim()).to.equal(name.trim());
      expect(part(el, 'pinned-sender')!.textContent!.trim()).to.equal(`${name.trim()}:`);
      tally.bidiChecked += expectBidiIsolated(el);
      const log = parts(el, 'log')[0]!;
      expect(log.scrollWidth, `payload ${i} widens the thread`).to.be.at.most(log.clientWidth + 1);
    }
  });

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
      await waitUntil(() => parts(el, 'bubble').length === elems.length, `the rich messages of payload ${i} should show`, { timeout: 5000 });
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
      expect(part(el, 'typing')!.textContent!.trim()).to.equal(`${short} is typing…`);
      tally.bidiChecked += expectBidiIsolated(el);
      const log = parts(el, 'log')[0]!;
      expect(log.scrollWidth, `payload ${i} widens the thread`).to.be.at.most(log.clientWidth + 1);
      for (const bubble of parts(el, 'bubble')) {
        expect(bubble.getBoundingClientRect().right, `a bubble of payload ${i} overflows`).to.be.at.most(el.getBoundingClientRect().right + 1);
      }
    }
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
      await waitUntil(() => part(el, 'merger-title'), `the merged forward of payload ${i} should show`, { timeout: 5000 });
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
      const log = parts(el, 'log')[0]!;
      expect(log.scrollWidth, `payload ${i} widens the thread`).to.be.at.most(log.clientWidth + 1);
      for (const bubble of parts(el, 'bubble')) {
        expect(bubble.getBoundingClientRect().right, `a bubble of payload ${i} overflows`).to.be.at.most(el.getBoundingClientRect().right + 1);
      }
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
      await waitUntil(() => part(el, 'content')?.textContent?.trim() === content.trim(), `broadcast ${i} should show`, { timeout: 5000 });
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
      await waitUntil(() => part(el, 'mute-reason')?.textContent === `(${reason})`, `reason ${i} should show`, { timeout: 5000 });
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
    await waitUntil(() => told() === ids.length, 'every mute is told', { timeout: 10_000 });
    await waitUntil(() => parts(thread, 'system').some((e) => / was muted until /.test(e.textContent!)), 'the notices show');
    const panel = await fixture<GroupPanel>(html`<group-panel .client=${viewer}></group-panel>`);
    await panel.show(group);
    await waitUntil(() => parts(panel, 'muted').length === ids.length, 'every muted member is marked', { timeout: 10_000 });
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
    const joined = () => parts(thread, 'system').find((e) => e.textContent!.trim().startsWith('Viewer added '));
    await waitUntil(joined, 'the notice shows', { timeout: 10_000 });
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
    for (const payload of CORPUS) {
      const sender = await connect(uniqueUser('s'), payload.slice(0, 1000));
      await sender.send(`p2p:${viewerId}`, `qzxneedle ${payload}`);
      tally.messages++;
    }
    const el = await fixture<ChatSearch>(html`<chat-search style="width: 320px; display: block" .client=${viewer}></chat-search>`);
    const baseline = census(el);
    const input = part<HTMLInputElement>(el, 'input')!;
    input.value = 'QZXNEEDLE';
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await waitUntil(() => parts(el, 'result').length === 20, 'a page of results should show', { timeout: 10_000 });
    await el.updateComplete;
    await imageBarrier();
    expect(window.__natterXss).to.equal(undefined);
    expectInert(el, baseline);
    // A snippet is one message's text split around its marks: its controls may reorder that text
    // (as in the thread's bubble) but never the name, conversation or time beside it.
    for (const r of parts(el, 'result')) {
      for (const p of ['snippet', 'result-sender', 'result-conversation']) expect(r.querySelector(`[part~="${p}"]`)!.localName, p).to.equal('bdi');
      tally.bidiChecked++;
      expect(r.querySelector('[part~="snippet"]')!.textContent!.startsWith('qzxneedle ')).to.equal(true);
      expect(r.querySelector('[part~="match"]')!.textContent).to.equal('qzxneedle');
    }
    expect(el.scrollWidth, 'a payload widens the results').to.be.at.most(el.clientWidth + 1);
  });

  it('renders hostile formatting inert: script links, HTML inside markers, unclosed and deeply nested markers', async () => {
    const MARKDOWN = [
      `[click](javascript:${FLAG})`,
      `[click](JaVaScRiPt:${FLAG}) [x](data:text/html,<script>${FLAG}</script>) [y](vbscript:x)`,
      `**<img src=x onerror="${FLAG}">** _<svg onload="${FLAG}">_`,
      `\`<script>${FLAG}</script>\``,
      `\`\`\`html\n<iframe srcdoc="<script>parent.${FLAG}</script>"></iframe>\n\`\`\``,
      `> <details open ontoggle="${FLAG}">\n> **quoted`,
      `- [a](https://example.com/"onmouseover="${FLAG})\n- <b>item</b>`,
      '**unclosed *italic ~~strike `code [link](https://e.com',
      '*'.repeat(200) + 'deep' + '*'.repeat(200),
      '>'.repeat(300) + ' deep quote',
      '[' .repeat(500) + 'x](https://example.com)' + ')'.repeat(500),
      `[**x**](https://e.com) [[nested](https://a.b)](https://c.d) [\`${FLAG}\`](https://e.com)`,
    ];
    const senderId = uniqueUser('md');
    const sender = await connect(senderId, 'Formatter');
    for (const payload of MARKDOWN) await sender.send(`p2p:${viewerId}`, payload);
    tally.messages += MARKDOWN.length;
    const el = await fixture<ChatThread>(html`<chat-thread style="height: 2000px; width: 480px; display: flex" .client=${viewer} conversation=${`p2p:${senderId}`}></chat-thread>`);
    const baseline = census(el);
    await waitUntil(() => parts(el, 'bubble').length === MARKDOWN.length, 'every formatted payload should show', { timeout: 5000 });
    await waitUntil(() => el.shadowRoot!.querySelector('strong, em, blockquote'), 'the formatter should render');
    await el.updateComplete;
    await imageBarrier();
    expect(window.__natterXss).to.equal(undefined);
    expectInert(el, baseline);
    for (const a of el.shadowRoot!.querySelectorAll('a')) expect(a.protocol, a.href).to.match(/^(https?|mailto):$/);
    const bubbles = parts(el, 'bubble');
    // Script links stay text, with their words.
    expect(bubbles[0]!.querySelector('a')).to.equal(null);
    expect(bubbles[0]!.textContent!.trim()).to.equal(MARKDOWN[0]);
    expect(bubbles[1]!.querySelector('a')).to.equal(null);
    // Markup inside markers and code is text.
    expect(bubbles[2]!.querySelector('strong')!.textContent).to.equal(`<img src=x onerror="${FLAG}">`);
    expect(bubbles[4]!.querySelector('pre code')!.textContent).to.contain('<iframe srcdoc=');
    // Nesting is bounded: no element deeper than a few levels of formatting inside a bubble.
    for (const bubble of bubbles) {
      let deepest = 0;
      for (const node of bubble.querySelectorAll('*')) {
        let depth = 0;
        for (let up: Element | null = node; up && up !== bubble; up = up.parentElement) depth++;
        deepest = Math.max(deepest, depth);
      }
      expect(deepest, bubble.textContent!.slice(0, 40)).to.be.at.most(12);
    }
    const log = parts(el, 'log')[0]!;
    expect(log.scrollWidth).to.be.at.most(log.clientWidth + 1);
  });

  it('renders hostile link preview titles (from the page) as inert text in the card', async () => {
    const senderId = uniqueUser('og');
    const sender = await connect(senderId, 'Linker');
    const payloads = CORPUS.slice(0, 12);
    for (const payload of payloads) {
      const page = `${location.origin}/__natter/og-page?title=${encodeURIComponent(payload)}`;
      const preview = await sender.linkPreview(page);
      await sender.send(`p2p:${viewerId}`, { type: 'text', text: `see ${page}`, preview });
    }
    tally.messages += payloads.length;
    const el = await fixture<ChatThread>(html`<chat-thread style="height: 2400px; width: 480px; display: flex" .client=${viewer} conversation=${`p2p:${senderId}`}></chat-thread>`);
    const baseline = census(el);
    await waitUntil(() => parts(el, 'link-preview-title').length === payloads.length, 'every card should show', { timeout: 5000 });
    await imageBarrier();
    expect(window.__natterXss).to.equal(undefined);
    expectInert(el, baseline);
    const titles = parts(el, 'link-preview-title').map((t) => t.textContent);
    expect(titles).to.deep.equal(payloads.map((p) => p.replace(/\s+/g, ' ').trim().slice(0, 300)));
  });

  it('renders hostile preview titles that arrive with an edit, and their proxied pictures, as inert text and server images', async () => {
    const senderId = uniqueUser('og-edit');
    const sender = await connect(senderId, 'Editor');
    const payloads = CORPUS.slice(12, 20);
    const conversation = `p2p:${viewerId}` as const;
    for (const payload of payloads) {
      const sent = await sender.send(conversation, 'a link follows');
      const page = `${location.origin}/__natter/og-page?image=1&title=${encodeURIComponent(payload)}`;
      const preview = await sender.linkPreview(page);
      await sender.edit(conversation, sent.id, `see ${page}`, { preview });
    }
    tally.messages += payloads.length;
    const el = await fixture<ChatThread>(html`<chat-thread style="height: 2400px; width: 480px; display: flex" .client=${viewer} conversation=${`p2p:${senderId}`}></chat-thread>`);
    const baseline = census(el);
    const cardsBefore = parts(el, 'link-preview-image').length;
    await waitUntil(() => parts(el, 'link-preview-title').length === payloads.length && parts(el, 'edited').length === payloads.length, 'every edited card should show', { timeout: 10_000 });
    await imageBarrier();
    expect(window.__natterXss).to.equal(undefined);
    // The cards' own pictures are the only <img> added (each checked below to come from the chat server).
    expectInert(el, new Map([...baseline, ['img', (baseline.get('img') ?? 0) - cardsBefore + parts(el, 'link-preview-image').length]]));
    // As the server cleans a title: one line, at most 300 characters (the last an ellipsis).
    const clipped = (p: string) => {
      const chars = [...p.replace(/\s+/g, ' ').trim()];
      return chars.length > 300 ? `${chars.slice(0, 299).join('')}…` : chars.join('');
    };
    expect(parts(el, 'link-preview-title').map((t) => t.textContent)).to.deep.equal(payloads.map(clipped));
    const server = new URL(viewer.fileUrl('/v1/previews/images/x')).origin;
    for (const img of parts<HTMLImageElement>(el, 'link-preview-image')) expect(img.src.startsWith(`${server}/v1/previews/images/`), img.src).to.equal(true);
    expect(parts(el, 'link-preview-image')).to.have.length(payloads.length);
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
    await waitUntil(() => parts(list, 'item').length === CORPUS.length, 'every group should be listed', { timeout: 10_000 });
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
      await waitUntil(() => parts(thread, 'system').length >= 3, `the group's notices show (${CORPUS[i]!.slice(0, 30)})`, { timeout: 10_000 });
      await expectNamesInert(thread, threadBaseline);
      await panel.show(id);
      await waitUntil(() => part(panel, 'notice')?.textContent?.trim() === cut(CORPUS[i]!, GROUP_LIMITS.noticeBytes).trim(), 'the notice shows in the panel', { timeout: 10_000 });
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
    await waitUntil(() => parts(el, 'item').length === CORPUS.length, 'every conversation should be listed', { timeout: 10_000 });
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
    this.timeout(30_000);
    const peers: string[] = [];
    for (const payload of CORPUS) {
      const id = uniqueUser('h');
      const sender = await connect(id, payload.slice(0, 1000));
      await sender.send(`p2p:${viewerId}`, 'hi');
      peers.push(id);
      tally.names++;
    }
    const widget = await fixture<HTMLElement & { openConversation(id: string): void }>(html`<chat-widget open .client=${viewer}></chat-widget>`);
    await waitUntil(() => widget.shadowRoot!.querySelector('conversation-list'), 'the panel should render', { timeout: 10_000 });
    for (const id of peers) {
      widget.openConversation(`p2p:${id}`);
      const button = () => widget.shadowRoot!.querySelector<HTMLElement>('[part~="profile-button"]');
      await waitUntil(() => widget.shadowRoot!.querySelector('chat-thread')?.conversation === `p2p:${id}` && button(), 'the header should name the peer', { timeout: 10_000 });
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
    await waitUntil(() => parts(el, 'friend').length === Math.ceil(CORPUS.length / 2) && parts(el, 'request').length === Math.floor(CORPUS.length / 2), 'friends and requests should show', { timeout: 10_000 });
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
