/**
 * Reaching people who are not looking (SPEC §10), whole product: the built server and the
 * script-tag widget on a page of the server's origin, in Chromium with the notifications
 * permission granted. Headless Chromium reports every page visible, so the Page Visibility API
 * is driven by the test (`__setHidden`, an init script); Notification, Web Locks, the service
 * worker and the server are the real ones. Created notifications are recorded as they are made.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { until } from './lib/browser.js';
import { adminRequest, type RunningServer } from './lib/server.js';
import { useBuiltProduct } from './lib/product.js';

let server: RunningServer;
let browser: Browser;
useBuiltProduct((s, b) => {
  server = s;
  browser = b;
});

const DEMO_DIR = new URL('../dist/demo', import.meta.url).pathname;
const written: string[] = [];
after(() => {
  for (const file of written) rmSync(file, { force: true });
});
const page = (user: string, extra = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme</title></head><body>
<h1>Acme</h1>
<script src="/cdn/natter.js" data-server="/ws" data-token-url="/v1/dev/token?user=${user}" ${extra}></script>
</body></html>`;

/**
 * Lets the test hide and show the page, and records every Notification made. A string, not a
 * function: the TypeScript loader would wrap a function's inner functions in a helper the page lacks.
 */
const INIT = `(() => {
  let hidden = false;
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  window.__setHidden = (h) => { hidden = h; document.dispatchEvent(new Event('visibilitychange')); };
  const Real = window.Notification;
  const made = [];
  window.__notifications = made;
  const Recorded = function (title, options) {
    const n = new Real(title, options);
    made.push({ title, body: options && options.body, tag: options && options.tag });
    window.__lastNotification = n;
    return n;
  };
  Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
  Recorded.requestPermission = Real.requestPermission.bind(Real);
  window.Notification = Recorded;
})();`;

/**
 * A page of the site, served by the server itself (a page Playwright made up would count as a
 * public origin, and Chromium then refuses its connections to a loopback server).
 */
async function openShop(context: BrowserContext, user: string, extra = ''): Promise<Page> {
  const name = `e2e-shop-${randomUUID()}.html`;
  writeFileSync(join(DEMO_DIR, name), page(user, extra));
  written.push(join(DEMO_DIR, name));
  const p = await context.newPage();
  p.on('pageerror', (e) => console.error(`[${user}] page error:`, e));
  await p.goto(`${server.url}/${name}`);
  await p.waitForFunction(() => (document.querySelector('chat-widget') as unknown as { client?: { $sync: { get(): string } } })?.client?.$sync.get() === 'synced');
  return p;
}

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.grantPermissions(['notifications'], { origin: server.url });
  await context.addInitScript({ content: INIT });
  return context;
}

const fromBob = (text: string) => adminRequest<{ id: string }>(server, 'POST', '/v1/messages', { from: 'bob', to: 'alice', elem: { type: 'text', text } });
const made = (p: Page) => p.evaluate(() => (window as unknown as { __notifications: { title: string; body?: string; tag?: string }[] }).__notifications);
const setHidden = (p: Page, hidden: boolean) => p.evaluate((h) => (window as unknown as { __setHidden(h: boolean): void }).__setHidden(h), hidden);
const holds = (p: Page, id: string) => p.evaluate((i) => (document.querySelector('chat-widget') as unknown as { client: { messages(c: string): { get(): { id: string }[] } } }).client.messages('p2p:bob').get().some((m) => m.id === i), id);
/**
 * Waits until every tab holds bob's message `id`. What a test then asserts of all tabs (nothing
 * counted, nothing shown) is asserted of tabs that heard it, not of one that has yet to.
 */
async function heldByAll(tabs: Page[], id: string, what: string): Promise<void> {
  for (const [i, t] of tabs.entries()) await until(() => holds(t, id), `tab ${i + 1} has ${what}`);
}

