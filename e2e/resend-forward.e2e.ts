/**
 * Whole product, SPEC §3 and §4: the built server and demo in Chromium. Offline sends survive a
 * reload and arrive once, in order; two tabs of one user never both send an outbox entry; a
 * rate-limited send shows why and resends after the window; forwarding to several targets,
 * refusal of system notifications, and a merged forward the recipient opens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, until } from './lib/browser.js';
import { bubbles, openDemo, plain, send } from './lib/demo.js';
import { adminRequest, startBuiltServer, type RunningServer } from './lib/server.js';
import { useBuiltProduct } from './lib/product.js';

let server: RunningServer;
let browser: Browser;

useBuiltProduct((s, b) => {
  server = s;
  browser = b;
});

const openAs = (srv: RunningServer, user: string, conversation: string, context?: BrowserContext) => openDemo(browser, srv.url, user, conversation, context);

const admin = adminRequest;

type Stored = { id: string; seq: number; sender: string; elem: { type: string; text?: string; messages?: unknown[] }; forwardedFrom?: { sender: string } };
const history = (srv: RunningServer, user: string, conversation: string) =>
  admin<{ messages: Stored[] }>(srv, 'GET', `/v1/users/${user}/conversations/${conversation}/messages?limit=100`).then((b) => b.messages);

/** The row of the message whose bubble contains `text`. */
const row = (page: Page, text: string) => page.locator('chat-thread [part~="message"]').filter({ hasText: text });

test('(1) alice writes 3 messages offline, reloads while the server is unreachable, comes back: bob gets them once, in order', async () => {
  const alice = await openAs(server, 'alice', 'p2p:bob');
  const bob = await openAs(server, 'bob', 'p2p:alice');
  const texts = ['offline one', 'offline two', 'offline three'];

  await alice.context.setOffline(true);
  await until(async () => (await alice.page.locator('#state').getAttribute('data-state')) !== 'online', 'alice to notice she is offline');
  for (const t of texts) await send(alice.page, t);
  await until(async () => (await alice.page.locator('chat-thread [part~="message"][part~="waiting"]').allInnerTexts()).filter((t) => texts.some((x) => t.includes(x))).length === 3, 'the 3 messages waiting for the connection');

  // A reload needs the page's files, which a fully offline browser cannot fetch; so for the
  // reload the chat server alone stays unreachable (token route and WebSocket refused).
  let serverReachable = false;
  await alice.context.route('**/v1/dev/token*', (route) => (serverReachable ? route.fallback() : route.abort('internetdisconnected')));
  await alice.context.routeWebSocket(/\/ws$/, (ws) => (serverReachable ? void ws.connectToServer() : ws.close({ code: 1006 })));
  await alice.context.setOffline(false);
  await alice.page.reload();
  await until(async () => {
    const pending = alice.page.locator('chat-thread [part~="message"][part~="self"]:not([part~="sent"]):not([part~="read"])');
    return (await pending.allInnerTexts()).filter((t) => texts.some((x) => t.includes(x))).length === 3;
  }, 'the 3 messages to be shown unsent after the reload', 15_000);
  assert.equal((await history(server, 'bob', 'p2p:alice')).filter((m) => texts.includes(m.elem.text ?? '')).length, 0);

  serverReachable = true;
  await alice.context.setOffline(true); // the browser's `online` event makes the client reconnect at once
  await alice.context.setOffline(false);
  await until(async () => {
    const seen = (await bubbles(bob.page)).filter((t) => texts.some((x) => t.includes(x)));
    return seen.length === 3;
  }, 'bob to receive the 3 messages', 30_000);
  const stored = (await history(server, 'bob', 'p2p:alice')).filter((m) => texts.includes(m.elem.text ?? ''));
  assert.deepEqual(stored.map((m) => m.elem.text), texts, 'stored once each, in the order written');
  await until(async () => (await alice.page.locator('chat-thread [part~="message"]:is([part~="sending"], [part~="waiting"], [part~="failed"])').count()) === 0, 'alice to see them all sent');
  assert.deepEqual((await bubbles(bob.page)).filter((t) => texts.some((x) => t.includes(x))), texts);

  await alice.context.close();
  await bob.context.close();
});

