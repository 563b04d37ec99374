/**
 * `npm run screenshots` (after `npm run build`; not part of CI): starts the built server in dev
 * mode, seeds the group `demo` with every kind of message through real clients (the demo page's
 * `natterDemo.client`) and the admin API, and writes PNGs of the built demo and of the
 * script-tag widget to docs/screenshots/:
 *
 * - thread-light.png, thread-dark.png, thread-zh-CN.png, thread-ja.png: alice's view of the group with text
 *   (link, @mention), image, voice, video, file, location, emoji, sticker, custom with and
 *   without a renderer, notifications, a forwarded and a merged forward, a call, read receipts,
 *   a failed upload with Resend, and bob typing;
 * - forward-dialog.png, emoji-picker.png: the dialogs over the same thread;
 * - changes-light.png, changes-dark.png: alice's 1:1 with bob after changes to sent messages
 *   (SPEC §9): reply quotes, reactions (own highlighted), an edited message, one alice recalled
 *   (with Edit again), and the pinned bar;
 * - formatting-light.png, formatting-dark.png: alice's 1:1 with carol (issue 22): bold, italic,
 *   strikethrough, inline code, a code block with its copy button, a quote, a list, a link, and
 *   a link preview card whose picture the server proxies (`NATTER_LINK_PREVIEW_IMAGES=proxy`,
 *   the page and its picture served by a local "news site" behind the loopback test switch);
 * - recorder-light.png, recorder-dark.png: the same composer recording a voice note (Chromium's
 *   fake microphone), with its timer and level meter;
 * - viewer-light.png, viewer-dark.png: the media viewer open on a photo of that chat;
 * - widget-closed.png (launcher with unread badge), widget-open.png, widget-320.png: the
 *   `dist/cdn/natter.js` widget on a page that knows nothing about Natter; widget-ar.png: the
 *   same page (left to right, in English) with `data-locale="ar"`: the widget in Arabic, mirrored.
 *
 * `--out <dir>` writes elsewhere. Look at the PNGs after a change to the elements. The
 * Chinese and Japanese ones need a CJK font on the machine (e.g. `apt-get install
 * fonts-wqy-microhei`), the Arabic one an Arabic font (`fonts-noto-core`), else their characters
 * show as boxes.
 */
import { mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, until } from '../e2e/lib/browser.js';
import { startBuiltServer, type RunningServer } from '../e2e/lib/server.js';
import { makePng } from '../e2e/lib/png.js';

const ROOT = new URL('..', import.meta.url).pathname;
const outArg = process.argv.indexOf('--out');
const OUT = resolve(outArg > 0 ? process.argv[outArg + 1]! : join(ROOT, 'docs/screenshots'));
const GROUP = 'group:demo';

/** A wide thread, tall enough that every seeded message is laid out at once. */
const THREAD_VIEWPORT = { width: 1000, height: 2500 };

let server: RunningServer;
let browser: Browser;

interface Opened {
  context: BrowserContext;
  page: Page;
}

async function newContext(options: { width: number; height: number; locale?: string }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: options.width, height: options.height }, deviceScaleFactor: 1, locale: options.locale ?? 'en-US', timezoneId: 'Europe/London' });
  // tsx compiles this file with esbuild's keepNames: functions declared inside `page.evaluate`
  // callbacks call its `__name` helper, which the page does not have.
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  return context;
}

/** Opens the demo as `user` on `conversation` and waits until it is online and synced. */
async function openDemo(user: string, conversation: string, context?: BrowserContext, query = ''): Promise<Opened> {
  const ctx = context ?? (await newContext({ width: 1000, height: 800 }));
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error(`[${user}] page error:`, e));
  await gotoDemo(page, user, conversation, query);
  return { context: ctx, page };
}

async function gotoDemo(page: Page, user: string, conversation: string, query = ''): Promise<void> {
  await page.goto(`${server.url}/?user=${user}${query}#${conversation}`);
  await page.locator('#state[data-state="online"]').waitFor({ timeout: 20_000 });
  await page.waitForFunction(() => (window as unknown as DemoWindow).natterDemo?.client.$sync.get() === 'synced');
}

/** What the demo page lends to scripts (see demo/main.ts). */
interface DemoWindow {
  natterDemo: {
    client: {
      $sync: { get(): string };
      send(id: string, content: unknown, options?: object): Promise<{ id: string }>;
      sendFile(id: string, blob: Blob, options?: object): Promise<{ id: string }>;
      forward(targets: string[], source: object): Promise<PromiseSettledResult<unknown>[]>;
      loadMembers(id: string): Promise<unknown>;
      cancelUpload(clientMsgId: string): void;
      $uploads: { get(): Record<string, unknown> };
    };
  };
}