test('while hidden: the title counts new messages and ONE notification shows across two tabs; nothing while visible or muted', async () => {
  const context = await newContext();
  const [tab1, tab2] = [await openShop(context, 'alice'), await openShop(context, 'alice')];
  const tabs = [tab1, tab2];

  // Visible: nothing.
  const seen = await fromBob('while you look');
  // Both tabs hold it before they are hidden: a tab that got it later, while hidden, would rightly count it.
  await heldByAll(tabs, seen.id, 'the message');
  for (const t of tabs) {
    assert.equal(await t.title(), 'Acme');
    assert.deepEqual(await made(t), []);
  }

  // Hidden: the title counts in both tabs; one of them shows the notification.
  for (const t of tabs) await setHidden(t, true);
  await fromBob('are you there?');
  await fromBob('hello?');
  for (const t of tabs) await until(async () => (await t.title()) === '(2) Acme', 'the title counts 2');
  await until(async () => (await made(tab1)).length + (await made(tab2)).length === 2, 'two notifications, one per message');
  const all = [...(await made(tab1)), ...(await made(tab2))];
  assert.deepEqual(all.map((n) => n.body).sort(), ['are you there?', 'hello?']);
  assert.ok(all.every((n) => n.title === 'Bob' && n.tag === 'natter:p2p:bob'));

  // Hostile text is shown as text: the notification's body is the string itself, the title only counts.
  const hostile = '<img src=x onerror="document.title=1">\u202e!olleh';
  await fromBob(hostile);
  for (const t of tabs) await until(async () => (await t.title()) === '(3) Acme', 'the title counts 3');
  await until(async () => [...(await made(tab1)), ...(await made(tab2))].some((n) => n.body === hostile), 'the hostile text as the body, unchanged');
  assert.equal((await made(tab1)).length + (await made(tab2)).length, 3);

  // Its click focuses the page and opens the conversation; visible again, the title is the page's own.
  const owner = (await made(tab1)).length > 0 ? tab1 : tab2;
  await owner.evaluate(() => {
    const n = (window as unknown as { __lastNotification: Notification }).__lastNotification;
    n.onclick?.call(n, new Event('click'));
  });
  await until(() => owner.evaluate(() => {
    const w = document.querySelector('chat-widget') as unknown as { open: boolean; shadowRoot: ShadowRoot };
    return w.open && w.shadowRoot.querySelector('chat-thread')?.getAttribute('conversation') === 'p2p:bob';
  }), 'the widget opens on the conversation');
  for (const t of tabs) await setHidden(t, false);
  for (const t of tabs) assert.equal(await t.title(), 'Acme');

  // Muted (from the server, on every device): neither the title nor a notification.
  await tab2.evaluate(() => (document.querySelector('chat-widget') as unknown as { client: { mute(c: string): Promise<void> } }).client.mute('p2p:bob'));
  await until(() => tab1.evaluate(() => (document.querySelector('chat-widget') as unknown as { client: { isMuted(c: string): boolean } }).client.isMuted('p2p:bob')), 'tab 1 knows of the mute');
  for (const t of tabs) await setHidden(t, true);
  const quiet = await fromBob('muted one');
  await heldByAll(tabs, quiet.id, 'the muted message');
  for (const t of tabs) assert.equal(await t.title(), 'Acme');
  assert.equal((await made(tab1)).length + (await made(tab2)).length, 3);
  await context.close();
});

test('a tab hidden before its notifier is in counts the messages that came meanwhile, once it is', async () => {
  const context = await newContext();
  // The notifier comes in the extras chunk: held back until the messages are in the page.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await context.route(/\/cdn\/natter-extras-[^/]*\.js$/, async (route) => {
    await held;
    await route.continue();
  });
  const tab = await openShop(context, 'alice');
  await setHidden(tab, true);
  const fromCarol = (text: string) => adminRequest<{ id: string }>(server, 'POST', '/v1/messages', { from: 'carol', to: 'alice', elem: { type: 'text', text } });
  const sent = [await fromCarol('before the notifier, one'), await fromCarol('before the notifier, two')];
  await until(() => tab.evaluate((ids) => {
    const got = (document.querySelector('chat-widget') as unknown as { client: { messages(c: string): { get(): { id: string }[] } } }).client.messages('p2p:carol').get();
    return ids.every((id) => got.some((m) => m.id === id));
  }, sent.map((m) => m.id)), 'both messages are in the hidden page');
  assert.equal(await tab.title(), 'Acme', 'nothing counts them before the notifier is in');
  release();
  await until(async () => (await tab.title()) === '(2) Acme', 'the title counts the two that came before the notifier');
  await until(async () => (await made(tab)).length === 2, 'a notification for each');
  assert.deepEqual((await made(tab)).map((n) => n.body), ['before the notifier, one', 'before the notifier, two']);
  await context.close();
});