test('(1b) two tabs of one user share the outbox and only one of them sends an entry', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const sends: string[] = [];
  const count = (page: Page) =>
    page.on('websocket', (ws) => ws.on('framesent', ({ payload }) => {
      if (typeof payload === 'string' && payload.includes('"message.send"') && payload.includes('two tabs')) sends.push(payload);
    }));
  const first = await context.newPage();
  const second = await context.newPage();
  count(first);
  count(second);
  for (const page of [first, second]) {
    await page.goto(`${server.url}/?user=alice#p2p:bob`);
    await page.locator('#state[data-state="online"]').waitFor();
  }
  await context.setOffline(true);
  await until(async () => (await first.locator('#state').getAttribute('data-state')) !== 'online', 'the tabs to go offline');
  await send(first, 'two tabs, one send');
  await context.setOffline(false);

  await until(async () => (await history(server, 'bob', 'p2p:alice')).some((m) => m.elem.text === 'two tabs, one send'), 'the message to be stored', 30_000);
  for (const page of [first, second]) {
    // Look at each tab as its user would: a background tab does not lay out its virtualized
    // thread (no animation frames), so its DOM holds no rows until it is shown.
    await page.bringToFront();
    await until(async () => /^(Sent|Read)$/.test((await row(page, 'two tabs, one send').locator('[part~="status"]').allInnerTexts()).join()), 'both tabs to show it sent', 45_000).catch(async (e) => {
      for (const [i, p] of [first, second].entries()) {
        console.error(`two-tab diagnostics, tab ${i}: rows=${await row(p, 'two tabs, one send').count()} status=${JSON.stringify(await row(p, 'two tabs, one send').locator('[part~="status"]').allInnerTexts())} state=${await p.locator('#state').getAttribute('data-state')} bubbles=${JSON.stringify((await p.locator('chat-thread [part~="bubble"]').allInnerTexts()).slice(-4))} parts=${JSON.stringify(await row(p, 'two tabs, one send').evaluateAll((els) => els.map((el) => el.getAttribute('part'))))}`);
      }
      console.error(`two-tab diagnostics: ${sends.length} message.send frames seen`);
      throw e;
    });
  }
  assert.equal(sends.length, 1, `one message.send frame across both tabs, got ${sends.length}`);
  await context.close();
});

