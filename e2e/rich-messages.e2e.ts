/**
 * Whole product, issue #5: rich messages through the built server and demo in Chromium. alice
 * picks an image in the composer and watches it upload on her bubble, bob sees its preview
 * (fetched through the ticketed /v1/files URL); bob types and alice sees "Bob is typing…" until
 * he sends; a group message sent with `needReadReceipt` counts its readers as bob and carol open
 * the group.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { until } from './lib/browser.js';
import { openDemo, plain } from './lib/demo.js';
import type { RunningServer } from './lib/server.js';
import { useBuiltProduct } from './lib/product.js';
import { noisyPng } from './lib/png.js';

let server: RunningServer;
let browser: Browser;

useBuiltProduct((s, b) => {
  server = s;
  browser = b;
});

const openAs = (user: string, conversation: string) => openDemo(browser, server.url, user, conversation);

type Stored = { sender: string; needReadReceipt?: boolean; elem: { type: string; text?: string; url?: string; width?: number; height?: number; size?: number; mime?: string } };
async function history(user: string, conversation: string): Promise<Stored[]> {
  const res = await fetch(`${server.url}/v1/users/${user}/conversations/${conversation}/messages?limit=100`, {
    headers: { authorization: `Bearer ${server.adminKey}` },
  });
  assert.ok(res.ok, `history: ${res.status}`);
  return ((await res.json()) as { messages: Stored[] }).messages;
}

test('alice sends an image from the composer: her bubble shows the upload progressing, bob sees the preview', async () => {
  const alice = await openAs('alice', 'p2p:bob');
  const bob = await openAs('bob', 'p2p:alice');
  // Localhost uploads a few MB in an instant: slow alice's uplink so the bar has time to move.
  const cdp = await alice.context.newCDPSession(alice.page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2_000_000 });

  const width = 1000;
  const height = 800;
  const png = noisyPng(width, height);
  assert.ok(png.length > 2_000_000, `a few MB (${png.length} bytes)`);
  await alice.page.bringToFront();
  await alice.page.locator('message-composer [part~="file-input"]').setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: png });

  // The bar lives on alice's own bubble: watch its value go up, then the message turn sent.
  const mine = alice.page.locator('chat-thread [part~="message"][part~="self"]').filter({ has: alice.page.locator('[part~="image"]') });
  const progress = mine.locator('[part~="progress"]');
  await progress.waitFor();
  assert.equal(await progress.getAttribute('role'), 'progressbar');
  const seen = new Set<number>();
  await until(async () => {
    const now = await progress.getAttribute('aria-valuenow', { timeout: 1000 }).catch(() => null);
    if (now !== null) seen.add(Number(now));
    return now === null;
  }, 'the upload to finish', 60_000);
  const between = [...seen].filter((v) => v > 0 && v < 100);
  assert.ok(between.length >= 2, `the bar showed progress on the way (values seen: ${[...seen].sort((a, b) => a - b).join(', ')})`);
  await until(async () => /^(Sent|Read)$/.test((await mine.locator('[part~="status"]').allInnerTexts()).join()), 'alice to see her image sent');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

  const stored = (await history('bob', 'p2p:alice')).filter((m) => m.elem.type === 'image');
  assert.equal(stored.length, 1);
  assert.deepEqual([stored[0]!.elem.width, stored[0]!.elem.height, stored[0]!.elem.size, stored[0]!.elem.mime], [width, height, png.length, 'image/png']);
  assert.match(stored[0]!.elem.url!, /\/v1\/files\//);

  // bob's preview: the stored file, through his ticket, decoded, with its box sized up front.
  await bob.page.bringToFront();
  const img = bob.page.locator('chat-thread [part~="message"][part~="other"] img[part~="image"]');
  await img.waitFor();
  const loaded = (await until(
    () => img.evaluate((el: HTMLImageElement) => (el.complete && el.naturalWidth > 0 ? { src: el.currentSrc, natural: [el.naturalWidth, el.naturalHeight], attrs: [el.getAttribute('width'), el.getAttribute('height')] } : null)),
    'bob’s preview to load',
    20_000,
  ))!;
  assert.match(loaded.src, new RegExp(`^${server.url}/v1/files/[^?]+\\?(.*&)?ticket=`), `loaded through the ticketed file URL: ${loaded.src}`);
  assert.deepEqual(loaded.natural, [width, height]);
  assert.deepEqual(loaded.attrs, [String(width), String(height)], 'width and height known before the image loaded');
  // The same URL without the ticket is refused: the ticket is what let bob's browser in.
  assert.equal((await fetch(loaded.src.replace(/[?&]ticket=[^&]*/, ''))).status, 401);

  await alice.context.close();
  await bob.context.close();
});