test('the service worker from the site\'s origin shows a pushed message as a notification, and its click opens the conversation', async () => {
  const context = await newContext();
  const shop = await openShop(context, 'alice', 'data-service-worker="/natter-sw.js"');
  const cdp = await context.newCDPSession(shop);
  const registrations: { registrationId: string; scopeURL: string }[] = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: { registrationId: string; scopeURL: string }[] }) => registrations.push(...e.registrations));
  await cdp.send('ServiceWorker.enable');
  // The widget registered the worker because notifications are allowed and it was named.
  await until(() => shop.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated'), 'the worker is active');
  const registrationId = await until(() => registrations.find((r) => r.scopeURL === `${server.url}/`)?.registrationId, 'its registration id');

  const payload = { v: 1, title: 'Bob', body: 'Dinner at 8?', conversationId: 'p2p:bob', messageId: 'm-1', seq: 9, time: Date.now() };
  const deliver = () => cdp.send('ServiceWorker.deliverPushMessage', { origin: server.url, registrationId: registrationId!, data: JSON.stringify(payload) });
  const notifications = () => shop.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    const list = (await reg?.getNotifications()) ?? [];
    return list.length > 0 ? list.map((n) => ({ title: n.title, body: n.body, tag: n.tag })) : undefined;
  });
  await deliver();
  // DevTools' push delivery was lost once in CI (no notification in 10 s; never in 8 runs here,
  // loaded or not): delivered again after 5 s, said in the output. The same push twice shows one
  // notification (its tag replaces), which the assertion below still requires.
  let shown = await until(notifications, 'the notification shows', 5_000).catch(() => undefined);
  if (!shown) {
    console.log('# the push was delivered again: the first delivery showed nothing in 5 s');
    await deliver();
    shown = await until(notifications, 'the notification shows after the push was delivered again');
  }
  assert.deepEqual(shown, [{ title: 'Bob', body: 'Dinner at 8?', tag: 'natter:p2p:bob' }]);

  // A click (acted out through the worker: a headless notification cannot be clicked) opens the conversation in the page.
  await shop.evaluate(async () => {
    navigator.serviceWorker.startMessages();
    const reg = await navigator.serviceWorker.getRegistration();
    reg!.active!.postMessage({ type: 'natter:click-notification', tag: 'natter:p2p:bob' });
  });
  await until(() => shop.evaluate(() => {
    const w = document.querySelector('chat-widget') as unknown as { open: boolean; shadowRoot: ShadowRoot };
    return w.open && w.shadowRoot.querySelector('chat-thread')?.getAttribute('conversation') === 'p2p:bob';
  }), 'the widget opens on the conversation');
  assert.equal(await shop.evaluate(async () => ((await (await navigator.serviceWorker.getRegistration())?.getNotifications()) ?? []).length), 0, 'the notification is closed');

  // With no page of the site open, the worker opens its scope with #natter-open=<conversation>: the widget there opens it.
  const fresh = await context.newPage();
  await fresh.goto(`${shop.url()}#natter-open=${encodeURIComponent('p2p:carol')}`);
  await until(() => fresh.evaluate(() => {
    const w = document.querySelector('chat-widget') as unknown as { open: boolean; shadowRoot: ShadowRoot } | null;
    return w?.open === true && w.shadowRoot.querySelector('chat-thread')?.getAttribute('conversation') === 'p2p:carol';
  }), 'the widget opens the conversation named in the address');
  assert.equal(new URL(fresh.url()).hash, '', 'the address is clean again');
  await context.close();
});

