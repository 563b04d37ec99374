/**
 * Embedding, against the built server: the script-tag file `dist/cdn/natter.js` on another
 * site's page that knows nothing about Natter (its only script, served from a path of that
 * site's choosing, or from a CDN on another origin; the token comes from that site's backend,
 * which knows the visitor by a cookie), and the built examples (`/examples/plain.html`,
 * `react.html`, `vue.html`). The script loads its chunks from beside itself: first the widget's
 * closed state, then the panel's elements.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { until } from './lib/browser.js';
import { plain } from './lib/demo.js';
import { adminRequest, type RunningServer } from './lib/server.js';
import { useBuiltProduct } from './lib/product.js';

const ROOT = new URL('..', import.meta.url).pathname;

let server: RunningServer;
let browser: Browser;
let host: Awaited<ReturnType<typeof startHostSite>>;
let cdn: Awaited<ReturnType<typeof startCdn>>;

useBuiltProduct(async (s, b) => {
  server = s;
  browser = b;
  cdn = await startCdn();
  host = await startHostSite();
  // The host site and the CDN are other origins than the server's: allowed as a deployment would list them.
}, { NATTER_ALLOWED_ORIGINS: '*' });
after(async () => {
  await host?.close();
  await cdn?.close();
});

const CDN_DIR = join(ROOT, 'dist/cdn');
/** The source files a built chunk (`natter-<prefix>-<hash>.js`) was made from, read from its source map. */
const sourcesOf = (prefix: string) => (JSON.parse(readFileSync(join(CDN_DIR, readdirSync(CDN_DIR).find((n) => new RegExp(`^natter-${prefix}-[\\w-]+\\.js\\.map$`).test(n))!), 'utf8')) as { sources: string[] }).sources;
/** The files of the script-tag build (`natter.js` and its chunks); nothing else is served from it. */
const cdnFile = (name: string) => (/^natter[\w.-]*\.js$/.test(name) && readdirSync(CDN_DIR).includes(name) ? readFileSync(join(CDN_DIR, name)) : undefined);
const CDN_PATH = '/npm/natter@0.1.0/dist/cdn/';

/**
 * A CDN on an origin of its own: the build's files under a nested, versioned path, with the CORS
 * header public CDNs send (the chunks are ES modules, fetched in CORS mode). It logs every
 * request, and can hold back the files a pattern names until the test lets them through.
 */
async function startCdn() {
  const requests: string[] = [];
  const held: Array<{ pattern: RegExp; gate: Promise<void> }> = [];
  const failing: RegExp[] = [];
  const site = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://cdn').pathname;
    requests.push(path);
    const name = path.startsWith(CDN_PATH) ? path.slice(CDN_PATH.length) : '';
    const body = cdnFile(name);
    if (!body) return void res.writeHead(404, { 'access-control-allow-origin': '*' }).end();
    const fail = failing.findIndex((pattern) => pattern.test(name));
    if (fail >= 0) return void (failing.splice(fail, 1), res.writeHead(503, { 'access-control-allow-origin': '*' }).end());
    for (const h of held) if (h.pattern.test(name)) await h.gate;
    res.writeHead(200, { 'content-type': 'text/javascript', 'access-control-allow-origin': '*' }).end(body);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const { port } = site.address() as AddressInfo;
  return {
    // `localhost`, where the page is on `127.0.0.1`: another origin on the same loopback server.
    url: `http://localhost:${port}${CDN_PATH}`,
    requests,
    /** Holds back the files `pattern` names; call the result to let them (and those waiting) through. */
    hold(pattern: RegExp): () => void {
      let release!: () => void;
      const entry = { pattern, gate: new Promise<void>((resolve) => (release = resolve)) };
      held.push(entry);
      return () => {
        held.splice(held.indexOf(entry), 1);
        release();
      };
    },
    /** Answers the next request for a file `pattern` names with a 503. */
    failOnce(pattern: RegExp): void {
      failing.push(pattern);
    },
    close: () => new Promise<void>((resolve) => site.close(() => resolve())),
  };
}

/**
 * The locale chunks fetched since request `seen`, in order: `ru` (a catalogue's first part, the
 * strings shown without the features loaded on first use) and `ru-extras` (its second part,
 * fetched with those features: scripts/locale-parts.ts).
 */
const localesFetched = (seen: number) => cdn.requests.slice(seen).map((p) => /\/natter-([\w-]+)-[\w-]{8}\.js$/.exec(p)?.[1]).filter((n): n is string => !!n && !['core', 'panel', 'rolldown-runtime', 'extras'].includes(n));
/** The languages whose strings were fetched since request `seen` (either part). */
const languagesFetched = (seen: number) => [...new Set(localesFetched(seen).map((n) => n.replace(/-extras$/, '')))];

const admin = <T>(method: string, path: string, body?: object) => adminRequest<T>(server, method, path, body);

async function newPage(width = 1000): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 760 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  return page;
}

/**
 * Opens the CDN shop as jude with the features' chunk held back, and runs `body` with the page, a
 * release of the chunk, and a wait for the page to ask for it; the page is closed after.
 */
async function withExtrasHeld(body: (page: Page, extras: { release(): void; asked(): Promise<unknown> }) => Promise<void>): Promise<void> {
  const page = await newPage();
  const release = cdn.hold(/^natter-extras-/);
  try {
    const seen = cdn.requests.length;
    await page.goto(`${host.url}/cdn-shop?user=jude`);
    await synced(page);
    const asked = () => until(() => cdn.requests.slice(seen).some((p) => /\/natter-extras-[\w-]+\.js$/.test(p)), 'the features chunk to be asked for');
    await body(page, { release, asked });
  } finally {
    release();
    await page.context().close();
  }
}

/** 'waiting' while `p` is still pending half a second on, else 'done'. */
const stillPending = (p: Promise<unknown>) => Promise.race([p.then(() => 'done'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 500))]);

