/**
 * The demo without a server: `dist/demo` served as static files only (no Natter server runs, as
 * from a CDN), so the page runs the server core itself, in a SharedWorker its tabs share. Alice
 * and bob in two tabs of one browser chat; a reloaded tab gets the history back from the worker.
 * Without SharedWorker the page runs the core for itself (one tab).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, until } from './lib/browser.js';
import { bubbles, openDemoTab, send } from './lib/demo.js';
import { startBuiltServer } from './lib/server.js';

const ROOT = new URL('..', import.meta.url).pathname;
const DEMO = join(ROOT, 'dist/demo');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

let site: Server;
let url: string;
let browser: Browser;
/** Every path the browser asked the static site for. */
const requested: string[] = [];

before(async () => {
  if (!existsSync(join(DEMO, 'index.html'))) throw new Error('dist/demo is missing: run `npm run build:web` first (npm run test:e2e builds)');
  // A plain static file server: whatever is not a file under dist/demo is a 404, /healthz included.
  site = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://site').pathname);
    requested.push(path);
    const file = join(DEMO, normalize(path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(DEMO) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
});

const openTab = (context: BrowserContext, user: string, conversation: string) => openDemoTab(context, url, user, conversation);

const count = async (page: Page, text: string) => (await bubbles(page)).filter((t) => t.includes(text)).length;

test('two tabs chat as alice and bob through the server core in a SharedWorker, no server anywhere', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const alice = await openTab(context, 'alice', 'p2p:bob');
  const bob = await openTab(context, 'bob', 'p2p:alice');
  for (const page of [alice, bob]) {
    assert.equal(await page.locator('#mode').getAttribute('data-mode'), 'shared-worker');
    assert.match(await page.locator('#mode').innerText(), /In-browser server/);
    assert.equal(await page.locator('#problem').isHidden(), true);
  }
  // Dev mode, as a dev-mode server: the session is the user the page asked for, with the seeded name.
  await until(async () => (await alice.locator('#me-name').innerText()) === 'Alice (alice)', 'alice to be signed in');

  await send(alice, 'hello bob, from a tab');
  await until(async () => (await count(bob, 'hello bob, from a tab')) === 1, 'bob to receive hello');
  await send(bob, 'hi alice, from the other tab');
  await until(async () => (await count(alice, 'hi alice, from the other tab')) === 1, 'alice to receive the reply');
  // Both confirmed (acked by the core after its commit) on the sender's side.
  await until(async () => (await alice.locator('chat-thread [part~="message"][part~="self"]:is([part~="sent"], [part~="read"])').count()) === 1, 'alice to see her message confirmed');

  // The demo group exists too, as on a dev-mode server.
  await until(async () => (await bob.locator('conversation-list [part~="item"]').allInnerTexts()).some((t) => t.includes('Demo group')), 'the demo group in the list');

  // A reload: the worker lives on (alice's tab holds it), so bob's history comes back from it.
  await bob.reload();
  await bob.locator('#state[data-state="online"]').waitFor();
  assert.equal(await bob.locator('#mode').getAttribute('data-mode'), 'shared-worker');
  await until(async () => (await count(bob, 'hello bob, from a tab')) === 1 && (await count(bob, 'hi alice, from the other tab')) === 1, 'the history after the reload');
  // And the reloaded tab still chats, both ways, each message once.
  await send(bob, 'back after a reload');
  await until(async () => (await count(alice, 'back after a reload')) === 1, 'alice to receive the message sent after the reload');
  await send(alice, 'welcome back');
  await until(async () => (await count(bob, 'welcome back')) === 1, 'bob to receive a message after the reload');
  assert.equal(await count(alice, 'hello bob, from a tab'), 1);

  // Static files only: nothing asked for a token route or a socket, and /healthz was a 404.
  assert.ok(requested.includes('/healthz'));
  assert.deepEqual(requested.filter((p) => p.startsWith('/v1') || p.startsWith('/ws')), []);
  await context.close();
});

test('without SharedWorker the page runs the server core itself (one tab)', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  await context.addInitScript(() => {
    delete (globalThis as { SharedWorker?: unknown }).SharedWorker;
  });
  const carol = await openTab(context, 'carol', 'group:demo');
  assert.equal(await carol.locator('#mode').getAttribute('data-mode'), 'in-page');
  assert.match(await carol.locator('#mode').innerText(), /this tab only/);
  await send(carol, 'anyone here?');
  await until(async () => (await carol.locator('chat-thread [part~="message"][part~="self"]:is([part~="sent"], [part~="read"])').count()) === 1, 'carol to see her message confirmed');
  assert.equal(await count(carol, 'anyone here?'), 1);
  await context.close();
});

test('the mode rule: ?server= and a same-origin server are used, ?server=local forces the in-browser one', async () => {
  // The static copy of the demo is another origin than the server's.
  const server = await startBuiltServer({ NATTER_ALLOWED_ORIGINS: '*' });
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  try {
    const page = await context.newPage();
    const modeOf = async (address: string) => {
      await page.goto(address);
      await page.locator('#state[data-state="online"]').waitFor();
      return page.locator('#mode').getAttribute('data-mode');
    };
    // The static copy pointed at a server (which allows that origin).
    assert.equal(await modeOf(`${url}/?user=alice&server=${encodeURIComponent(server.url)}`), 'server');
    assert.equal(await page.locator('#mode').innerText(), `Server: ${new URL(server.url).host}`);
    // Served by the server itself: its /healthz answers, so it is used.
    assert.equal(await modeOf(`${server.url}/?user=alice`), 'server');
    assert.equal(await modeOf(`${server.url}/?user=alice&server=local`), 'shared-worker');
  } finally {
    await context.close();
    await server.stop();
  }
});

test('the server core is in the demo worker, not in any file of the script-tag build', () => {
  // A message only the core's session handling has (src/server/core/chat-core.ts).
  const marker = 'The session is already open.';
  const assets = readdirSync(join(DEMO, 'assets')).filter((f) => f.endsWith('.js'));
  assert.ok(assets.some((f) => readFileSync(join(DEMO, 'assets', f), 'utf8').includes(marker)), 'the worker chunk holds the core');
  const cdn = readdirSync(join(ROOT, 'dist/cdn')).filter((f) => f.endsWith('.js'));
  assert.ok(cdn.includes('natter.js') && cdn.length > 1, `the script tag and its chunks: ${cdn.join(', ')}`);
  for (const f of cdn) assert.equal(readFileSync(join(ROOT, 'dist/cdn', f), 'utf8').includes(marker), false, `dist/cdn/${f} must not hold the core`);
});