/** Sends an elem (or text) as the page's user. */
async function send(page: Page, content: unknown, options: object = {}, conversation = GROUP): Promise<void> {
  await page.evaluate(
    async ([id, c, o]) => void (await (window as unknown as DemoWindow).natterDemo.client.send(id as string, c, o as object)),
    [conversation, content, options] as const,
  );
}

/** Sends bytes made in Node as a file message through `client.sendFile` (probe, upload, send). */
async function sendFile(page: Page, bytes: Buffer, name: string, mime: string, options: object = {}): Promise<void> {
  await page.evaluate(
    async ([id, b64, n, type, o]) => {
      const blob = new Blob([Uint8Array.from(atob(b64 as string), (c) => c.charCodeAt(0))], { type: type as string });
      await (window as unknown as DemoWindow).natterDemo.client.sendFile(id as string, blob, { name: n, ...(o as object) });
    },
    [GROUP, bytes.toString('base64'), name, mime, options] as const,
  );
}

async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.adminKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** A 16-bit mono WAV: a short two-note chime. */
function chimeWav(seconds = 3, rate = 8000): Buffer {
  const n = seconds * rate;
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const f = t < seconds / 2 ? 660 : 880;
    data.writeInt16LE(Math.round(Math.sin(2 * Math.PI * f * t) * 8000 * Math.exp(-((t % (seconds / 2)) * 2))), i * 2);
  }
  const head = Buffer.alloc(44);
  head.write('RIFF', 0);
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8);
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate * 2, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36);
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}

/** A sunset: sky gradient, a sun, a sea (compresses well, so the screenshots stay small). */
function sunsetPng(width = 480, height = 300): Buffer {
  return makePng(width, height, (x, y) => {
    const horizon = height * 0.62;
    if (y > horizon) {
      const k = (y - horizon) / (height - horizon);
      const glint = Math.abs(x - width * 0.62) < (1 - k) * 40 && y % 6 < 3;
      return glint ? [250, 200, 120] : [Math.round(40 - 20 * k), Math.round(70 - 30 * k), Math.round(120 - 40 * k)];
    }
    const dx = x - width * 0.62;
    const dy = y - horizon * 0.8;
    if (dx * dx + dy * dy < (height * 0.13) ** 2) return [255, 214, 120];
    const k = y / horizon;
    return [Math.round(90 + 160 * k), Math.round(70 + 60 * k), Math.round(160 - 60 * k)];
  });
}

/**
 * Records a short real WebM in the page (a canvas through MediaRecorder), uploads it and its
 * first frame as the snapshot (`POST /v1/uploads` with the user's token) and sends the video
 * elem. Chromium's recordings carry no duration in their header, so the elem gets the
 * recorded length instead of a probed one.
 */