/**
 * Another site: its own origin (a second loopback port), a page whose one script is the CDN file
 * at a path of its choosing, and a token route of its own that knows the visitor by a cookie and
 * asks the Natter dev token route on the server side, as a host site's backend would.
 */
async function startHostSite(): Promise<{ url: string; close(): Promise<void> }> {
  const socketUrl = `${server.url.replace(/^http/, 'ws')}/ws`;
  const site = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    const vendored = url.pathname.startsWith('/assets/vendor/natter@0.1.0/') && cdnFile(url.pathname.slice('/assets/vendor/natter@0.1.0/'.length));
    if (vendored) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(vendored);
    } else if (url.pathname === '/shop') {
      const user = url.searchParams.get('user') ?? 'guest';
      const lang = /^[\w-]+$/.exec(url.searchParams.get('lang') ?? '')?.[0] ?? 'en';
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': `shop-session=${user}; Path=/; HttpOnly` }).end(
        `<!doctype html><html lang="${lang}"><head><title>A shop</title></head><body><h1>A shop</h1>
        <script src="/assets/vendor/natter@0.1.0/natter.js" data-server="${socketUrl}" data-token-url="/chat-token"
          data-conversation="group:demo" data-position="bottom-left"></script></body></html>`,
      );
    } else if (url.pathname === '/cdn-shop') {
      // The same page with the script from the CDN's origin (`?locale=` sets its data-locale, `?conversation=` its data-conversation).
      const user = url.searchParams.get('user') ?? 'guest';
      const locale = /^[\w-]+$/.exec(url.searchParams.get('locale') ?? '')?.[0];
      const conversation = /^[\w:-]+$/.exec(url.searchParams.get('conversation') ?? '')?.[0] ?? 'group:demo';
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': `shop-session=${user}; Path=/; HttpOnly` }).end(
        `<!doctype html><html lang="en"><head><title>A shop</title></head><body><h1>A shop</h1>
        <script src="${cdn.url}natter.js" data-server="${socketUrl}" data-token-url="/chat-token" data-conversation="${conversation}"${locale ? ` data-locale="${locale}"` : ''}></script></body></html>`,
      );
    } else if (url.pathname === '/chat-token') {
      const user = /shop-session=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];
      if (!user) return void res.writeHead(401).end();
      const dev = await fetch(`${server.url}/v1/dev/token?user=${user}`);
      res.writeHead(dev.status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(await dev.text());
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const { port } = site.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => site.close(() => resolve())) };
}

async function openHostPage(page: Page, user: string): Promise<void> {
  await page.goto(`${host.url}/shop?user=${user}`);
}

const synced = (page: Page) =>
  page.waitForFunction(() => document.querySelector('chat-widget')?.client?.$sync.get() === 'synced');

test('the script tag alone mounts a widget that shows unread, opens, sends, closes on Esc and remembers its state', async () => {
  const page = await newPage();
  await openHostPage(page, 'emma');
  assert.equal(await page.evaluate(() => document.scripts.length), 1, 'the page has no other script');
  assert.equal(await page.locator('chat-widget').getAttribute('position'), 'bottom-left');
  const launcher = page.locator('chat-widget [part~="launcher"]');
  assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.locator('chat-widget [part~="panel"]').isVisible(), false);
  await synced(page);

  // A message that arrives while the panel is closed shows on the launcher's badge.
  const badge = page.locator('chat-widget [part~="badge"]');
  const before = (await badge.count()) ? Number(await badge.innerText()) : 0;
  await admin('POST', '/v1/messages', { from: 'alice', groupId: 'demo', elem: { type: 'text', text: 'Welcome, Emma!' } });
  await until(async () => (await badge.count()) && Number(await badge.innerText()) === before + 1, 'the unread badge to count the new message');

  await launcher.click();
  assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
  await page.locator('chat-widget chat-thread [part~="bubble"]', { hasText: 'Welcome, Emma!' }).waitFor();
  const input = page.locator('chat-widget message-composer [part~="input"]');
  await until(() => input.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement), 'focus to move into the composer');
  await input.fill('Hello from the shop page');
  await input.press('Enter');
  await until(async () => {
    const history = await admin<{ messages: Array<{ elem: { text?: string }; sender: string }> }>('GET', '/v1/users/alice/conversations/group:demo/messages?limit=20');
    return history.messages.some((m) => m.sender === 'emma' && m.elem.text === 'Hello from the shop page');
  }, 'the message to be stored and visible to alice');

  await input.press('Escape');
  await page.locator('chat-widget [part~="panel"]').waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.querySelector('chat-widget')!.shadowRoot!.activeElement?.getAttribute('part')), 'launcher');

  // Closed stays closed across a reload; open stays open.
  await page.reload();
  await page.locator('chat-widget [part~="launcher"]').waitFor();
  assert.equal(await page.locator('chat-widget [part~="panel"]').isVisible(), false);
  await page.locator('chat-widget [part~="launcher"]').click();
  await page.reload();
  await page.locator('chat-widget [part~="panel"]').waitFor({ state: 'visible' });
  await page.context().close();
});

test('a Chinese page: the launcher and the panel speak Chinese (the build looks strings up by their ids)', async () => {
  const page = await newPage();
  await page.goto(`${host.url}/shop?user=li&lang=zh-CN`);
  const launcher = page.locator('chat-widget [part~="launcher"]');
  await until(async () => (await launcher.getAttribute('aria-label'))?.startsWith('打开聊天'), 'the launcher to be named in Chinese');
  await launcher.click();
  await until(async () => (await page.locator('chat-widget [part~="close-button"]').getAttribute('aria-label')) === '关闭聊天', "the panel's close button to be named in Chinese");
  await page.context().close();
});

