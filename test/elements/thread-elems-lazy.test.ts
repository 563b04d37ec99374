/**
 * The thread's pictures, players and file and location cards are drawn by a module fetched with
 * the first such message (`thread/elems/media-elems.ts`). In a fresh page that has not fetched it
 * ahead (a connection that saves data), such messages arriving first show a box of the size they
 * will take, named for screen readers, and then themselves once the module is in, each once, the
 * row's height unchanged.
 */
import './save-data.js';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import type { Elem } from '../../src/protocol/elems.js';
import { closeClients, connectPair, parts } from './helpers.js';

const picture = (w: number, h: number) => `${location.origin}/__natter/picture.svg?w=${w}&h=${h}&hue=30`;

describe('chat-thread media elems, loaded with the first such message', () => {
  afterEach(closeClients);

  it('shows a same-sized, named placeholder for each until its renderer is in, then draws it once', async () => {
    const { aliceId, bobId, alice } = await connectPair();
    const elems: Elem[] = [
      { type: 'image', url: picture(400, 200), width: 400, height: 200, size: 1000, mime: 'image/svg+xml' },
      { type: 'sound', url: `${location.origin}/__natter/none.ogg`, size: 4000, duration: 65, mime: 'audio/ogg' },
      { type: 'video', url: `${location.origin}/__natter/none.mp4`, size: 9000, duration: 12, mime: 'video/mp4', snapshot: { url: picture(320, 180), width: 320, height: 180 } },
      { type: 'file', url: `${location.origin}/__natter/none.pdf`, name: 'report.pdf', size: 1_536_000, mime: 'application/pdf' },
      { type: 'location', description: 'Harbour', latitude: 48.8584, longitude: 2.2945 },
    ];
    for (const elem of elems) {
      const res = await fetch(`/__natter/send?json=${encodeURIComponent(JSON.stringify({ from: bobId, to: aliceId, elem }))}`);
      expect(res.ok, await res.text()).to.equal(true);
    }
    // All five held before the thread renders: one that came after the module would rightly be drawn at once.
    await waitUntil(() => alice.messages(`p2p:${bobId}`).get().length === elems.length, 'alice should hold the five messages');

    // Each placeholder's bubble height and name, read after every render that shows it, in the same
    // task as that render (so the renderer's module cannot have arrived in between).
    const shown = new Map<string, { height: number; label: string | null }>();
    const el = document.createElement('chat-thread') as ChatThread;
    el.addController({
      hostUpdated: () => {
        for (const box of el.renderRoot.querySelectorAll<HTMLElement>('[role="img"][aria-busy="true"]')) {
          const key = box.closest('[data-key]')!.getAttribute('data-key')!;
          shown.set(key, { height: box.closest('[part~="bubble"]')!.getBoundingClientRect().height, label: box.getAttribute('aria-label') });
        }
      },
    });
    el.client = alice;
    el.conversation = `p2p:${bobId}`;
    el.style.cssText = 'height: 1200px; width: 480px; display: flex';
    const wrapper = await fixture<HTMLElement>(html`<div></div>`);
    wrapper.append(el);

    const drawn = ['image', 'audio', 'video', 'file', 'location'];
    await waitUntil(() => drawn.every((name) => parts(el, name).length === 1) && !el.renderRoot.querySelector('[aria-busy="true"][role="img"]'), 'every elem should be drawn');
    expect(shown.size, 'a placeholder for each of the five').to.equal(elems.length);
    for (const [key, before] of shown) {
      expect(before.label, `placeholder ${key} named`).to.be.a('string').and.not.equal('');
      const bubble = el.renderRoot.querySelector(`[data-key="${CSS.escape(key)}"] [part~="bubble"]`)!;
      expect(bubble.getBoundingClientRect().height, `row ${key} keeps its height`).to.be.closeTo(before.height, 1);
    }
  });
});
