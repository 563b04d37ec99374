/**
 * Issue 15 in the product: an image in `<chat-thread>` shows with a URL carrying the ticket of
 * that one file, so a copied image URL opens that image and not the user's other files. Real
 * Chromium, real server, real uploads.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import type { ChatClient } from '../../src/client/types.js';
import type { ChatThread } from '../../src/elements/chat-thread.js';
import { closeClients, connectPair, parts } from './helpers.js';

async function square(colour: string): Promise<Blob> {
  const canvas = new OffscreenCanvas(30, 20);
  const g = canvas.getContext('2d')!;
  g.fillStyle = colour;
  g.fillRect(0, 0, 30, 20);
  return canvas.convertToBlob({ type: 'image/png' });
}

function thread(client: ChatClient, conversation: string): Promise<ChatThread> {
  return fixture<HTMLElement>(html`<div><chat-thread style="height: 500px; display: flex" .client=${client} conversation=${conversation}></chat-thread></div>`).then(
    (wrapper) => wrapper.querySelector('chat-thread')!,
  );
}

describe('file tickets in the thread', () => {
  afterEach(closeClients);

  it("shows each image with its own file's ticket: the URL opens that image and not another", async () => {
    const { aliceId, bobId, alice, bob } = await connectPair();
    const first = await alice.sendFile(`p2p:${bobId}`, await square('#4f46e5'), { name: 'one.png' });
    const second = await alice.sendFile(`p2p:${bobId}`, await square('#16a34a'), { name: 'two.png' });
    const [url1, url2] = [first, second].map((m) => (m.elem as { url: string }).url) as [string, string];

    const el = await thread(bob, `p2p:${aliceId}`);
    const srcs = () => parts<HTMLImageElement>(el, 'image').map((img) => img.getAttribute('src') ?? '');
    await waitUntil(() => srcs().length === 2 && srcs().every((s) => s.includes('ticket=')), 'both images should show with their tickets');
    const [src1, src2] = srcs() as [string, string];
    expect(src1.startsWith(`${url1}?`)).to.equal(true);
    expect(src2.startsWith(`${url2}?`)).to.equal(true);
    const ticket1 = new URL(src1).searchParams.get('ticket')!;
    expect(new URL(src2).searchParams.get('ticket')).to.not.equal(ticket1);

    expect((await fetch(src1)).status).to.equal(200);
    expect((await fetch(src2)).status).to.equal(200);
    // The first image's URL, its ticket moved onto the second file: refused.
    const leaked = new URL(url2);
    leaked.searchParams.set('ticket', ticket1);
    const res = await fetch(leaked);
    expect([res.status, ((await res.json()) as { name: string }).name]).to.deep.equal([401, 'TOKEN_INVALID']);
    const img = parts<HTMLImageElement>(el, 'image')[0]!;
    await waitUntil(() => img.complete && img.naturalWidth === 30, 'the picture loads with its ticket');
  });
});