test('an English page: the launcher speaks English before any catalogue, and the panel once the English chunk (its strings, out of the element code) is in: no ids, no empty labels', async () => {
  const chunk = (name: RegExp) => readFileSync(join(CDN_DIR, readdirSync(CDN_DIR).find((n) => name.test(n))!), 'utf8');
  assert.ok(!chunk(/^natter-panel-[\w-]+\.js$/).includes('Pick a conversation'), "the panel's chunk has no English text");
  assert.ok(chunk(/^natter-en-[\w-]{8}\.js$/).includes('Pick a conversation'));
  const release = cdn.hold(/^natter-en-[\w-]{8}\.js$/);
  const seen = cdn.requests.length;
  const page = await newPage();
  try {
    await page.goto(`${host.url}/cdn-shop?user=jon`);
    const launcher = page.locator('chat-widget [part~="launcher"]');
    await until(async () => (await launcher.getAttribute('aria-label')) === 'Open chat', 'the launcher to be named in English at first paint');
    await launcher.click();
    await until(() => cdn.requests.slice(seen).some((p) => /\/natter-en-[\w-]{8}\.js$/.test(p)), 'the English strings to be fetched');
    // Until they are in, the panel is its busy frame, named by the title: no element of it renders a string it lacks.
    const panel = page.locator('chat-widget [part~="panel"]');
    assert.equal(await panel.getAttribute('aria-busy'), 'true');
    assert.equal(await panel.getAttribute('aria-label'), 'Chat');
    assert.equal(await page.evaluate(() => !!customElements.get('message-composer')), false);
    release();
    const input = page.locator('chat-widget message-composer [part~="input"]');
    await until(async () => (await input.getAttribute('placeholder')) === 'Message', 'the composer in English');
    assert.equal(await page.locator('chat-widget [part~="close-button"]').getAttribute('aria-label'), 'Close chat');
    assert.equal(await panel.getAttribute('aria-busy'), 'false');
    assert.deepEqual(languagesFetched(seen), ['en']);
  } finally {
    release();
    await page.context().close();
  }
});

test('an English page whose English chunk failed to load (fetched with the panel on idle) asks for it again when the widget opens, and the panel speaks English', async () => {
  cdn.failOnce(/^natter-en-[\w-]{8}\.js$/);
  const seen = cdn.requests.length;
  const page = await newPage();
  try {
    // Whether the panel's elements were defined while the strings were not in (the page may ask
    // for them again on its own before the widget is opened: then the panel may come before the click).
    await page.addInitScript(() => {
      const flags: Record<string, string> = ((globalThis as unknown as { natterFlags: Record<string, string> }).natterFlags = {});
      addEventListener('lit-localize-status', (e) => {
        const { status } = (e as CustomEvent<{ status: string }>).detail;
        if (status === 'error') flags['localeFailed'] = '';
        if (status === 'ready') flags['localeReady'] = '';
      });
      const define = customElements.define.bind(customElements);
      customElements.define = (name, ...rest) => {
        if (name === 'message-composer') flags['composerBeforeStrings'] = String(flags['localeReady'] === undefined);
        define(name, ...rest);
      };
    });
    await page.goto(`${host.url}/cdn-shop?user=kim`);
    const flag = (name: string) => page.evaluate((n) => (globalThis as unknown as { natterFlags: Record<string, string> }).natterFlags[n], name);
    await until(async () => (await flag('localeFailed')) !== undefined, 'the English strings to fail once');
    await page.locator('chat-widget [part~="launcher"]').click();
    const input = page.locator('chat-widget message-composer [part~="input"]');
    await until(async () => (await input.getAttribute('placeholder')) === 'Message', 'the composer in English');
    assert.equal(await flag('composerBeforeStrings'), 'false', 'no panel without its strings');
    assert.equal(cdn.requests.slice(seen).filter((p) => /\/natter-en-[\w-]{8}\.js$/.test(p)).length, 2, 'the English chunk asked for twice');
  } finally {
    await page.context().close();
  }
});

test('on a 320px-wide screen the open panel fills the viewport', async () => {
  const page = await newPage(320);
  // Reduced motion also means the panel is in place at once (no rise animation to wait for).
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await openHostPage(page, 'fay');
  await page.locator('chat-widget [part~="launcher"]').click();
  const box = await page.locator('chat-widget [part~="panel"]').boundingBox();
  assert.deepEqual(box && [box.x, box.y, box.width, box.height], [0, 0, 320, 760]);
  await page.context().close();
});