test('(1c) a message written offline survives a browser restart (same profile) and is sent once', async () => {
  const profile = mkdtempSync(join(tmpdir(), 'natter-e2e-profile-'));
  const launch = () => chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  try {
    const before = await launch();
    const page = before.pages()[0] ?? (await before.newPage());
    await page.goto(`${server.url}/?user=alice#p2p:carol`);
    await page.locator('#state[data-state="online"]').waitFor();
    await before.setOffline(true);
    await until(async () => (await page.locator('#state').getAttribute('data-state')) !== 'online', 'alice to go offline');
    await send(page, 'written before the restart');
    // Shown means persisted: the outbox writes to IndexedDB before the thread shows an entry.
    await row(page, 'written before the restart').waitFor();
    await before.close();

    const afterRestart = await launch();
    const again = afterRestart.pages()[0] ?? (await afterRestart.newPage());
    await again.goto(`${server.url}/?user=alice#p2p:carol`);
    await until(async () => (await history(server, 'carol', 'p2p:alice')).some((m) => m.elem.text === 'written before the restart'), 'the message to be sent after the restart', 30_000);
    await until(async () => /^(Sent|Read)$/.test((await row(again, 'written before the restart').locator('[part~="status"]').allInnerTexts()).join()), 'it to show sent');
    assert.equal((await history(server, 'carol', 'p2p:alice')).filter((m) => m.elem.text === 'written before the restart').length, 1);
    await afterRestart.close();
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});

test('(2) a rate-limited send says why and when, and resends once the window has passed', async () => {
  const windowMs = 4000;
  const limited = await startBuiltServer({ NATTER_SEND_RATE_PER_MINUTE: '2', NATTER_SEND_RATE_WINDOW_MS: String(windowMs) });
  try {
    const alice = await openAs(limited, 'alice', 'p2p:bob');
    for (const t of ['rate one', 'rate two', 'rate three']) await send(alice.page, t);
    const failed = row(alice.page, 'rate three');
    await failed.locator('[part~="resend-button"]').waitFor();
    // The server's fixed window opened when the first send reached it, which is before it refused
    // the third, so before now. (Timed from before the sends instead, a loaded machine delivered
    // the first send past any small margin, and the resend fell inside the window: issue 24.)
    const refusedBy = Date.now();
    // The failure's line is there at once; what it says comes with the sentences (thread/failure.ts, errorLine).
    await until(async () => /sending too fast\. Try again at \d/i.test(await failed.locator('[part~="error"]').innerText()), 'the row to say why and when to try again');
    await until(() => Date.now() > refusedBy + windowMs, 'the rate window to pass', windowMs + 5000);
    await failed.locator('[part~="resend-button"]').click();
    await until(async () => (await failed.locator('[part~="status"]').allInnerTexts()).join() === 'Sent', 'the resend to be acked');
    const stored = (await history(limited, 'bob', 'p2p:alice')).map((m) => m.elem.text);
    assert.deepEqual(stored.filter((t) => t?.startsWith('rate ')), ['rate one', 'rate two', 'rate three']);
    await alice.context.close();
  } finally {
    await limited.stop();
  }
});

async function pickTarget(page: Page, query: string): Promise<void> {
  const search = page.locator('chat-thread forward-dialog [part~="search"]');
  await search.fill(query);
  const target = page.locator('chat-thread forward-dialog [part~="target"]').filter({ hasText: query }).first();
  await target.locator('input').check();
}

test('(3) alice forwards one of bob’s messages to carol and to a group in one dialog action; carol sees "Forwarded from Bob"', async () => {
  await admin(server, 'POST', '/v1/messages', { from: 'bob', to: 'alice', elem: { type: 'text', text: 'bob’s news' } });
  await admin(server, 'POST', '/v1/messages', { from: 'carol', to: 'alice', elem: { type: 'text', text: 'hi from carol' } });
  const alice = await openAs(server, 'alice', 'p2p:bob');
  const carol = await openAs(server, 'carol', 'p2p:alice');
  const message = row(alice.page, 'bob’s news');
  await message.locator('[part~="actions-button"]').click();
  await alice.page.locator('chat-thread [part~="menu-item"][part~="forward"]').click();
  await pickTarget(alice.page, 'Carol');
  await pickTarget(alice.page, 'Demo group');
  await alice.page.locator('chat-thread forward-dialog [part~="confirm-button"]').click();
  await until(async () => (await alice.page.locator('chat-thread forward-dialog [part~="result"][part~="sent"]').count()) === 2, 'both targets to succeed');

  await until(async () => (await row(carol.page, 'bob’s news').count()) === 1, 'carol to receive the forward');
  assert.equal(plain(await row(carol.page, 'bob’s news').locator('[part~="forwarded-from"]').innerText()), 'Forwarded from Bob');
  const group = await history(server, 'carol', 'group:demo');
  assert.equal(group.filter((m) => m.elem.text === 'bob’s news' && m.forwardedFrom?.sender === 'bob').length, 1);
  await alice.context.close();
  await carol.context.close();
});

test('(4) forwarding a system notification is refused with the reason shown; the thread offers no Forward for it', async () => {
  const posted = await admin<{ id: string }>(server, 'POST', '/v1/messages', { from: 'alice', groupId: 'demo', elem: { type: 'system', event: 'custom', text: 'Maintenance at noon' } });
  const alice = await openAs(server, 'alice', 'group:demo');
  const notice = row(alice.page, 'Maintenance at noon');
  await notice.waitFor();
  assert.equal(await notice.locator('[part~="actions-button"]').count(), 0, 'no action menu on a notification');

  // A host page (or a stale menu) may still ask: the refusal is shown per target.
  await alice.page.evaluate((id) => void (document.querySelector('chat-thread') as unknown as { forward(ids: string[]): Promise<boolean> }).forward([id]), posted.id);
  await pickTarget(alice.page, 'Bob');
  await alice.page.locator('chat-thread forward-dialog [part~="confirm-button"]').click();
  const result = alice.page.locator('chat-thread forward-dialog [part~="result"][part~="failed"]');
  await result.waitFor();
  assert.equal(await result.locator('[part~="error"]').innerText(), 'System notifications and call events cannot be forwarded.');
  assert.equal((await history(server, 'bob', 'p2p:alice')).filter((m) => m.elem.text === 'Maintenance at noon').length, 0);
  await alice.context.close();
});

test('(5) a merged forward of 5 messages arrives as one message that carol opens to read all 5', async () => {
  const texts = ['m-one', 'm-two', 'm-three', 'm-four', 'm-five'];
  for (const text of texts) await admin(server, 'POST', '/v1/messages', { from: 'bob', to: 'alice', elem: { type: 'text', text } });
  // Alice's chat with carol is a target the dialog lists by name (typed, "Carol" alone is taken as a user id).
  await admin(server, 'POST', '/v1/messages', { from: 'carol', to: 'alice', elem: { type: 'text', text: 'carol for (5)' } });
  const alice = await openAs(server, 'alice', 'p2p:bob');
  const carol = await openAs(server, 'carol', 'p2p:alice');
  await row(alice.page, 'm-five').waitFor();
  await row(alice.page, 'm-one').locator('[part~="actions-button"]').click();
  await alice.page.locator('chat-thread [part~="menu-item"][part~="select"]').click();
  for (const text of texts.slice(1)) await row(alice.page, text).locator('[part~="select-checkbox"]').check();
  await alice.page.locator('chat-thread [part~="forward-merged-button"]').click();
  await pickTarget(alice.page, 'Carol');
  await alice.page.locator('chat-thread forward-dialog [part~="confirm-button"]').click();
  await alice.page.locator('chat-thread forward-dialog [part~="result"][part~="sent"]').waitFor();

  const merger = carol.page.locator('chat-thread [part~="merger"]').last();
  await merger.waitFor();
  await merger.locator('[part~="merger-open-button"]').click();
  const inner = await merger.locator('[part~="merger-messages"] li').allInnerTexts();
  assert.equal(inner.length, 5);
  texts.forEach((t, i) => assert.match(inner[i]!, new RegExp(t)));
  assert.equal(await merger.locator('[part~="merger-open-button"]').getAttribute('aria-expanded'), 'true');
  const stored = (await history(server, 'carol', 'p2p:alice')).filter((m) => m.elem.type === 'merger');
  assert.equal(stored.at(-1)?.elem.messages?.length, 5);
  await alice.context.close();
  await carol.context.close();
});

test('(6) offline, Forward as one message still opens the dialog (define.js registered it; no chunk to fetch), and carol gets it once when alice is back', async () => {
  const texts = ['off-fwd-one', 'off-fwd-two'];
  for (const text of texts) await admin(server, 'POST', '/v1/messages', { from: 'bob', to: 'alice', elem: { type: 'text', text } });
  await admin(server, 'POST', '/v1/messages', { from: 'carol', to: 'alice', elem: { type: 'text', text: 'carol for (6)' } });
  const alice = await openAs(server, 'alice', 'p2p:bob');
  const carol = await openAs(server, 'carol', 'p2p:alice');
  await row(alice.page, 'off-fwd-two').waitFor();
  await alice.context.setOffline(true);
  await until(async () => (await alice.page.locator('#state').getAttribute('data-state')) !== 'online', 'alice to notice she is offline');
  await row(alice.page, 'off-fwd-one').locator('[part~="actions-button"]').click();
  await alice.page.locator('chat-thread [part~="menu-item"][part~="select"]').click();
  await row(alice.page, 'off-fwd-two').locator('[part~="select-checkbox"]').check();
  await alice.page.locator('chat-thread [part~="forward-merged-button"]').click();
  // Before the fix the click fetched a one-line chunk re-exporting the dialog: offline that failed and nothing opened.
  await alice.page.locator('chat-thread forward-dialog [part~="dialog"][open]').waitFor();
  await pickTarget(alice.page, 'Carol');
  await alice.page.locator('chat-thread forward-dialog [part~="confirm-button"]').click();
  await alice.context.setOffline(false);
  await alice.page.locator('chat-thread forward-dialog [part~="result"][part~="sent"]').waitFor();
  await carol.page.locator('chat-thread [part~="merger"]', { hasText: 'off-fwd-two' }).waitFor();
  const stored = (await history(server, 'carol', 'p2p:alice')).filter((m) => m.elem.type === 'merger' && JSON.stringify(m.elem.messages).includes('off-fwd-two'));
  assert.equal(stored.length, 1);
  await alice.context.close();
  await carol.context.close();
});