test('bob types and alice sees “Bob is typing…”, gone once he sends', async () => {
  const alice = await openAs('alice', 'p2p:bob');
  const bob = await openAs('bob', 'p2p:alice');
  const typingRow = alice.page.locator('chat-thread [part~="typing"]');
  assert.equal((await typingRow.innerText()).trim(), '', 'nobody types yet');

  await bob.page.bringToFront();
  const input = bob.page.locator('message-composer [part~="input"]');
  await input.pressSequentially('see you at the', { delay: 40 });

  await alice.page.bringToFront();
  await until(async () => /bob is typing/i.test(plain(await typingRow.innerText())), 'alice to see that bob is typing');
  assert.equal(await typingRow.getAttribute('aria-live'), 'polite');

  await bob.page.bringToFront();
  await input.pressSequentially(' station', { delay: 20 });
  await input.press('Enter');

  await alice.page.bringToFront();
  await alice.page.locator('chat-thread [part~="bubble"]', { hasText: 'see you at the station' }).waitFor();
  await until(async () => (await typingRow.innerText()).trim() === '', 'the typing line to go when bob’s message arrives', 3000);

  await alice.context.close();
  await bob.context.close();
});

test('a group message sent with needReadReceipt says “Read by 0 of 2”, then 1 and 2 as bob and carol open the group', async () => {
  // alice opens the group from her conversation list once online. (Opened straight from the URL,
  // the thread asks for the group's members before the socket is up; that request fails and is
  // only asked again on a later render, so the count may not show: reported, not covered here.)
  const alice = await openAs('alice', 'p2p:bob');
  await alice.page.locator('conversation-list [part~="item"]', { hasText: 'Demo group' }).click();
  await until(async () => (await alice.page.locator('chat-thread').evaluate((el) => (el as HTMLElement & { conversation: string }).conversation)) === 'group:demo', 'alice to open the group');
  const text = 'Please read: the plan for Friday';
  // The composer has no receipt toggle: the demo page lends its client for options like this one.
  await alice.page.evaluate(async (t) => {
    const { client } = (window as unknown as { natterDemo: { client: { send(id: string, text: string, o: object): Promise<unknown> } } }).natterDemo;
    await client.send('group:demo', t, { needReadReceipt: true });
  }, text);
  const receipt = alice.page.locator('chat-thread [part~="message"][part~="self"]').filter({ hasText: text }).locator('[part~="receipts-button"]');
  const count = async () => (await receipt.innerText({ timeout: 1000 }).catch(() => '')).trim();
  await until(async () => (await count()) === 'Read by 0 of 2', 'alice to see “Read by 0 of 2”');
  assert.equal((await history('carol', 'group:demo')).find((m) => m.elem.text === text)?.needReadReceipt, true);

  const bob = await openAs('bob', 'group:demo');
  await bob.page.bringToFront();
  await bob.page.locator('chat-thread [part~="bubble"]', { hasText: text }).waitFor();
  await alice.page.bringToFront();
  await until(async () => (await count()) === 'Read by 1 of 2', 'the count to rise to 1 when bob reads');

  const carol = await openAs('carol', 'group:demo');
  await carol.page.bringToFront();
  await carol.page.locator('chat-thread [part~="bubble"]', { hasText: text }).waitFor();
  await alice.page.bringToFront();
  await until(async () => (await count()) === 'Read by 2 of 2', 'the count to rise to 2 when carol reads');

  // The button lists who read it.
  // (The list's code comes at the first press, unless the page fetched it on idle already.)
  await receipt.click();
  await until(async () => (await receipt.getAttribute('aria-expanded')) === 'true', 'the list to open');
  await alice.page.locator('chat-thread [part~="readers-list"] [part~="reader"]').first().waitFor();
  const readers = await alice.page.locator('chat-thread [part~="readers-list"] [part~="reader"]').allInnerTexts();
  assert.deepEqual(readers.sort(), ['Bob', 'Carol']);
  assert.equal(await alice.page.locator('chat-thread [part~="unread-list"] [part~="reader"]').count(), 0);

  await alice.context.close();
  await bob.context.close();
  await carol.context.close();
});