test('from a CDN on another origin: the launcher comes first and the panel after it, both from beside the script; the panel opens at once and fills in', async () => {
  const release = cdn.hold(/^natter-panel-/);
  const seen = cdn.requests.length;
  const page = await newPage();
  try {
    await page.goto(`${host.url}/cdn-shop?user=gus`);
    const launcher = page.locator('chat-widget [part~="launcher"]');
    await launcher.waitFor();
    await synced(page);

    // The closed widget works without the panel's chunk: the badge counts a new message.
    assert.equal(await page.evaluate(() => !!customElements.get('chat-thread')), false, 'the panel is held back');
    const badge = page.locator('chat-widget [part~="badge"]');
    const before = (await badge.count()) ? Number(await badge.innerText()) : 0;
    await admin('POST', '/v1/messages', { from: 'alice', groupId: 'demo', elem: { type: 'text', text: 'Welcome, Gus!' } });
    await until(async () => (await badge.count()) && Number(await badge.innerText()) === before + 1, 'the unread badge to count the new message');

    // Opening does not wait for the chunk: the panel shows at once, busy until its elements arrive.
    await launcher.click();
    const panel = page.locator('chat-widget [part~="panel"]');
    assert.equal(await panel.isVisible(), true);
    assert.equal(await panel.getAttribute('aria-busy'), 'true');
    release();
    await page.locator('chat-widget chat-thread [part~="bubble"]', { hasText: 'Welcome, Gus!' }).waitFor();
    assert.equal(await panel.getAttribute('aria-busy'), 'false');
    const input = page.locator('chat-widget message-composer [part~="input"]');
    await until(() => input.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement), 'focus to move into the composer');
    await input.fill('Hello from a CDN-loaded widget');
    await input.press('Enter');
    await until(async () => {
      const history = await admin<{ messages: Array<{ elem: { text?: string }; sender: string }> }>('GET', '/v1/users/alice/conversations/group:demo/messages?limit=20');
      return history.messages.some((m) => m.sender === 'gus' && m.elem.text === 'Hello from a CDN-loaded widget');
    }, 'the message to be stored and visible to alice');

    // Every file came from the script's own directory on the CDN: the script, then the core.
    const requested = cdn.requests.slice(seen);
    assert.ok(requested.every((p) => p.startsWith(CDN_PATH)), requested.join(', '));
    const names = requested.map((p) => p.slice(CDN_PATH.length));
    assert.equal(names[0], 'natter.js');
    assert.match(names[1] ?? '', /^natter-core-[\w-]+\.js$/);
    assert.ok(names.some((n) => /^natter-panel-[\w-]+\.js$/.test(n)), names.join(', '));
    // The features opened on first use are never fetched ahead of the panel (they come on idle after it).
    const extrasAt = names.findIndex((n) => /^natter-extras-/.test(n));
    assert.ok(extrasAt === -1 || extrasAt > names.findIndex((n) => /^natter-panel-/.test(n)), names.join(', '));

    // The first search has them (fetched on idle or now), from beside the script too, and works.
    await page.locator('chat-widget chat-thread [part~="search-button"]').click();
    await page.locator('chat-widget chat-thread chat-search').waitFor();
    assert.ok(cdn.requests.slice(seen).some((p) => p.startsWith(CDN_PATH) && /\/natter-extras-[\w-]+\.js$/.test(p)), cdn.requests.slice(seen).join(', '));
    assert.equal(await page.evaluate(() => !!customElements.get('chat-search')), true);
  } finally {
    release();
    await page.context().close();
  }
});

test('a broadcast brings the banner into the open widget: registered with the first broadcast, not before, and announced', async () => {
  const seen = cdn.requests.length;
  const page = await newPage();
  try {
    await page.goto(`${host.url}/cdn-shop?user=iris`);
    await synced(page);
    await page.locator('chat-widget [part~="launcher"]').click();
    await page.locator('chat-widget message-composer [part~="input"]').waitFor();
    // Its code may be in already (fetched on idle with the other features opened on first use): not registered.
    assert.equal(await page.evaluate(() => !!customElements.get('broadcast-banner')), false, 'no banner without a broadcast');

    await admin('POST', '/v1/broadcasts', { content: 'The shop closes at six', from: 'Shop' });
    const banner = page.locator('chat-widget broadcast-banner');
    await banner.locator('[part~="content"]', { hasText: 'The shop closes at six' }).waitFor();
    assert.ok(cdn.requests.slice(seen).some((p) => /\/natter-extras-[\w-]+\.js$/.test(p)), cdn.requests.slice(seen).join(', '));
    // Said by its polite status region, which was there (empty) before the text came.
    await until(async () => plain((await banner.locator('[role="status"]').textContent()) ?? '') === 'Shop: The shop closes at six', 'the broadcast to be announced');
  } finally {
    await page.context().close();
  }
});

test("the launcher's first paint has no locale machinery: @lit/localize's runtime and the catalogue picking come with the panel", () => {
  const map = readdirSync(CDN_DIR).find((n) => /^natter-core-[\w-]+\.js\.map$/.test(n));
  assert.ok(map, 'the core chunk has a source map');
  const sources = (JSON.parse(readFileSync(join(CDN_DIR, map), 'utf8')) as { sources: string[] }).sources;
  assert.ok(sources.some((s) => s.endsWith('src/elements/i18n/core-locale.ts')), sources.join(', '));
  const machinery = sources.filter((s) => /src\/elements\/i18n\/(localize|locale|loaders)\.ts$|@lit\/localize\/(init\/runtime|internal\/runtime-msg)\.js$/.test(s));
  assert.deepEqual(machinery, []);
});

test("opening the widget fetches no schema of an answer only the features loaded on first use read: search results and a group's settings come with them", () => {
  const chunk = (prefix: string) => readFileSync(join(CDN_DIR, readdirSync(CDN_DIR).find((n) => new RegExp(`^natter-${prefix}-[\\w-]+\\.js$`).test(n))!), 'utf8');
  const [panel, extras] = [chunk('panel'), chunk('extras')];
  // The frame type of search's answer, and the one picklist value of a group's settings' schema.
  for (const text of ['search.results', 'since-join']) {
    assert.ok(!panel.includes(text), `the panel's chunk carries ${text}`);
    assert.ok(extras.includes(text), `the extras chunk lacks ${text}`);
  }
});

test("opening the widget fetches no @mention suggesting: finding the name typed and ranking the members come with the list, on the first @ in a group", () => {
  const map = readdirSync(CDN_DIR).find((n) => /^natter-panel-[\w-]+\.js\.map$/.test(n))!;
  const { sourcesContent } = JSON.parse(readFileSync(join(CDN_DIR, map), 'utf8')) as { sourcesContent: string[] };
  for (const fn of ['mentionQueryAt', 'mentionOptions']) assert.ok(!sourcesContent.some((text) => text.includes(`function ${fn}(`)), `the panel's chunk is built from ${fn}`);
});

