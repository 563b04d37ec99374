/**
 * `<media-viewer>` opened from `<chat-thread>` in real Chromium, with messages committed by the
 * real server: the conversation's pictures and videos in a modal dialog, by mouse and keyboard.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { MediaViewer } from '../../src/elements/media-viewer.js';
import type { Elem } from '../../src/protocol/elems.js';
import { axeViolations } from './a11y-helpers.js';
import { closeClients, connectPair, mediaDrawn, part, parts, type Pair } from './helpers.js';

async function adminSend(input: { from: string; to: string; elem: Elem }): Promise<void> {
  const res = await fetch(`/__natter/send?json=${encodeURIComponent(JSON.stringify(input))}`);
  if (!res.ok) throw new Error(`send route: ${res.status} ${await res.text()}`);
}
const picture = (w: number, h: number, hue: number) => `${location.origin}/__natter/picture.svg?w=${w}&h=${h}&hue=${hue}`;

describe('media viewer', () => {
  let { aliceId, bobId, alice } = {} as Pair;

  beforeEach(async () => {
    ({ aliceId, bobId, alice } = await connectPair());
  });
  afterEach(closeClients);

  async function threadWithMedia(): Promise<ChatThread> {
    const elems: Elem[] = [
      { type: 'image', url: picture(800, 600, 10), width: 800, height: 600, size: 1000, mime: 'image/svg+xml' },
      { type: 'text', text: 'between' },
      { type: 'image', url: picture(600, 900, 120), width: 600, height: 900, size: 1000, mime: 'image/svg+xml' },
      { type: 'video', url: 'https://media.example/v.mp4', size: 1, duration: 30, mime: 'video/mp4', snapshot: { url: picture(320, 180, 250), width: 320, height: 180 } },
    ];
    for (const elem of elems) await adminSend({ from: bobId, to: aliceId, elem });
    const el = await fixture<ChatThread>(html`<chat-thread style="height: 900px; width: 480px; display: flex" .client=${alice} conversation=${`p2p:${bobId}`}></chat-thread>`);
    await waitUntil(() => parts(el, 'bubble').length === elems.length, 'every message should show');
    // The pictures' links come with the media renderer, a chunk of its own that may still be on its
    // way when the bubbles show (a loaded run found no link to click): wait for the links themselves.
    await mediaDrawn(el);
    await waitUntil(() => parts(el, 'image-link').length >= 2, 'both pictures should be drawn as links');
    return el;
  }

  const viewerOf = (el: ChatThread) => el.shadowRoot!.querySelector<MediaViewer>('media-viewer');
  const shown = (v: MediaViewer) => part<HTMLImageElement>(v, 'image')?.getAttribute('src') ?? part<HTMLVideoElement>(v, 'video')?.getAttribute('src');

  it('opens at the clicked picture, moves by arrow keys, zooms, downloads, and gives focus back on Escape', async () => {
    const el = await threadWithMedia();
    const links = parts<HTMLAnchorElement>(el, 'image-link');
    links[1]!.click();
    await waitUntil(() => viewerOf(el) && part<HTMLDialogElement>(viewerOf(el)!, 'dialog')?.open, 'the viewer should open');
    const v = viewerOf(el)!;
    expect(shown(v)).to.contain('hue=120');
    expect(part(v, 'counter')!.textContent).to.equal('2 of 3');
    expect(v.shadowRoot!.activeElement).to.equal(part(v, 'close-button'));

    await sendKeys({ press: 'ArrowLeft' });
    await v.updateComplete;
    expect(shown(v)).to.contain('hue=10');
    expect(part<HTMLButtonElement>(v, 'previous-button')!.disabled).to.equal(true);
    await sendKeys({ press: 'End' });
    await v.updateComplete;
    expect(part<HTMLVideoElement>(v, 'video')!.getAttribute('src')).to.equal('https://media.example/v.mp4');
    expect(part(v, 'zoom-in-button')).to.equal(null);
    await sendKeys({ press: 'Home' });
    await v.updateComplete;

    const img = part<HTMLImageElement>(v, 'image')!;
    const before = img.getBoundingClientRect().width;
    await sendKeys({ press: '+' });
    await sendKeys({ press: '+' });
    await v.updateComplete;
    expect(img.getBoundingClientRect().width).to.be.greaterThan(before * 1.4);
    expect(part<HTMLButtonElement>(v, 'zoom-out-button')!.disabled).to.equal(false);
    await sendKeys({ press: '-' });
    await sendKeys({ press: '-' });
    await v.updateComplete;
    expect(Math.round(img.getBoundingClientRect().width)).to.equal(Math.round(before));

    const download = part<HTMLAnchorElement>(v, 'download-link')!;
    expect(download.hasAttribute('download')).to.equal(true);
    expect(download.href).to.contain('hue=10');
    expect(await axeViolations(part(v, 'dialog')!)).to.deep.equal([]);

    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !part<HTMLDialogElement>(v, 'dialog')!.open, 'Escape should close the viewer');
    expect(el.shadowRoot!.activeElement).to.equal(links[1]);
  });

  it('works from the keyboard alone: Enter on a picture opens it, the video has an expand button', async () => {
    const el = await threadWithMedia();
    const first = parts<HTMLAnchorElement>(el, 'image-link')[0]!;
    first.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => viewerOf(el) && part<HTMLDialogElement>(viewerOf(el)!, 'dialog')?.open, 'Enter should open the viewer');
    const v = viewerOf(el)!;
    expect(part(v, 'counter')!.textContent).to.equal('1 of 3');
    await sendKeys({ press: 'ArrowRight' });
    await v.updateComplete;
    expect(part(v, 'counter')!.textContent).to.equal('2 of 3');
    // Shift+Tab from the close button walks back through the controls to the previous button.
    for (let i = 0; i < 8 && v.shadowRoot!.activeElement !== part(v, 'previous-button'); i++) await sendKeys({ press: 'Shift+Tab' });
    await sendKeys({ press: 'Enter' });
    await v.updateComplete;
    expect(part(v, 'counter')!.textContent).to.equal('1 of 3');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !part<HTMLDialogElement>(v, 'dialog')!.open, 'the viewer should close');
    expect(el.shadowRoot!.activeElement).to.equal(first);

    const expand = part<HTMLButtonElement>(el, 'expand-button')!;
    expand.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => part<HTMLDialogElement>(v, 'dialog')!.open, 'the expand button should open the viewer');
    expect(part(v, 'counter')!.textContent).to.equal('3 of 3');
    expect(part(v, 'video')).not.to.equal(null);
    part<HTMLButtonElement>(v, 'close-button')!.click();
    await waitUntil(() => !part<HTMLDialogElement>(v, 'dialog')!.open, 'close should close the viewer');
    expect(el.shadowRoot!.activeElement).to.equal(expand);
  });

  it('leaves Ctrl+click to the link (a new tab) and opens nothing', async () => {
    const el = await threadWithMedia();
    const link = parts<HTMLAnchorElement>(el, 'image-link')[0]!;
    let prevented: boolean | undefined;
    link.addEventListener('click', (e) => { prevented = e.defaultPrevented; e.preventDefault(); }, { once: true });
    link.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true, ctrlKey: true }));
    expect(prevented).to.equal(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(viewerOf(el)).to.equal(null);
  });
});