test('the header\'s do-not-disturb toggle, pressed by keyboard, quiets the title and notifications on every tab until turned off', async () => {
  const context = await newContext();
  const [tab1, tab2] = [await openShop(context, 'alice'), await openShop(context, 'alice')];
  const tabs = [tab1, tab2];
  const isDnd = (t: Page) => t.evaluate(() => (document.querySelector('chat-widget') as unknown as { client: { $mutes: { get(): { dnd?: number } } } }).client.$mutes.get().dnd !== undefined);
  // The test above left p2p:bob muted: unmuted, so only do-not-disturb can keep it quiet.
  await tab2.evaluate(() => (document.querySelector('chat-widget') as unknown as { client: { unmute(c: string): Promise<void> } }).client.unmute('p2p:bob'));
  await until(async () => !(await tab1.evaluate(() => (document.querySelector('chat-widget') as unknown as { client: { isMuted(c: string): boolean } }).client.isMuted('p2p:bob'))), 'tab 1 knows of the unmute');
  await tab1.locator('chat-widget [part~="launcher"]').click();
  const dnd = tab1.locator('chat-widget [part~="dnd-button"]');
  await dnd.waitFor();
  assert.equal(await dnd.getAttribute('aria-pressed'), 'false');
  await dnd.focus();
  await tab1.keyboard.press('Enter');
  await until(() => isDnd(tab2), 'the other tab (its own session) knows of do-not-disturb');
  await until(async () => (await dnd.getAttribute('aria-pressed')) === 'true', 'the toggle shows it on');
  for (const t of tabs) await setHidden(t, true);
  const quiet = await fromBob('under do-not-disturb');
  await heldByAll(tabs, quiet.id, 'the message under do-not-disturb');
  await new Promise((r) => setTimeout(r, 300));
  for (const t of tabs) assert.equal(await t.title(), 'Acme');
  assert.equal((await made(tab1)).length + (await made(tab2)).length, 0);

  // Off again (Space this time): the next message is announced once.
  await setHidden(tab1, false);
  await dnd.focus();
  await tab1.keyboard.press('Space');
  // Off on both tabs before the message: either may be the one that announces it.
  for (const [i, t] of tabs.entries()) await until(async () => !(await isDnd(t)), `off on tab ${i + 1}`);
  await setHidden(tab1, true);
  await fromBob('back on');
  await until(async () => (await made(tab1)).length + (await made(tab2)).length === 1, 'one notification');
  await context.close();
});

test('the notifier comes with the features loaded on first use: refused while the page was offline, it is fetched again once it is back online, and counts', async () => {
  const context = await newContext();
  const name = `e2e-shop-${randomUUID()}.html`;
  writeFileSync(join(DEMO_DIR, name), page('alice'));
  written.push(join(DEMO_DIR, name));
  const tab = await context.newPage();
  // The extras chunk (the notifier's) cannot be had, as on a connection that dropped after the panel came.
  const refused: string[] = [];
  const refuse = (route: import('playwright-core').Route) => (refused.push(route.request().url()), route.abort('internetdisconnected'));
  await tab.route(/\/natter-extras-[\w-]+\.js$/, refuse);
  await tab.goto(`${server.url}/${name}`);
  await tab.waitForFunction(() => (document.querySelector('chat-widget') as unknown as { client?: { $sync: { get(): string } } })?.client?.$sync.get() === 'synced');
  await tab.waitForFunction(() => !!customElements.get('chat-thread'));
  await until(() => refused.length > 0, 'the extras chunk to be asked for (and refused)');

  // No notifier yet: hidden, a message does not count.
  await setHidden(tab, true);
  const early = await fromBob('before the notifier');
  await until(() => holds(tab, early.id), 'the message arrives');
  assert.equal(await tab.title(), 'Acme');
  await setHidden(tab, false);

  // Back online: fetched again, and from now on the title counts.
  await tab.unroute(/\/natter-extras-[\w-]+\.js$/, refuse);
  await context.setOffline(true);
  await context.setOffline(false);
  await tab.waitForFunction(() => (document.querySelector('chat-widget') as unknown as { client?: { $sync: { get(): string } } })?.client?.$sync.get() === 'synced');
  await setHidden(tab, true);
  await until(async () => {
    await fromBob('after it came');
    return (await tab.title()).startsWith('(');
  }, 'the title to count a message once the notifier is in');
  await context.close();
});