test("the chunks export their bindings under their own names: the core's and the panel's export lists and the imports naming them carry no second name (scripts/short-chunk-exports.ts)", () => {
  const code = (prefix: string) => readFileSync(join(CDN_DIR, readdirSync(CDN_DIR).find((n) => new RegExp(`^natter-${prefix}-[\\w-]+\\.js$`).test(n))!), 'utf8');
  for (const prefix of ['core', 'panel']) {
    const list = /export\{([^}]*)\}/.exec(code(prefix))![1]!.split(',');
    const pairs = list.filter((e) => e.includes(' as ') && !/ as (defineAll)$/.test(e));
    // A binding named like another export keeps its pair (a swap is not worth it): a few at most.
    assert.ok(pairs.length <= list.length / 10, `${prefix}: ${pairs.length} of ${list.length} exports renamed: ${pairs.join(',')}`);
  }
  // What the panel imports from the core is what the core exports now.
  const coreExports = new Set(/export\{([^}]*)\}/.exec(code('core'))![1]!.split(',').map((e) => e.split(' as ').at(-1)));
  const panelImports = /import\{([^}]*)\}from"\.\/natter-core-/.exec(code('panel'))![1]!.split(',').map((e) => e.split(' as ')[0]!);
  assert.deepEqual(panelImports.filter((name) => !coreExports.has(name)), []);
});

test("who is online and the friend actions come with the features' chunk, fetched on idle after the panel: the client's presence tracker and friend actions are there, not in the panel's, and presence() waits for it", async () => {
  for (const file of ['src/client/presence.ts', 'src/client/friend-actions.ts']) {
    assert.ok(!sourcesOf('panel').some((s) => s.endsWith(file)), `the panel's chunk is built from ${file}`);
    assert.ok(sourcesOf('extras').some((s) => s.endsWith(file)), `the extras chunk lacks ${file}`);
  }

  await withExtrasHeld(async (page, extras) => {
    const tracker = page.evaluate(() => document.querySelector('chat-widget')!.client!.presence().then((t) => typeof t.$presence.get()));
    await extras.asked();
    assert.equal(await stillPending(tracker), 'waiting', 'presence waits for its code');
    extras.release();
    assert.equal(await tracker, 'object');
  });
});

test("a stored file's ticket code comes with the features' chunk: the panel's chunk lacks file-tickets.ts, and a file's URL waits for it (blank, as it waits for its ticket) before its ticket is asked for", async () => {
  assert.ok(!sourcesOf('panel').some((s) => s.endsWith('src/client/file-tickets.ts')), "the panel's chunk is built from file-tickets.ts");
  assert.ok(sourcesOf('extras').some((s) => s.endsWith('src/client/file-tickets.ts')), 'the extras chunk lacks file-tickets.ts');

  await withExtrasHeld(async (page, extras) => {
    const file = `${server.url}/v1/files/0123456789abcdef/photo.png`;
    const asked = page.waitForRequest((r) => r.url() === `${server.url}/v1/files/tickets` && r.method() === 'POST');
    assert.equal(await page.evaluate((url) => document.querySelector('chat-widget')!.client!.fileUrl(url), file), '', 'no URL before the ticket');
    await extras.asked();
    extras.release();
    await asked;
  });
});

test("a jump to a message not held loads the page around it with the features' chunk: the client's load-around code is there, not in the panel's", async () => {
  assert.ok(!sourcesOf('panel').some((s) => s.endsWith('src/client/load-around.ts')), "the panel's chunk is built from load-around.ts");
  assert.ok(sourcesOf('extras').some((s) => s.endsWith('src/client/load-around.ts')), 'the extras chunk lacks load-around.ts');

  // A message 80 messages back: a device that has just synced holds the newest 50 only (the widget
  // stays closed: opened, the thread would page back to this new reader's first unread message).
  const first = await admin<{ id: string }>('POST', '/v1/messages', { from: 'alice', groupId: 'demo', elem: { type: 'text', text: 'Far back in the history' } });
  for (let i = 0; i < 80; i++) await admin('POST', '/v1/messages', { from: 'alice', groupId: 'demo', elem: { type: 'text', text: `Later message ${i}` } });
  // The features' chunk comes when the jump asks for it, not before (held until then).
  await withExtrasHeld(async (page, extras) => {
    const held = () => page.evaluate((id) => document.querySelector('chat-widget')!.client!.messages('group:demo').get().some((m) => m.id === id), first.id);
    assert.equal(await held(), false, 'the old message is not held before the jump');
    const jump = page.evaluate((id) => document.querySelector('chat-widget')!.client!.loadAround('group:demo', id), first.id);
    await extras.asked();
    assert.equal(await stillPending(jump), 'waiting', 'the jump waits for its code');
    extras.release();
    assert.equal(await jump, true);
    assert.equal(await held(), true, 'the old message is held after the jump');
  });
});

