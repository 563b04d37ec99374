/**
 * Every elem type in `<chat-thread>`, in real Chromium against the real server: messages are
 * committed by the server (admin send through the test runner's `/__natter/send` route, which
 * takes any elem) and delivered to a real client.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { html as litHtml } from 'lit';
import '../../src/elements/define.js';
import type { ChatClient, ChatMessage } from '../../src/client/types.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { ChatSession } from '../../src/elements/chat-session.js';
import { localeReady } from '../../src/elements/i18n/localize.js';
import type { CustomElem, Elem } from '../../src/protocol/elems.js';
import type { SendOptions } from '../../src/protocol/message.js';
import { axeViolations } from './a11y-helpers.js';
import { closeClients, connectPair, mediaDrawn, part, parts, uniqueUser, type Pair, plain } from './helpers.js';

/** Sends any elem as `from` (admin send: no friendship needed), to a user or a group. */
async function adminSend(input: { from: string; to?: string; groupId?: string; elem: Elem; options?: SendOptions }): Promise<void> {
  const res = await fetch(`/__natter/send?json=${encodeURIComponent(JSON.stringify(input))}`);
  if (!res.ok) throw new Error(`send route: ${res.status} ${await res.text()}`);
}

const picture = (w: number, h: number, hue = 210) => `${location.origin}/__natter/picture.svg?w=${w}&h=${h}&hue=${hue}`;

/** A custom element a host page could register to draw a custom type. */
class TestPollCard extends HTMLElement {
  elem: CustomElem | undefined;
  message: ChatMessage | undefined;
  connectedCallback(): void {
    this.textContent = `poll: ${this.elem?.data ?? '?'} by ${this.message?.sender ?? '?'}`;
  }
}
if (!customElements.get('test-poll-card')) customElements.define('test-poll-card', TestPollCard);

