/**
 * Hostile content in real Chromium, in text messages: an XSS and layout corpus (hostile-helpers.ts)
 * sent through the real server as message text, as sender names (token claims), as custom message
 * data (through a registered renderer) and description, as quoted excerpts, edited text, recall
 * lines, who reacted and the pinned bar (reaction keys with markup are refused), as formatting
 * and as link preview titles, rendered by `<chat-thread>`. Nothing executes, no element is
 * injected, bidi overrides stay isolated, and a very long word does not widen the thread. Rich
 * messages, merged forwards and the other places names and text show:
 * hostile-content-views.test.ts.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { decodeServerFrame } from '../../src/protocol/codec.js';
import { closeClients, connect, part, parts, uniqueUser } from './helpers.js';
import { FLAG, CORPUS, imageBarrier, expectInert, census, expectBidiIsolated, expectThreadFits } from './hostile-helpers.js';

describe('hostile content', () => {
  let viewerId: string;
  let viewer: ChatClient;
  const tally = { payloads: CORPUS.length, messages: 0, names: 0, bidiChecked: 0 };

  before(() => {
    window.__natterXss = undefined;
  });
  after(() => console.log(`# hostile content in messages: ${tally.payloads} payloads, ${tally.messages} messages and ${tally.names} names rendered, ${tally.bidiChecked} bidi scopes checked`));

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

  it('renders every payload as inert text in the thread: as text, as custom data and description, and as the sender name', async function () {
    this.timeout(60_000);
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
      await waitUntil(() => parts(el, 'bubble').length === 2, `both messages of payload ${i} should show`);
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
      expectThreadFits(el, `payload ${i}`, true);
    }
  });

  it('drops a sender name holding control characters (a token claim the server ignores, on every store alike) and renders message text holding them as sent', async function () {
    const id = uniqueUser('ctl');
    const sender = await connect(id, 'Mal\u0000lory\u001b[2J\u0007');
    const body = 'nul\u0000 bell\u0007 esc\u001b[31m red';
    await sender.send(`p2p:${viewerId}`, body);
    const el = await fixture<ChatThread>(html`<chat-thread style="height: 500px; width: 360px; display: flex" .client=${viewer} conversation=${`p2p:${id}`}></chat-thread>`);
    const baseline = census(el);
    await waitUntil(() => parts(el, 'bubble').length === 1, 'the message should show');
    await el.updateComplete;
    expectInert(el, baseline);
    expect(parts(el, 'bubble')[0]!.textContent).to.contain(body);
    const shown = parts(el, 'sender')[0]?.textContent ?? '';
    expect(shown, 'no control character in the sender shown').not.to.match(/[\u0000-\u001f]/);
    expect(shown).not.to.contain('lory');
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
      await waitUntil(() => viewer.messages(`p2p:${id}`).get().length >= 3, `payload ${i} should reach the viewer`);
      await viewer.reply(`p2p:${id}`, quoted.id, 're');
      tally.messages += 4;

      const el = await fixture<ChatThread>(html`<chat-thread style="height: 500px; width: 360px; display: flex" .client=${viewer} conversation=${`p2p:${id}`}></chat-thread>`);
      const baseline = census(el);
      await waitUntil(() => part(el, 'reply-quote') && part(el, 'edited') && el.shadowRoot!.querySelector('[part~="recalled"]') && part(el, 'pinned-sender') && part(el, 'reactors-button'), `the changes of payload ${i} should show`);
      part<HTMLButtonElement>(el, 'reactors-button')!.click();
      await waitUntil(() => part(el, 'reactor'), `who reacted for payload ${i}`);
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
      expectThreadFits(el, `payload ${i}`);
    }
  });

  it("renders every payload as inert text when the site's moderator edits a message to it (admin REST edit, sender system) and pins it", async function () {
    this.timeout(60_000);
    for (const [i, payload] of CORPUS.entries()) {
      const id = uniqueUser('mod');
      const sender = await connect(id, 'Sender');
      const plain = await sender.send(`p2p:${viewerId}`, 'plain');
      const res = await fetch(`/__natter/moderate?json=${encodeURIComponent(JSON.stringify({ messageId: plain.id, users: [id, viewerId], text: payload, pin: true }))}`);
      expect(res.status, `the moderator's edit to payload ${i} should apply`).to.equal(200);
      tally.messages++;
      const el = await fixture<ChatThread>(html`<chat-thread style="height: 500px; width: 360px; display: flex" .client=${viewer} conversation=${`p2p:${id}`}></chat-thread>`);
      const baseline = census(el);
      await waitUntil(() => part(el, 'edited') && part(el, 'pinned-sender'), `the moderated payload ${i} should show edited and pinned`);
      await el.updateComplete;
      await imageBarrier();
      expect(window.__natterXss, `moderated payload ${i} executed`).to.equal(undefined);
      expectInert(el, baseline);
      expect(part(el, 'edited')!.closest('[part~="message"]')!.querySelector('[part~="bubble"]')!.textContent!.trim()).to.equal(payload.trim());
      tally.bidiChecked += expectBidiIsolated(el);
      expectThreadFits(el, `moderated payload ${i}`);
    }
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
    await waitUntil(() => parts(el, 'bubble').length === MARKDOWN.length, 'every formatted payload should show');
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
    await waitUntil(() => parts(el, 'link-preview-title').length === payloads.length, 'every card should show');
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
    await waitUntil(() => parts(el, 'link-preview-title').length === payloads.length && parts(el, 'edited').length === payloads.length, 'every edited card should show');
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

});