test('once the page has loaded, the widget works offline: the panel, the emoji list and the features opened on first use (formatted text among them) came while the page was idle', async () => {
  const page = await newPage();
  // Fetched means the browser has the whole file: a request the CDN has seen may still be in flight
  // when the network goes (on a busy machine), and then the chunk is not there to be used offline.
  const fetched: string[] = [];
  page.on('requestfinished', (request) => fetched.push(new URL(request.url()).pathname));
  await page.goto(`${host.url}/cdn-shop?user=hana`);
  await synced(page);
  // Nobody opened the widget: the panel and what it loads on demand were fetched on idle.
  await page.waitForFunction(() => !!customElements.get('message-composer') && !!customElements.get('chat-thread'));
  // The features' chunk and its strings, the second part of the page's catalogue, which is asked
  // for only once the panel and the first part are in (CI once went offline between the two).
  await until(
    () => fetched.some((p) => /\/natter-extras-[\w-]+\.js$/.test(p)) && fetched.some((p) => /\/natter-en-extras-[\w-]+\.js$/.test(p)),
    'the features opened on first use (the emoji picker and its list, search, who reacted, dialogs) and their English to be fetched',
  );
  const failedImports: string[] = [];
  page.on('pageerror', (e) => failedImports.push(e.message));
  page.on('console', (m) => m.type() === 'error' && failedImports.push(m.text()));

  await page.context().setOffline(true);
  await page.waitForFunction(() => document.querySelector('chat-widget')?.client?.$connection.get() !== 'online');
  await page.locator('chat-widget [part~="launcher"]').click();
  await page.locator('chat-widget chat-thread [part~="bubble"]').first().waitFor();
  const composer = page.locator('chat-widget message-composer');
  await composer.locator('[part~="emoji-button"]').click();
  await composer.locator('[part~="emoji"]').first().waitFor();
  await composer.locator('[part~="emoji-button"]').click();
  // Search, never opened before, opens offline (and searches what this device holds).
  await page.locator('chat-widget chat-thread [part~="search-button"]').click();
  await page.locator('chat-widget chat-thread chat-search [part~="input"]').waitFor();
  await page.locator('chat-widget chat-thread [part~="search-button"]').click();
  assert.deepEqual(failedImports.filter((e) => /dynamically imported module|Failed to fetch/i.test(e)), []);
  const input = composer.locator('[part~="input"]');
  await input.fill('written offline in the widget');
  await input.press('Enter');
  await page.locator('chat-widget chat-thread [part~="message"][part~="self"]', { hasText: 'written offline in the widget' }).waitFor();
  // Formatted text's parser (in the features' chunk, fetched on idle) formats a message written offline.
  await input.fill('**bold offline** and plain');
  await input.press('Enter');
  await page.locator('chat-widget chat-thread [part~="message"][part~="self"] strong', { hasText: 'bold offline' }).waitFor();

  await page.context().setOffline(false);
  await until(async () => {
    const history = await admin<{ messages: Array<{ elem: { text?: string }; sender: string }> }>('GET', '/v1/users/alice/conversations/group:demo/messages?limit=20');
    return ['written offline in the widget', '**bold offline** and plain'].every((text) => history.messages.some((m) => m.sender === 'hana' && m.elem.text === text));
  }, 'the message written offline to be delivered when the network is back', 20_000);
  await page.context().close();
});

test("on a connection that asks to save data, opening the widget, reading and sending text fetch no features' chunk (the page's notifier, presence and the rest come at first use): a message while the page is hidden brings the notifier, which counts it and one that came while it loaded in the title", async () => {
  // A group of its own, plain text only (group:demo's history has formatted text by now, whose renderer is a feature).
  await admin('PUT', '/v1/users/sefa', { name: 'Sefa' });
  await admin('POST', '/v1/groups', { id: 'plain-savers', name: 'Plain savers', owner: 'alice', members: ['sefa'] });
  await admin('POST', '/v1/messages', { from: 'alice', groupId: 'plain-savers', elem: { type: 'text', text: 'Plain words to read' } });
  const seen = cdn.requests.length;
  const extras = () => cdn.requests.slice(seen).filter((p) => /\/natter-extras-[\w-]+\.js$/.test(p));
  const page = await newPage();
  try {
    // As text: tsx names the functions of a script passed as a function (`__name`), which the page lacks.
    await page.addInitScript({
      content: `Object.defineProperty(Navigator.prototype, 'connection', { value: { saveData: true } });
        let hidden = false;
        Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
        Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
        window.__hide = () => { hidden = true; document.dispatchEvent(new Event('visibilitychange')); };`,
    });
    await page.goto(`${host.url}/cdn-shop?user=sefa&conversation=group:plain-savers`);
    await synced(page);
    await page.locator('chat-widget [part~="launcher"]').click();
    await page.locator('chat-widget chat-thread [part~="bubble"]', { hasText: 'Plain words to read' }).waitFor();
    const input = page.locator('chat-widget message-composer [part~="input"]');
    await input.fill('A plain reply');
    await input.press('Enter');
    await page.locator('chat-widget chat-thread [part~="message"][part~="self"]', { hasText: 'A plain reply' }).waitFor();
    // Long enough for the idle fetches a connection that does not save data makes (the emoji list, then the features).
    await page.waitForTimeout(3000);
    assert.ok(cdn.requests.slice(seen).some((p) => /\/natter-panel-[\w-]+\.js$/.test(p)), 'the panel was fetched');
    assert.deepEqual(extras(), [], "the features' chunk was fetched");
    assert.equal(await page.title(), 'A shop');

    // The page hidden, a message arrives: the notifier comes, and counts that very message and the one
    // that came while its code was on the way (held back here until both are in).
    await page.evaluate(() => (window as unknown as { __hide(): void }).__hide());
    const release = cdn.hold(/^natter-extras-/);
    try {
      for (const text of ['While you are away', 'And another']) await admin('POST', '/v1/messages', { from: 'alice', groupId: 'plain-savers', elem: { type: 'text', text } });
      await until(() => extras().length === 1, "the features' chunk to be asked for");
      await until(() => page.evaluate(() => document.querySelector('chat-widget')!.client!.messages('group:plain-savers').get().some((m) => m.elem.type === 'text' && m.elem.text === 'And another')), 'both messages to be in');
      assert.equal(await page.title(), 'A shop', 'nothing counted before the notifier is in');
    } finally {
      release();
    }
    await until(async () => (await page.title()) === '(2) A shop', 'the title to count both messages');
    assert.equal(extras().length, 1, "the features' chunk fetched once, with the first message");
  } finally {
    await page.context().close();
  }
});