describe('chat-thread elems', () => {
  let { aliceId, bobId, alice } = {} as Pair;

  beforeEach(async () => {
    ({ aliceId, bobId, alice } = await connectPair());
  });

  afterEach(closeClients);

  async function showFromBob(elems: Elem[], options?: SendOptions, lang = 'en'): Promise<ChatThread> {
    for (const elem of elems) await adminSend({ from: bobId, to: aliceId, elem, ...(options ? { options } : {}) });
    const wrapper = await fixture<HTMLElement>(
      html`<div lang=${lang}><chat-thread style="height: 600px; width: 480px; display: flex" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread></div>`,
    );
    const el = wrapper.querySelector('chat-thread')!;
    await waitUntil(() => parts(el, 'bubble').length === elems.length, 'every message should show');
    await mediaDrawn(el);
    await localeReady();
    await el.updateComplete;
    return el;
  }

  it('shows an image sized before it loads: width/height from the elem, lazy, no referrer, capped, opening the full image', async () => {
    const url = picture(2000, 1000);
    const el = await showFromBob([{ type: 'image', url, width: 2000, height: 1000, size: 12_345, mime: 'image/svg+xml' }]);
    const img = part<HTMLImageElement>(el, 'image')!;
    expect(img.getAttribute('width')).to.equal('2000');
    expect(img.getAttribute('height')).to.equal('1000');
    expect(img.getAttribute('loading')).to.equal('lazy');
    expect(img.getAttribute('referrerpolicy')).to.equal('no-referrer');
    expect(img.getAttribute('src')).to.equal(alice.fileUrl(url));
    expect(img.alt).to.equal('Image');
    const link = part<HTMLAnchorElement>(el, 'image-link')!;
    expect(link.getAttribute('href')).to.equal(alice.fileUrl(url));
    expect(link.target).to.equal('_blank');
    expect(link.rel).to.equal('noopener noreferrer');

    // Capped at 16rem wide, aspect ratio kept — already before the picture loaded.
    const before = img.getBoundingClientRect();
    expect(before.width).to.be.at.most(256.5);
    expect(before.width).to.be.greaterThan(100);
    expect(before.width / before.height).to.be.closeTo(2, 0.02);
    const row = img.closest('[data-row]')!.getBoundingClientRect().height;
    await waitUntil(() => img.complete && img.naturalWidth > 0, 'the picture should load');
    const after = img.getBoundingClientRect();
    expect(after.width).to.be.closeTo(before.width, 0.5);
    expect(after.height).to.be.closeTo(before.height, 0.5);
    expect(img.closest('[data-row]')!.getBoundingClientRect().height).to.be.closeTo(row, 0.5);
  });

  it('gives an image and a video of unknown size (sent offline, unprobed) the full media box, not a few pixels', async () => {
    const el = await showFromBob([
      { type: 'image', url: picture(800, 600), width: 0, height: 0, size: 999, mime: 'image/svg+xml' },
      { type: 'video', url: 'https://media.example/unprobed.mp4', size: 9000, duration: 3, mime: 'video/mp4' },
    ]);
    const img = part<HTMLImageElement>(el, 'image')!.getBoundingClientRect();
    // The box's width (16rem), in the fallback's 4:3: the picture is not drawn 4 × 3 px.
    expect(img.width).to.be.closeTo(256, 0.5);
    expect(img.width / img.height).to.be.closeTo(4 / 3, 0.02);
    const video = part<HTMLVideoElement>(el, 'video')!.getBoundingClientRect();
    expect(video.width).to.be.closeTo(256, 0.5);
    expect(video.width / video.height).to.be.closeTo(16 / 9, 0.02);
  });

  it('shows the thumbnail of an image when there is one, never larger than the picture itself', async () => {
    const el = await showFromBob([
      { type: 'image', url: picture(120, 90), width: 120, height: 90, size: 999, mime: 'image/png', thumbnail: { url: picture(60, 45, 20), width: 60, height: 45 } },
    ]);
    const img = part<HTMLImageElement>(el, 'image')!;
    expect(img.getAttribute('src')).to.equal(alice.fileUrl(picture(60, 45, 20)));
    expect(part<HTMLAnchorElement>(el, 'image-link')!.getAttribute('href')).to.equal(alice.fileUrl(picture(120, 90)));
    expect(img.getBoundingClientRect().width).to.be.closeTo(120, 0.5);
    expect(img.getBoundingClientRect().height).to.be.closeTo(90, 0.5);
  });

  it('plays sound with the native player, loading only metadata; the player shows the length, the label says it', async () => {
    const url = 'https://media.example/voice.ogg';
    const el = await showFromBob([{ type: 'sound', url, size: 4000, duration: 65, mime: 'audio/ogg' }]);
    const audio = part<HTMLAudioElement>(el, 'audio')!;
    expect(audio.localName).to.equal('audio');
    expect(audio.controls).to.equal(true);
    expect(audio.getAttribute('preload')).to.equal('metadata');
    expect(audio.getAttribute('src')).to.equal(alice.fileUrl(url));
    expect(part(el, 'duration'), 'no second copy of the length beside the player').to.equal(null);
    expect(audio.getAttribute('aria-label')).to.equal('Voice message, 1:05');
  });

  it('plays video with the native player, the snapshot as poster and its size known', async () => {
    const url = 'https://media.example/clip.mp4';
    const snapshot = picture(640, 360, 120);
    const el = await showFromBob([{ type: 'video', url, size: 9000, duration: 3723, mime: 'video/mp4', snapshot: { url: snapshot, width: 640, height: 360 } }]);
    const video = part<HTMLVideoElement>(el, 'video')!;
    expect(video.controls).to.equal(true);
    expect(video.getAttribute('preload')).to.equal('metadata');
    expect(video.getAttribute('src')).to.equal(alice.fileUrl(url));
    expect(video.getAttribute('poster')).to.equal(alice.fileUrl(snapshot));
    expect(video.getAttribute('width')).to.equal('640');
    expect(video.getAttribute('height')).to.equal('360');
    const box = video.getBoundingClientRect();
    expect(box.width / box.height).to.be.closeTo(16 / 9, 0.02);
    expect(part(el, 'duration')!.textContent).to.equal('1:02:03');
  });

  it('shows a file card: name, size in the reader’s locale, and a download link', async () => {
    const url = 'https://files.example/report.pdf';
    const el = await showFromBob([{ type: 'file', url, name: 'Quarterly report.pdf', size: 1_536_000, mime: 'application/pdf' }]);
    expect(part(el, 'file-name')!.textContent).to.equal('Quarterly report.pdf');
    expect(part(el, 'file-size')!.textContent).to.equal(new Intl.NumberFormat('en', { style: 'unit', unit: 'megabyte', unitDisplay: 'short', maximumFractionDigits: 1 }).format(1.536));
    expect(part(el, 'file-icon')!.textContent).to.equal('PDF');
    const link = part<HTMLAnchorElement>(el, 'download-link')!;
    expect(link.getAttribute('href')).to.equal(alice.fileUrl(url));
    expect(link.getAttribute('download')).to.equal('Quarterly report.pdf');
    expect(link.rel).to.equal('noopener noreferrer');
    expect(part(el, 'file')!.getAttribute('aria-label')).to.equal(`File Quarterly report.pdf, ${part(el, 'file-size')!.textContent}`);
  });

  it('spells out a size under a kilobyte in plural-aware words: "18 bytes", not CLDR’s short "18 byte"', async () => {
    const el = await showFromBob([
      { type: 'file', url: 'https://files.example/note.txt', name: 'note.txt', size: 18, mime: 'text/plain' },
      { type: 'file', url: 'https://files.example/one.txt', name: 'one.txt', size: 1, mime: 'text/plain' },
    ]);
    expect(parts(el, 'file-size').map((p) => p.textContent)).to.deep.equal(['18 bytes', '1 byte']);
  });

  it('formats a file size and says Download in Chinese under lang="zh-CN"', async () => {
    const el = await showFromBob([{ type: 'file', url: 'https://files.example/a.zip', name: 'a.zip', size: 2048, mime: 'application/zip' }], undefined, 'zh-CN');
    expect(part(el, 'file-size')!.textContent).to.equal(new Intl.NumberFormat('zh-CN', { style: 'unit', unit: 'kilobyte', unitDisplay: 'short', maximumFractionDigits: 1 }).format(2.048));
    expect(part(el, 'download-link')!.textContent).to.equal('下载');
  });

  it('shows a location card linking to OpenStreetMap in a new tab, without referrer', async () => {
    const el = await showFromBob([{ type: 'location', description: 'Eiffel Tower', latitude: 48.8584, longitude: 2.2945 }]);
    const card = part<HTMLAnchorElement>(el, 'location')!;
    expect(card.localName).to.equal('a');
    const href = new URL(card.href);
    expect(href.origin).to.equal('https://www.openstreetmap.org');
    expect(href.searchParams.get('mlat')).to.equal('48.858400');
    expect(href.searchParams.get('mlon')).to.equal('2.294500');
    expect(card.target).to.equal('_blank');
    expect(card.rel).to.equal('noopener noreferrer');
    expect(part(el, 'location-description')!.textContent).to.equal('Eiffel Tower');
    expect(part(el, 'location-coordinates')!.textContent).to.equal('48.85840° N, 2.29450° E');
  });

  it('shows an emoji face large, and a sticker key from the session’s stickers as its picture', async () => {
    await adminSend({ from: bobId, to: aliceId, elem: { type: 'face', index: 0, data: '🎉' } });
    await adminSend({ from: bobId, to: aliceId, elem: { type: 'face', index: 3, data: 'cat-wave' } });
    await adminSend({ from: bobId, to: aliceId, elem: { type: 'face', index: 4, data: 'not-a-sticker' } });
    const sticker = picture(128, 128, 40);
    const session = await fixture<ChatSession>(
      html`<chat-session .client=${alice} .stickers=${{ 'cat-wave': sticker }}>
        <chat-thread style="height: 500px; display: flex" conversation=${`p2p:${bobId}`}></chat-thread>
      </chat-session>`,
    );
    const el = session.querySelector('chat-thread')!;
    await waitUntil(() => parts(el, 'bubble').length === 3, 'the faces should show');
    await el.updateComplete;
    const emoji = part(el, 'emoji')!;
    expect(emoji.textContent).to.equal('🎉');
    expect(parseFloat(getComputedStyle(emoji).fontSize)).to.be.at.least(40);
    const img = part<HTMLImageElement>(el, 'sticker')!;
    expect(img.getAttribute('src')).to.equal(alice.fileUrl(sticker));
    expect(img.getAttribute('referrerpolicy')).to.equal('no-referrer');
    expect(part(el, 'sticker-fallback')!.textContent).to.equal('[Sticker] not-a-sticker');

    // The composer's form works too (`[{ key, url, label }]`), and a new set reaches the thread.
    session.stickers = [{ key: 'not-a-sticker', url: picture(96, 96, 300), label: 'Party parrot' }];
    await waitUntil(() => part<HTMLImageElement>(el, 'sticker')?.alt === 'Party parrot', 'the new sticker set should apply');
    expect(part(el, 'sticker-fallback')!.textContent).to.equal('[Sticker] cat-wave');
  });

  it('draws custom elems with a registered function or element, and falls back to the description', async () => {
    const unregister = alice.registerRenderer('vote', (elem, message) => litHtml`<strong class="vote">vote ${elem.data} from ${message.senderProfile.name}</strong>`);
    alice.registerRenderer('poll', 'test-poll-card');
    const el = await showFromBob([
      { type: 'custom', customType: 'vote', data: 'yes' },
      { type: 'custom', customType: 'poll', data: 'lunch?' },
      { type: 'custom', customType: 'mystery', data: '{}', description: 'A mystery card' },
      { type: 'custom', customType: 'mystery', data: '{}' },
    ]);
    const [vote, poll, described, bare] = parts(el, 'bubble');
    expect(vote!.querySelector('[part~="custom"] strong.vote')!.textContent).to.equal('vote yes from Bob');
    const card = poll!.querySelector('test-poll-card') as TestPollCard;
    expect(card.elem?.data).to.equal('lunch?');
    expect(card.message?.sender).to.equal(bobId);
    expect(card.textContent).to.equal(`poll: lunch? by ${bobId}`);
    expect(described!.querySelector('[part~="custom-fallback"]')!.textContent).to.equal('A mystery card');
    expect(bare!.textContent!.trim()).to.equal('[custom message]');

    // Registering after the messages showed redraws them; unregistering falls back again.
    alice.registerRenderer('mystery', () => 'solved');
    await waitUntil(() => parts(el, 'bubble')[3]!.textContent!.trim() === 'solved', 'a late renderer should redraw');
    unregister();
    await waitUntil(() => parts(el, 'bubble')[0]!.textContent!.trim() === '[custom message]', 'unregistering should fall back');
  });

  it('keeps drawing the thread when a custom renderer throws', async () => {
    alice.registerRenderer('broken', () => {
      throw new Error('boom');
    });
    const el = await showFromBob([{ type: 'custom', customType: 'broken', data: 'x', description: 'Broken card' }, { type: 'text', text: 'still here' }]);
    expect(parts(el, 'bubble').map((b) => b.textContent!.trim())).to.deep.equal(['Broken card', 'still here']);
  });

  it('centres system notifications with no action menu and leaves them out of multi-select', async () => {
    const groupId = uniqueUser('g');
    const res = await fetch(`/__natter/group?id=${groupId}&members=${aliceId},${bobId}&name=Team`);
    expect(res.ok).to.equal(true);
    await adminSend({ from: bobId, groupId, elem: { type: 'text', text: 'hello team' } });
    const el = await fixture<ChatThread>(html`<chat-thread style="height: 500px; display: flex" .client=${alice} conversation=${`group:${groupId}`}></chat-thread>`);
    await waitUntil(() => parts(el, 'message').length === 2, 'the notification and the message should show');
    await el.updateComplete;
    const system = part(el, 'system')!;
    expect(plain(system.textContent).trim()).to.equal('Group "Team" was created.');
    expect(getComputedStyle(system).justifyContent).to.equal('center');
    expect(system.querySelector('[part~="actions-button"]')).to.equal(null);
    const bubble = system.querySelector<HTMLElement>('[part~="bubble"]')!;
    const logBox = part(el, 'log')!.getBoundingClientRect();
    const box = bubble.getBoundingClientRect();
    expect(Math.abs(box.left - logBox.left - (logBox.right - box.right))).to.be.lessThan(24);

    // Select mode: only the text message gets a checkbox.
    part<HTMLButtonElement>(el, 'actions-button')!.click();
    await waitUntil(() => part(el, 'select'), 'the menu should open');
    part<HTMLButtonElement>(el, 'select')!.click();
    await waitUntil(() => part(el, 'selection-bar'), 'select mode should start');
    expect(parts(el, 'select-checkbox')).to.have.length(1);
    expect(system.querySelector('[part~="select-checkbox"]')).to.equal(null);
  });

  it('describes call events', async () => {
    const el = await showFromBob([
      { type: 'call', media: 'video', action: 'ended', duration: 125 },
      { type: 'call', media: 'audio', action: 'missed' },
    ]);
    expect(parts(el, 'call').map((c) => c.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal(['🎥 Video call ended · 2:05', '📞 Voice call missed']);
  });

  it('links http, https and mailto in text, never other schemes', async () => {
    const el = await showFromBob([{ type: 'text', text: 'write mailto:bob@example.com or see https://example.com/x and javascript:alert(1) data:text/html,hi mailto:nobody' }]);
    const links = [...part(el, 'bubble')!.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(links).to.deep.equal(['mailto:bob@example.com', 'https://example.com/x']);
    for (const a of parts<HTMLAnchorElement>(el, 'link')) expect(a.rel).to.equal('noopener noreferrer');
  });

  it('highlights a message that @mentions me and styles the @name tokens', async () => {
    const groupId = uniqueUser('g');
    await fetch(`/__natter/group?id=${groupId}&members=${aliceId},${bobId}&name=Team`);
    await adminSend({ from: bobId, groupId, elem: { type: 'text', text: '@Alice can you check? cc email@example.com' }, options: { groupAtUserList: [aliceId] } });
    await adminSend({ from: bobId, groupId, elem: { type: 'text', text: '@all lunch!' }, options: { groupAtUserList: ['@all'] } });
    await adminSend({ from: bobId, groupId, elem: { type: 'text', text: 'no @mention here' } });
    const el = await fixture<ChatThread>(html`<chat-thread style="height: 500px; display: flex" .client=${alice} conversation=${`group:${groupId}`}></chat-thread>`);
    await waitUntil(() => parts(el, 'message').length === 4, 'the messages should show');
    await waitUntil(() => parts(el, 'mention').length === 2, 'the mention tokens should be styled');
    const [, mine, all, none] = parts(el, 'message');
    expect(mine!.part.contains('mentioned')).to.equal(true);
    expect(all!.part.contains('mentioned')).to.equal(true);
    expect(none!.part.contains('mentioned')).to.equal(false);
    expect(parts(el, 'mention').map((m) => m.textContent)).to.deep.equal(['@Alice', '@all']);
    expect(mine!.querySelector('[part~="bubble"]')!.textContent).to.equal('@Alice can you check? cc email@example.com');
    expect(mine!.textContent).to.contain('Mentions you');
  });

  it('passes axe with every elem type, in light and dark', async function () {
    const groupId = uniqueUser('g');
    await fetch(`/__natter/group?id=${groupId}&members=${aliceId},${bobId}&name=Team`);
    const group = `group:${groupId}` as const;
    const elems: Elem[] = [
      { type: 'text', text: '@Alice see https://example.com' },
      { type: 'image', url: picture(800, 600), width: 800, height: 600, size: 1, mime: 'image/svg+xml' },
      { type: 'sound', url: 'https://media.example/a.ogg', size: 1, duration: 12 },
      { type: 'video', url: 'https://media.example/v.mp4', size: 1, duration: 30, mime: 'video/mp4', snapshot: { url: picture(320, 180), width: 320, height: 180 } },
      { type: 'file', url: 'https://files.example/a.pdf', name: 'a.pdf', size: 1234, mime: 'application/pdf' },
      { type: 'location', description: 'Office', latitude: 1, longitude: 2 },
      { type: 'face', index: 0, data: '👍' },
      { type: 'face', index: 1, data: 'wave' },
      { type: 'custom', customType: 'nope', data: '', description: 'A card' },
      { type: 'call', media: 'audio', action: 'missed' },
    ];
    for (const elem of elems) await adminSend({ from: bobId, groupId, elem, options: { groupAtUserList: [aliceId] } });
    await alice.send(group, 'read this', { needReadReceipt: true });
    for (const theme of ['light', 'dark'] as const) {
      const session = await fixture<ChatSession>(
        html`<chat-session theme=${theme} .client=${alice} .stickers=${{ wave: picture(64, 64) }}
          ><chat-thread style="height: 2400px; display: flex" conversation=${group}></chat-thread
        ></chat-session>`,
      );
      const el = session.querySelector('chat-thread')!;
      await waitUntil(() => parts(el, 'message').length === elems.length + 2, `every message should show (${theme})`);
      await waitUntil(() => part(el, 'receipts-button'), 'the receipt should show');
      part<HTMLButtonElement>(el, 'receipts-button')!.click();
      await waitUntil(() => part(el, 'receipts'), 'the reader list should open');
      const violations = await axeViolations(session);
      expect(violations, `${theme}: ${JSON.stringify(violations, null, 2)}`).to.deep.equal([]);
    }
  });
});