async function sendRecordedVideo(page: Page, user: string): Promise<void> {
  await page.evaluate(
    async ([conversation, userId]) => {
      const canvas = document.createElement('canvas');
      canvas.width = 320;
      canvas.height = 180;
      const g = canvas.getContext('2d')!;
      const draw = (t: number) => {
        const grad = g.createLinearGradient(0, 0, 320, 180);
        grad.addColorStop(0, '#0ea5e9');
        grad.addColorStop(1, '#6366f1');
        g.fillStyle = grad;
        g.fillRect(0, 0, 320, 180);
        g.fillStyle = '#fde68a';
        g.beginPath();
        g.arc(60 + t * 80, 90, 28, 0, Math.PI * 2);
        g.fill();
        g.fillStyle = '#fff';
        g.font = 'bold 22px sans-serif';
        g.fillText('Harbour ferry', 150, 160);
      };
      draw(0);
      const snapshot = await new Promise<Blob>((r) => canvas.toBlob((b) => r(b!), 'image/jpeg', 0.8));
      const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm' });
      const chunks: Blob[] = [];
      recorder.ondataavailable = (e) => chunks.push(e.data);
      const done = new Promise((r) => (recorder.onstop = r));
      recorder.start();
      const started = performance.now();
      const seconds = 2;
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          const t = (performance.now() - started) / 1000;
          draw(Math.min(t, seconds));
          if (t >= seconds) {
            clearInterval(timer);
            resolve();
          }
        }, 40);
      });
      recorder.stop();
      await done;
      const video = new Blob(chunks, { type: 'video/webm' });
      const { token } = (await (await fetch(`/v1/dev/token?user=${userId}`)).json()) as { token: string };
      const upload = async (blob: Blob, name: string) => {
        const res = await fetch(`/v1/uploads?conversationId=${encodeURIComponent(conversation)}&name=${name}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': blob.type },
          body: blob,
        });
        if (!res.ok) throw new Error(`upload ${name}: ${res.status} ${await res.text()}`);
        return (await res.json()) as { url: string; size: number; mime: string };
      };
      const poster = await upload(snapshot, 'ferry.jpg');
      const clip = await upload(video, 'ferry.webm');
      await (window as unknown as DemoWindow).natterDemo.client.send(conversation, {
        type: 'video', url: clip.url, size: clip.size, mime: 'video/webm', duration: seconds,
        snapshot: { url: poster.url, width: 320, height: 180 },
      });
    },
    [GROUP, user] as const,
  );
}

const row = (page: Page, text: string) => page.locator('chat-thread [part~="message"]').filter({ hasText: text });

/** Calls a method of the demo page's client and answers what it resolves with (as JSON). */
async function call<T = unknown>(page: Page, method: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(async ([m, a]) => {
    const client = (window as unknown as { natterDemo: { client: Record<string, (...x: unknown[]) => Promise<unknown>> } }).natterDemo.client;
    return JSON.parse(JSON.stringify((await client[m as string]!(...(a as unknown[]))) ?? null));
  }, [method, args] as const) as Promise<T>;
}

/**
 * Alice and bob's 1:1 after changes to sent messages: a plan bob made that alice replies to,
 * reactions from both, an edit, a reply quoting the edited message, and a pin; alice then
 * recalls a message from her menu (so her row offers Edit again).
 */
async function seedChanges(alice: Page, bob: Page): Promise<void> {
  const [toBob, toAlice] = ['p2p:bob', 'p2p:alice'];
  const plan = await call<{ id: string }>(bob, 'send', toAlice, 'Dinner on Friday? I booked Tasca do Chico for 8.');
  const yes = await call<{ id: string }>(alice, 'reply', toBob, plan.id, 'Yes! Could we make it 8:30?');
  await call(bob, 'react', toAlice, yes.id, '👍', true);
  await call(alice, 'react', toBob, plan.id, '🎉', true);
  await call(bob, 'react', toAlice, plan.id, '🎉', true);
  await call(alice, 'react', toBob, plan.id, '❤️', true);
  const moved = await call<{ id: string }>(bob, 'send', toAlice, 'Moved it to 8:30, table for four');
  await call(bob, 'edit', toAlice, moved.id, 'Moved it to 8:30, table for two');
  await call(alice, 'reply', toBob, moved.id, 'Perfect, see you there 🙂');
  await call(alice, 'pin', toBob, plan.id, true);
  await call(alice, 'send', toBob, 'Bring the slides for Monday');
}

/** Seeds the group as alice, bob and carol; leaves bob on the group (he reads) and carol elsewhere. */
async function seed(alice: Opened, bob: Opened, carol: Opened): Promise<void> {
  const p2p = [
    await admin<{ id: string }>('POST', '/v1/messages', { from: 'bob', to: 'alice', elem: { type: 'text', text: 'Flight lands at 9:40, terminal 2.' } }),
    await admin<{ id: string }>('POST', '/v1/messages', { from: 'bob', to: 'alice', elem: { type: 'text', text: 'I’ll wait at gate B12 with coffee.' } }),
    await admin<{ id: string }>('POST', '/v1/messages', { from: 'alice', to: 'bob', elem: { type: 'text', text: 'Perfect, see you there!' } }),
  ];
  await send(bob.page, 'Morning @Alice! Notes from yesterday are at https://example.com/notes — have a look.', { groupAtUserList: ['alice'] });
  await sendFile(carol.page, sunsetPng(), 'sunset.png', 'image/png');
  await sendFile(bob.page, chimeWav(), 'voice-note.wav', 'audio/wav');
  await sendRecordedVideo(carol.page, 'carol');
  await sendFile(alice.page, Buffer.from('%PDF-1.4\n% Natter screenshot itinerary\n' + 'x'.repeat(180_000)), 'Lisbon itinerary.pdf', 'application/pdf', { kind: 'file' });
  await send(bob.page, { type: 'location', description: 'Café Lumière, Rua das Flores 12', latitude: 38.7103, longitude: -9.1424 });
  await send(carol.page, { type: 'face', index: 0, data: '🎉' });
  await send(carol.page, { type: 'face', index: 0, data: 'wave' });
  await admin('POST', '/v1/messages', { from: 'alice', groupId: 'demo', elem: { type: 'system', event: 'custom', text: 'Carol pinned a message' } });
  await send(bob.page, {
    type: 'custom', customType: 'poll', description: 'Poll: where shall we eat?',
    data: JSON.stringify({ question: 'Where shall we eat?', options: [{ label: 'Tasca do Chico', votes: 2 }, { label: 'Time Out Market', votes: 1 }] }),
  });
  await send(carol.page, { type: 'custom', customType: 'weather', description: '☀️ Weather: 24 °C and sunny in Lisbon', data: '{"c":24}' });
  await alice.page.evaluate(
    async ([target, id]) => void (await (window as unknown as DemoWindow).natterDemo.client.forward([target], { conversationId: 'p2p:bob', messageIds: [id] })),
    [GROUP, p2p[0]!.id] as const,
  );
  await alice.page.evaluate(
    async ([target, ids]) =>
      void (await (window as unknown as DemoWindow).natterDemo.client.forward([target], { conversationId: 'p2p:bob', messageIds: ids, merge: { title: 'Chat history of Alice and Bob' } })),
    [GROUP, p2p.map((m) => m.id)] as const,
  );
  await send(bob.page, { type: 'call', media: 'video', action: 'ended', duration: 125 });
  await send(alice.page, 'Does everyone have their tickets?', { needReadReceipt: true });

  await failedUpload(alice);

  // bob reads the group (his tab in front), carol does not: "Read by 1 of 2".
  await bob.page.bringToFront();
  await row(bob.page, 'Does everyone have their tickets?').waitFor({ timeout: 20_000 });
}

/**
 * A failed upload in this browser's outbox: slowed to a crawl, then cancelled (it stays, failed,
 * with Resend and Discard; never sent, so only this browser profile shows it).
 */
async function failedUpload(alice: Opened): Promise<void> {
  const cdp = await alice.context.newCDPSession(alice.page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 20_000 });
  const zip = Buffer.alloc(400_000, 7);
  await alice.page.evaluate(
    ([id, b64]) => {
      const blob = new Blob([Uint8Array.from(atob(b64 as string), (c) => c.charCodeAt(0))], { type: 'application/zip' });
      void (window as unknown as DemoWindow).natterDemo.client.sendFile(id as string, blob, { name: 'slides.zip' }).catch(() => {});
    },
    [GROUP, zip.toString('base64')] as const,
  );
  await alice.page.bringToFront();
  const uploading = row(alice.page, 'slides.zip').locator('[part~="cancel-upload-button"]');
  await uploading.waitFor({ timeout: 20_000 });
  await uploading.click();
  await row(alice.page, 'slides.zip').locator('[part~="resend-button"]').waitFor();
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
}

/** Makes bob type (the signal lasts 6 s), then waits for alice's thread to say so. */
async function bobTypes(alice: Page, bob: Page): Promise<void> {
  await bob.bringToFront();
  const input = bob.locator('message-composer [part~="input"]');
  await input.fill('');
  await input.pressSequentially('On my w', { delay: 30 });
  await alice.bringToFront();
  await until(async () => (await alice.locator('chat-thread [part~="typing"]').innerText()).trim() !== '', 'alice to see bob typing');
}

/** Waits until every picture in the thread has loaded (or failed), and the receipts show. */
async function settle(page: Page): Promise<void> {
  await page.bringToFront();
  // The thread of a group opened from the URL may ask for its members before the socket is up
  // (see the closing report); ask again so receipts and mention names show.
  await page.evaluate(() => (window as unknown as DemoWindow).natterDemo.client.loadMembers('group:demo'));
  await until(async () => (await page.locator('chat-thread [part~="receipts-button"]').count()) > 0, 'the read receipt to show', 15_000);
  await until(
    () => page.locator('chat-thread img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete)),
    'the thread’s pictures to load',
    15_000,
  );
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(400);
}

async function shot(page: Page, name: string, clip?: string): Promise<void> {
  const path = join(OUT, name);
  if (clip) await page.locator(clip).screenshot({ path, animations: 'disabled', caret: 'hide' });
  else await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  console.log(`${name}  ${Math.round(statSync(path).size / 1024)} KiB`);
}

/**
 * Shrinks the tall window to what the seeded thread needs: the empty space the bottom-anchored
 * thread leaves above its first row goes.
 */
async function fitThread(page: Page): Promise<void> {
  const spare = await page.evaluate(() => {
    const thread = document.querySelector('chat-thread')!;
    const top = thread.getBoundingClientRect().top;
    const rows = [...thread.shadowRoot!.querySelectorAll('*')]
      .map((el) => el.getBoundingClientRect())
      .filter((r) => r.height >= 8 && r.width >= 8 && r.height < 400);
    return Math.floor(Math.min(...rows.map((r) => r.top)) - top);
  });
  const height = page.viewportSize()!.height;
  if (spare > 40) await page.setViewportSize({ width: THREAD_VIEWPORT.width, height: height - spare + 24 });
  await page.waitForTimeout(400);
}

/**
 * A news site on its own loopback port: one article with Open Graph tags and a cover picture, for
 * the link preview card. The server may fetch it only through its loopback test switch
 * (`NATTER_LINK_PREVIEW_ALLOW_LOOPBACK=1`, `NATTER_LINK_PREVIEW_PORTS=<port>`) and proxies the
 * picture; `coverHits` counts the browser-independent fetches of the cover (the server's only).
 */
async function startNewsSite(): Promise<{ url: string; coverHits(): number; close(): Promise<void> }> {
  const cover = harbourPng();
  let hits = 0;
  const site = createServer((req, res) => {
    if (req.url === '/lisbon-ferries') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><head><meta charset="utf-8">
<title>Ferries</title><meta property="og:title" content="Crossing the Tagus: a guide to Lisbon's ferries">
<meta property="og:description" content="Timetables, tickets and the best seat for the view, from Cais do Sodré to Cacilhas and back.">
<meta property="og:site_name" content="Tejo Times"><meta property="og:image" content="/covers/ferry.png"></head><body>…</body></html>`);
    } else if (req.url === '/covers/ferry.png') {
      hits++;
      res.writeHead(200, { 'content-type': 'image/png' }).end(cover);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  const { port } = site.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, coverHits: () => hits, close: () => new Promise((r) => site.close(() => r())) };
}