test('data-locale="ar" on an English page: the widget speaks Arabic, mirrored, and only the Arabic strings are fetched', async () => {
  const seen = cdn.requests.length;
  const page = await newPage();
  await page.goto(`${host.url}/cdn-shop?user=ines&locale=ar`);
  await synced(page);
  const launcher = page.locator('chat-widget [part~="launcher"]');
  await until(async () => (await launcher.getAttribute('aria-label'))?.startsWith('فتح الدردشة'), 'the launcher to be named in Arabic');
  await launcher.click();
  const input = page.locator('chat-widget message-composer [part~="input"]');
  await until(async () => (await input.getAttribute('placeholder')) === 'رسالة', 'the composer in Arabic');
  const [direction, sendLeft, inputLeft, pageDirection] = await page.evaluate(() => {
    const composer = document.querySelector('chat-widget')!.shadowRoot!.querySelector('message-composer')!;
    const [send, input] = ['send-button', 'input'].map((name) => composer.shadowRoot!.querySelector(`[part~="${name}"]`)!.getBoundingClientRect().left);
    return [getComputedStyle(composer).direction, send, input, getComputedStyle(document.body).direction];
  });
  assert.deepEqual([direction, pageDirection], ['rtl', 'ltr']);
  assert.ok(sendLeft < inputLeft, 'the send button is left of the input');
  assert.deepEqual(languagesFetched(seen), ['ar']);
  await page.context().close();
});

/**
 * Runs `use` on the Russian shop page, signed in as `user`, with the panel open, in a page whose
 * connection asks to save data: nothing is fetched on idle (thread/prefetch-extras.ts), only what a
 * step needs. `seen` is how many requests the CDN had before the page.
 */
async function inSaveDataRussianPanel(user: string, use: (page: Page, seen: number) => Promise<void>): Promise<void> {
  const seen = cdn.requests.length;
  const page = await newPage();
  try {
    // As text: tsx names the functions of a script passed as a function (`__name`), which the page lacks.
    await page.addInitScript({ content: "Object.defineProperty(Navigator.prototype, 'connection', { value: { saveData: true } });" });
    await page.goto(`${host.url}/cdn-shop?user=${user}&locale=ru`);
    await synced(page);
    await page.locator('chat-widget [part~="launcher"]').click();
    await use(page, seen);
  } finally {
    await page.context().close();
  }
}

/** Every label, placeholder, title and text `<chat-search>` shows (in its shadow root), and the search button's. */
function searchTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const thread = document.querySelector('chat-widget')!.shadowRoot!.querySelector('chat-thread')!.shadowRoot!;
    const root = thread.querySelector('chat-search')!.shadowRoot!;
    const texts: string[] = [];
    for (const el of [thread.querySelector('[part~="search-button"]')!, ...root.querySelectorAll('*')]) {
      for (const name of ['aria-label', 'placeholder', 'title']) if (el.getAttribute(name)) texts.push(el.getAttribute(name)!);
      for (const node of el.childNodes) if (node.nodeType === Node.TEXT_NODE && node.textContent!.trim() && el.checkVisibility()) texts.push(node.textContent!.trim());
    }
    return texts;
  });
}

test('a Russian page fetches the first part of the Russian strings with the panel; the search brings the second and shows once it is in, every string Russian; German then comes in both parts', async () => {
  await inSaveDataRussianPanel('rita', async (page, seen) => {
    const composer = page.locator('chat-widget message-composer [part~="input"]');
    await until(async () => (await composer.getAttribute('placeholder')) === 'Сообщение', 'the composer in Russian');
    assert.deepEqual(localesFetched(seen), ['ru'], 'opening the widget fetches the first part only');

    const release = cdn.hold(/^natter-ru-extras-/);
    try {
      await page.locator('chat-widget chat-thread [part~="search-button"]').click();
      await until(() => localesFetched(seen).includes('ru-extras'), "the search's strings to be asked for");
      // Not shown without its strings: no flash of empty or English labels.
      assert.equal(await page.evaluate(() => !!customElements.get('chat-search')), false);
      assert.equal(await page.locator('chat-widget chat-thread chat-search').count(), 0);
    } finally {
      release();
    }
    const input = page.locator('chat-widget chat-thread chat-search [part~="input"]');
    await until(async () => (await input.getAttribute('placeholder')) === 'Поиск', 'the search in Russian');
    const texts = await searchTexts(page);
    assert.ok(texts.length >= 3, texts.join(' | '));
    assert.deepEqual(texts.filter((t) => !/[а-яё]/i.test(t)), [], `every string Russian: ${texts.join(' | ')}`);

    await page.evaluate(() => (document.querySelector('chat-widget')!.lang = 'de'));
    await until(async () => (await input.getAttribute('placeholder')) === 'Suchen', 'the search in German');
    await until(async () => (await composer.getAttribute('placeholder')) === 'Nachricht', 'the composer in German');
    assert.deepEqual(localesFetched(seen), ['ru', 'ru-extras', 'de', 'de-extras']);
  });
});

test("opening the widget fetches none of the strings only the open message menu, the forward dialog, the list of who reacted, the emoji picker, the @mention list (with what the composer's status line says of it), the people views' own visibility checkbox and why a message or a change failed show: a page gets them with those features", async () => {
  const { templates } = (await import('../src/elements/i18n/locales/ru.js')) as { templates: Record<string, unknown> };
  const part = (name: string) => readFileSync(join(CDN_DIR, readdirSync(CDN_DIR).find((n) => new RegExp(`^natter-${name}-[\\w-]{8}\\.js$`).test(n))!), 'utf8');
  const [first, second] = [part('ru'), part('ru-extras')];
  for (const id of ['changes.deleteForMe', 'changes.moreReactions', 'ui.selectMessage', 'ui.forwardMerged', 'ui.noTargets', 'ui.searchPlaceholder', 'changes.reactorsFailed', 'composer.emojiNone', 'composer.category.nature', 'composer.mentions', 'composer.mentionAllHint', 'presence.show', 'presence.hiddenNote', 'presence.error.PRESENCE_DISABLED', 'composer.mentionLoading', 'error.USER_UNKNOWN', 'changes.error.PIN_FORBIDDEN']) {
    assert.ok(!first.includes(String(templates[id])), `the first part carries ${id}`);
    assert.ok(second.includes(String(templates[id])), `the second part lacks ${id}`);
  }
  // The count of suggestions (str templates, by the words around the number).
  assert.ok(!first.includes('Выберите стрелками'), 'the first part carries composer.suggestions');
  assert.ok(second.includes('Выберите стрелками'), 'the second part lacks composer.suggestions');
});