/** A ferry on the river under a pale sky (the news site's cover). */
function harbourPng(width = 600, height = 315): Buffer {
  return makePng(width, height, (x, y) => {
    const water = height * 0.58;
    const hull = y > water - 34 && y < water - 6 && x > width * 0.3 + (water - y) * 0.4 && x < width * 0.68 - (water - y) * 0.4;
    if (hull) return y < water - 24 ? [245, 245, 240] : [200, 60, 40];
    if (y > water - 52 && y <= water - 34 && x > width * 0.4 && x < width * 0.58) return [250, 250, 245];
    if (y > water) {
      const k = (y - water) / (height - water);
      return y % 9 < 2 && (x + y * 3) % 40 < 18 ? [170, 205, 225] : [Math.round(40 + 30 * k), Math.round(110 - 30 * k), Math.round(150 - 30 * k)];
    }
    const k = y / water;
    return [Math.round(200 + 40 * k), Math.round(225 + 20 * k), 250];
  });
}

/**
 * Carol and alice's 1:1 for issue 22: formatted messages from carol, a photo, and alice's link to
 * the news site's article with its preview (asked of the server as the composer does).
 */
async function seedWriting(alice: Page, carol: Page, article: string): Promise<void> {
  const [toCarol, toAlice] = ['p2p:carol', 'p2p:alice'];
  await call(carol, 'send', toAlice, '**Saturday** is on! Meet at *Cais do Sodré* at 9:30 — the ~~9:10~~ 9:40 boat, `platform 2`.');
  await call(carol, 'send', toAlice, 'Bring:\n- sunscreen\n- a light jacket\n- the tickets (printed)');
  await call(carol, 'send', toAlice, '> The last boat back leaves Cacilhas at 23:30.\n\nSo no rush for dinner. Tickets from the [Transtejo site](https://example.com/tickets) or the machine:');
  await call(carol, 'send', toAlice, '```\nCais do Sodré → Cacilhas   09:40\nCacilhas → Cais do Sodré   23:30\n```');
  await carol.evaluate(
    async ([id, b64]) => {
      const blob = new Blob([Uint8Array.from(atob(b64 as string), (c) => c.charCodeAt(0))], { type: 'image/png' });
      await (window as unknown as DemoWindow).natterDemo.client.sendFile(id as string, blob, { name: 'view-from-the-boat.png' });
    },
    [toAlice, sunsetPng(640, 400).toString('base64')] as const,
  );
  const preview = await call<{ image?: string }>(alice, 'linkPreview', article);
  if (!preview.image?.startsWith('/v1/previews/images/')) throw new Error(`the preview's picture is not proxied: ${JSON.stringify(preview)}`);
  await call(alice, 'send', toCarol, { type: 'text', text: `Perfect. I read this guide last night: ${article}`, preview });
}