test("a failed load of the second part of the strings (offline) is asked for again, as the catalogue's is, and the search then speaks Russian", async () => {
  cdn.failOnce(/^natter-ru-extras-/);
  await inSaveDataRussianPanel('sami', async (page, seen) => {
    const button = page.locator('chat-widget chat-thread [part~="search-button"]');
    // Pointing at the button asks for the search (and its strings): the first answer fails.
    await button.hover();
    await until(() => localesFetched(seen).includes('ru-extras'), "the search's strings to be asked for");
    assert.equal(await page.evaluate(() => !!customElements.get('chat-search')), false);
    await button.click();
    const input = page.locator('chat-widget chat-thread chat-search [part~="input"]');
    await until(async () => (await input.getAttribute('placeholder')) === 'Поиск', 'the search in Russian');
    assert.deepEqual(localesFetched(seen), ['ru', 'ru-extras', 'ru-extras']);
    assert.deepEqual((await searchTexts(page)).filter((t) => !/[а-яё]/i.test(t)), []);
  });
});

test('examples/plain.html: the script tag on a static page connects and opens the demo group', async () => {
  const page = await newPage();
  await page.goto(`${server.url}/examples/plain.html`);
  assert.equal(await page.evaluate(() => document.querySelectorAll('script').length), 1);
  await synced(page);
  await page.locator('chat-widget [part~="launcher"]').click();
  await page.locator('chat-widget message-composer [part~="input"]').fill('plain page says hi');
  await page.locator('chat-widget message-composer [part~="send-button"]').click();
  await page.locator('chat-widget chat-thread [part~="message"][part~="self"]', { hasText: 'plain page says hi' }).waitFor();
  await page.context().close();
});

test('loading the script a second time (a second copy of Natter) registers nothing twice and throws nothing', async () => {
  const page = await newPage();
  const errors: Error[] = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${server.url}/examples/plain.html`);
  await page.locator('chat-widget [part~="launcher"]').waitFor();
  await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const again = Object.assign(document.createElement('script'), { src: '../cdn/natter.js?copy=2', onload: resolve, onerror: reject });
        document.head.append(again);
      }),
  );
  assert.deepEqual(errors, []);
  assert.equal(await page.evaluate(() => document.querySelectorAll('chat-widget').length), 1, 'a script tag without data-server mounts nothing');
  await page.context().close();
});

test('data-hide-presence on the script tag turns presence off in the widget it mounts', async () => {
  const page = await newPage();
  await page.goto(`${server.url}/examples/plain.html`);
  await page.locator('chat-widget [part~="launcher"]').waitFor();
  // No named functions inside evaluate: the test's transpiler would wrap them in a helper the page lacks.
  const read = await page.evaluate(() => {
    const [withFlag, withFalse] = [document.createElement('script'), document.createElement('script')];
    for (const s of [withFlag, withFalse]) s.dataset['server'] = 'ws://127.0.0.1:1/ws';
    withFlag.dataset['hidePresence'] = '';
    withFalse.dataset['hidePresence'] = 'false';
    const on = window.Natter!.optionsFromScript(withFlag);
    const off = window.Natter!.optionsFromScript(withFalse);
    const mounted = window.Natter!.mount(on!, document.createElement('div'));
    return { on: on?.hidePresence, off: off?.hidePresence ?? false, attribute: mounted.hasAttribute('hide-presence') };
  });
  assert.deepEqual(read, { on: true, off: false, attribute: true });
  await page.context().close();
});

test('Natter.defineAll() registers every element from the script tag: the panel\'s, then the group dialogs (a lazy chunk the panel\'s chunk imports)', async () => {
  const page = await newPage();
  const errors: Error[] = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${server.url}/examples/plain.html`);
  await page.locator('chat-widget [part~="launcher"]').waitFor();
  const defined = await page.evaluate(async () => {
    await window.Natter!.defineAll();
    return ['chat-widget', 'chat-session', 'conversation-list', 'chat-thread', 'message-composer', 'broadcast-banner', 'group-panel', 'group-create-dialog'].filter((tag) => !customElements.get(tag));
  });
  assert.deepEqual(defined, [], 'tags still not defined');
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('the example pages log no error in the console (nor a 404 for /favicon.ico)', async () => {
  for (const name of ['plain', 'react', 'vue']) {
    const page = await newPage();
    const errors: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/examples/${name}.html?user=quiet-${name}`);
    // The browser asks for the icon after the load event; network idle is after that answer.
    await page.waitForLoadState('networkidle');
    assert.deepEqual(errors, [], `examples/${name}.html`);
    await page.context().close();
  }
});

for (const framework of ['react', 'vue'] as const) {
  test(`examples/${framework}.html: the elements render, send, and their events reach ${framework} state`, async () => {
    const user = `${framework}-tester`;
    const page = await newPage();
    await page.goto(`${server.url}/examples/${framework}.html?user=${user}`);
    const input = page.locator('message-composer [part~="input"]');
    await input.fill(`sent from ${framework}`);
    await input.press('Enter');
    // Acked by the server: the own message leaves `sending`.
    await page.locator('chat-thread [part~="message"][part~="self"]:not([part~="sending"]):not([part~="waiting"]):not([part~="failed"])', { hasText: `sent from ${framework}` }).waitFor();

    // A new 1:1 conversation shows up in the list; picking it changes the framework's state.
    await admin('POST', '/v1/messages', { from: 'bob', to: user, elem: { type: 'text', text: `hi ${framework}` } });
    await page.locator('conversation-list [part~="item"][data-id="p2p:bob"]').click();
    await page.locator('[data-testid="selected"]', { hasText: 'p2p:bob' }).waitFor();
    await page.locator('chat-thread [part~="bubble"]', { hasText: `hi ${framework}` }).waitFor();
    await page.context().close();
  });
}