/** The recorder with its level meter caught on one of the fake microphone's beeps (loud before and after the shot). */
async function recorderShot(page: Page, name: string): Promise<void> {
  const level = async () => Number(await page.locator('message-composer [part~="level-meter"]').getAttribute('aria-valuenow'));
  for (let attempt = 0; attempt < 3; attempt++) {
    await until(async () => (await level()) >= 30, 'the level meter to move', 5000);
    await shot(page, name);
    if ((await level()) >= 30) return;
  }
}

/** The formatting, recorder and viewer screenshots, light and dark, in alice's 1:1 with carol. */
async function writingShots(news: { url: string; coverHits(): number }): Promise<void> {
  const context = await newContext({ width: 1000, height: 1180 });
  await context.grantPermissions(['microphone'], { origin: server.url });
  const writing = await openDemo('alice', 'p2p:carol', context);
  const carol = await openDemo('carol', 'p2p:alice');
  await seedWriting(writing.page, carol.page, `${news.url}/lisbon-ferries`);
  const page = writing.page;
  const thread = page.locator('chat-thread');
  await thread.locator('[part~="link-preview-image"]').waitFor({ timeout: 15_000 });
  await thread.locator('[part~="copy-button"]').waitFor();
  await until(() => page.locator('chat-thread img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0)), 'the pictures to load', 15_000);
  const cover = await thread.locator('[part~="link-preview-image"]').getAttribute('src');
  if (!cover?.startsWith(`${server.url}/v1/previews/images/`)) throw new Error(`the card's picture is not served by Natter: ${cover}`);
  if (news.coverHits() !== 1) throw new Error(`the news site's cover was fetched ${news.coverHits()} times (the server's fetch only expected)`);
  await page.mouse.move(0, 0);
  await page.waitForTimeout(400);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(300);
    await shot(page, `formatting-${scheme}.png`);
  }

  // The recorder, by click (a tap keeps it recording): Chromium's fake microphone.
  await page.emulateMedia({ colorScheme: 'light' });
  await page.locator('message-composer [part~="record-button"]').click();
  await page.locator('message-composer [part~="recorder"]').waitFor({ timeout: 10_000 });
  await until(async () => /0:0[2-9]/.test(await page.locator('message-composer [part~="recorder-time"]').innerText()), 'two seconds of recording', 10_000);
  await recorderShot(page, 'recorder-light.png');
  await page.emulateMedia({ colorScheme: 'dark' });
  await recorderShot(page, 'recorder-dark.png');
  await page.locator('message-composer [part~="cancel-recording-button"]').click();
  await page.locator('message-composer [part~="recorder"]').waitFor({ state: 'detached' });

  // The media viewer, opened on the photo.
  await page.emulateMedia({ colorScheme: 'light' });
  await thread.locator('[part~="image-link"]').first().click();
  const viewer = thread.locator('media-viewer [part~="image"]');
  await viewer.waitFor({ timeout: 10_000 });
  await until(() => viewer.evaluate((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0), 'the viewer’s picture');
  await page.mouse.move(0, 0);
  await page.waitForTimeout(400);
  await shot(page, 'viewer-light.png');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(400);
  await shot(page, 'viewer-dark.png');
  await context.close();
  await carol.context.close();
}

/**
 * Another site (its own loopback port, as in e2e/embed.e2e.ts): a page whose one script is the
 * CDN file, and a token route of its own that asks the dev token route for `?user=` (what a
 * site's backend would do for its signed-in visitor).
 */
async function startHostSite(): Promise<{ url: string; close(): Promise<void> }> {
  const socket = `${server.url.replace(/^http/, 'ws')}/ws`;
  const site = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    if (url.pathname === '/') {
      const user = url.searchParams.get('user') ?? 'alice';
      const locale = /^[\w-]+$/.exec(url.searchParams.get('locale') ?? '')?.[0];
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme Bakery</title>
<style>body{margin:0 auto;max-width:40rem;padding:2rem 1rem;font:1.05rem/1.6 Georgia,serif;color:#2b2118;background:#fbf7f0}h1{margin-top:0}</style></head>
<body><h1>Acme Bakery</h1><p>Fresh bread every morning, from six. Sourdough, rye and the famous cardamom buns.</p>
<p>Questions about an order? Use the chat bubble in the corner.</p>
<script src="${server.url}/cdn/natter.js" data-server="${socket}" data-token-url="/chat-token?user=${user}" data-conversation="${GROUP}"${locale ? ` data-locale="${locale}"` : ''}></script></body></html>`);
    } else if (url.pathname === '/chat-token') {
      const dev = await fetch(`${server.url}/v1/dev/token?user=${encodeURIComponent(url.searchParams.get('user') ?? '')}`);
      res.writeHead(dev.status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(await dev.text());
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  const { port } = site.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => site.close(() => r())) };
}

async function widgetPage(context: BrowserContext, site: string, user: string, locale?: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('[widget] page error:', e));
  await page.goto(`${site}/?user=${user}${locale ? `&locale=${locale}` : ''}`);
  await page.waitForFunction(() => (document.querySelector('chat-widget') as unknown as { client?: { $sync: { get(): string } } })?.client?.$sync.get() === 'synced', undefined, { timeout: 20_000 });
  return page;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const news = await startNewsSite();
  // The widget's host page is served from another origin than the server's; link previews may
  // read the local news site (the loopback test switch, its port) and proxy its pictures.
  server = await startBuiltServer({
    NATTER_ALLOWED_ORIGINS: '*',
    NATTER_LINK_PREVIEW_IMAGES: 'proxy',
    NATTER_LINK_PREVIEW_ALLOW_LOOPBACK: '1',
    NATTER_LINK_PREVIEW_PORTS: new URL(news.url).port,
  });
  // A synthetic microphone for the recorder (RECIPES: "Recording audio").
  browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  try {
    const alice = await openDemo('alice', GROUP, await newContext(THREAD_VIEWPORT));
    const bob = await openDemo('bob', GROUP);
    const carol = await openDemo('carol', 'p2p:alice');
    await seed(alice, bob, carol);

    // Thread, light and dark (same page: the failed upload lives in this browser's outbox).
    await fitThread(alice.page);
    await settle(alice.page);
    await bobTypes(alice.page, bob.page);
    await shot(alice.page, 'thread-light.png');
    await alice.page.emulateMedia({ colorScheme: 'dark' });
    await bobTypes(alice.page, bob.page);
    await shot(alice.page, 'thread-dark.png');
    await alice.page.emulateMedia({ colorScheme: 'light' });

    // The dialogs, in a window of ordinary size.
    await alice.page.setViewportSize({ width: 1000, height: 760 });
    await alice.page.waitForTimeout(300);
    await alice.page.locator('chat-thread').evaluate((el) => (el as unknown as { scrollToBottom(): void }).scrollToBottom());
    const target = row(alice.page, 'Does everyone have their tickets?');
    await target.locator('[part~="actions-button"]').click();
    await alice.page.locator('chat-thread [part~="menu-item"][part~="forward"]').click();
    await alice.page.locator('chat-thread forward-dialog [part~="search"]').waitFor();
    await alice.page.locator('chat-thread forward-dialog [part~="target"]').filter({ hasText: 'Carol' }).first().locator('input').check();
    await alice.page.waitForTimeout(300);
    await shot(alice.page, 'forward-dialog.png');
    await alice.page.keyboard.press('Escape');

    await alice.page.locator('message-composer [part~="emoji-button"]').click();
    await alice.page.locator('message-composer [part~="emoji-grid"]').waitFor();
    await alice.page.waitForTimeout(300);
    await shot(alice.page, 'emoji-picker.png');
    await alice.page.keyboard.press('Escape');

    // Changes to sent messages, light and dark, in alice's 1:1 with bob.
    const changes = await openDemo('alice', 'p2p:bob', await newContext({ width: 1000, height: 760 }));
    await seedChanges(changes.page, bob.page);
    const slides = row(changes.page, 'Bring the slides for Monday');
    await slides.locator('[part~="actions-button"]').click();
    await changes.page.locator('chat-thread [part~="menu-item"][part~="recall"]').click();
    const thread = changes.page.locator('chat-thread');
    await thread.locator('[part~="edit-again-button"]').waitFor({ timeout: 15_000 });
    await thread.locator('[part~="pinned-bar"]').waitFor({ timeout: 15_000 });
    await until(async () => (await thread.locator('[part~="reaction"]').count()) === 3 && (await thread.locator('[part~="edited"]').count()) === 1, 'every change to show');
    await changes.page.mouse.move(0, 0);
    await changes.page.waitForTimeout(400);
    await shot(changes.page, 'changes-light.png');
    await changes.page.emulateMedia({ colorScheme: 'dark' });
    await changes.page.waitForTimeout(400);
    await shot(changes.page, 'changes-dark.png');
    await changes.context.close();

    // Issue 22: formatting and a proxied link preview, the recorder, the media viewer.
    await writingShots(news);

    await alice.context.close();

    // Issue 21: the group panel, the contacts view and a profile card, light, dark and Arabic.
    await peopleShots();

    // Simplified Chinese and Japanese: a browser set to the language, and ?lang=.
    await translatedThread(bob, 'zh-CN', 'zh-CN', 'thread-zh-CN.png');
    await translatedThread(bob, 'ja-JP', 'ja', 'thread-ja.png');
    await carol.context.close();

    // The widget on another site: closed with unread messages, then open; then 320 px wide.
    await send(bob.page, 'Are you coming to the bakery at 4?');
    await send(bob.page, 'They have cardamom buns today 🥐');
    const site = await startHostSite();
    const wide = await newContext({ width: 900, height: 720 });
    const page = await widgetPage(wide, site.url, 'alice');
    const badge = page.locator('chat-widget [part~="badge"]');
    await until(async () => (await badge.count()) > 0 && (await badge.innerText()).trim() !== '', 'the unread badge');
    await page.waitForTimeout(300);
    await shot(page, 'widget-closed.png');
    await page.locator('chat-widget [part~="launcher"]').click();
    await page.locator('chat-widget chat-thread [part~="bubble"]', { hasText: 'cardamom buns' }).waitFor();
    await settleWidget(page);
    await shot(page, 'widget-open.png');
    await wide.close();

    // The same English page with data-locale="ar": the widget speaks Arabic and mirrors.
    const arabic = await newContext({ width: 900, height: 720 });
    const arPage = await widgetPage(arabic, site.url, 'alice', 'ar');
    await arPage.locator('chat-widget [part~="launcher"]').click();
    await arPage.locator('chat-widget chat-thread [part~="bubble"]', { hasText: 'cardamom buns' }).waitFor();
    await settleWidget(arPage);
    await shot(arPage, 'widget-ar.png');
    await arabic.close();

    const narrow = await newContext({ width: 320, height: 640 });
    const small = await widgetPage(narrow, site.url, 'alice');
    await small.locator('chat-widget [part~="launcher"]').click();
    await small.locator('chat-widget chat-thread [part~="bubble"]', { hasText: 'cardamom buns' }).waitFor();
    await settleWidget(small);
    await shot(small, 'widget-320.png');
    await narrow.close();
    await bob.context.close();
    await site.close();
  } finally {
    await browser.close();
    await server.stop();
    await news.close();
  }
}

/** Alice's view of the group in another language (its own browser: a failed upload of its own), written to `file`. */
async function translatedThread(bob: Opened, browserLocale: string, lang: string, file: string): Promise<void> {
  const opened = await openDemo('alice', GROUP, await newContext({ ...THREAD_VIEWPORT, locale: browserLocale }), `&lang=${lang}`);
  await failedUpload(opened);
  await fitThread(opened.page);
  await settle(opened.page);
  await bobTypes(opened.page, bob.page);
  await shot(opened.page, file);
  await opened.context.close();
}

/**
 * Alice's group panel, contacts view and bob's profile card (opened from his name in the group
 * thread), light and dark, in English and in Arabic (the page mirrored, as an Arabic site is).
 */
async function peopleShots(): Promise<void> {
  await admin('PUT', '/v1/users/alice/friends/bob');
  for (const [lang, suffix] of [['en', ''], ['ar', '-ar']] as const) {
    const { page, context } = await openDemo('alice', GROUP, await newContext({ width: 1000, height: 760 }), `&lang=${lang}`);
    if (lang === 'ar') await page.evaluate(() => { document.documentElement.dir = 'rtl'; });
    await page.locator('chat-thread [part~="sender-button"]').first().waitFor({ timeout: 15_000 });
    const dialogs = [
      ['group-panel', () => page.locator('#group-info').click()],
      ['contacts', () => page.locator('conversation-list [part~="contacts-button"]').click()],
      ['profile-card', () => page.locator('chat-thread [part~="sender-button"]', { hasText: 'Bob' }).last().click()],
    ] as const;
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [name, open] of dialogs) {
        await open();
        await page.locator(`${name === 'contacts' ? 'contacts-view' : name} [part~="dialog"][open]`).first().waitFor();
        await page.mouse.move(0, 0);
        await page.waitForTimeout(500);
        await shot(page, `${name}${suffix}-${scheme}.png`);
        await page.keyboard.press('Escape');
        await page.waitForTimeout(200);
      }
    }
    await context.close();
  }
}

async function settleWidget(page: Page): Promise<void> {
  await until(
    () => page.locator('chat-widget chat-thread img').evaluateAll((imgs) =>
      imgs.every((i) => (i as HTMLImageElement).complete || i.getBoundingClientRect().bottom < 0 || i.getBoundingClientRect().top > innerHeight)),
    'the widget’s pictures to load',
    15_000,
  );
  await page.waitForTimeout(500);
}

await main();
