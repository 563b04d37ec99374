// Element tests run in real Chromium against the real Natter server and client: the server
// starts with the test runner (127.0.0.1, a free port, a temporary data dir) and the test
// pages get tokens from a same-origin route, `/__natter/token?user=<id>[&name=<name>]`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { tsImport } from 'tsx/esm/api';

// One list of Chromium flags for every browser we launch (see RECIPES: Debian's Chromium).
const { CHROMIUM_ARGS, CHROMIUM_PATH } = await tsImport('./e2e/lib/browser.ts', import.meta.url);
const { makePng } = await tsImport('./e2e/lib/png.ts', import.meta.url);
/** The picture of `/__natter/og-page?image=1`: a real PNG, which the server proxies. */
const OG_IMAGE = makePng(120, 63, (x, y) => [40 + x, 90 + y, 200 - x]);

/** Starts a Natter server for the run and mints user tokens for the test pages. */
function natterServer() {
  const secret = `wtr-${crypto.randomUUID()}`;
  const key = new TextEncoder().encode(secret);
  let server;
  let dataDir;
  let wsUrl;
  let signUserToken;
  let ogImageHits = 0;
  return {
    name: 'natter-server',
    async serverStart({ config }) {
      // The server is TypeScript; tsx loads it without a build step or a `--import` flag.
      const natter = await tsImport('./src/server/index.ts', import.meta.url);
      signUserToken = natter.signUserToken;
      dataDir = await mkdtemp(join(tmpdir(), 'natter-wtr-'));
      // The test pages come from the runner's own origin, not the chat server's.
      // Link previews may fetch the runner's own pages (loopback, its port): the test switch, for
      // `/__natter/og-page`; their pictures are proxied (the recommended setting).
      // Friend requests on: the contacts view's request sections are what the browser tests look at (direct adds: the Node tests).
      server = await natter.createChatServer({
        dataDir, secret, adminKey: `admin-${crypto.randomUUID()}`, allowedOrigins: '*', broadcastsPerMinute: 1000, friendRequests: true,
        linkPreviews: { allowLoopback: true, ports: [config.port], images: 'proxy' },
      });
      const { url } = await server.listen(0, '127.0.0.1');
      wsUrl = `${url.replace(/^http/, 'ws')}/ws`;
    },
    async serverStop() {
      await server?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
    async serve(context) {
      // Admin broadcasts for element tests: `?content=&from=&offline=1`, or `?withdraw=<id>`.
      if (context.path === '/__natter/broadcast') {
        const q = context.query;
        const headers = { 'cache-control': 'no-store' };
        if (q.withdraw) {
          await server.core.broadcasts.withdraw(String(q.withdraw));
          return { body: '{}', type: 'json', headers };
        }
        const b = await server.core.broadcasts.send({ content: String(q.content ?? ''), offline: q.offline === '1', ...(q.from ? { from: String(q.from) } : {}) });
        return { body: JSON.stringify(b), type: 'json', headers };
      }
      // Groups for element tests: `?id=<groupId>&members=<a>,<b>[&name=]` creates one (admin).
      if (context.path === '/__natter/group') {
        const q = context.query;
        const members = String(q.members ?? '').split(',').filter(Boolean);
        await server.admin.createGroup({ id: String(q.id), name: String(q.name ?? q.id), members });
        return { body: JSON.stringify({ conversationId: `group:${q.id}` }), type: 'json', headers: { 'cache-control': 'no-store' } };
      }
      // Many reactors for element tests: `?group=<id>&members=<a>,<b>&from=<a>&emoji=&count=` creates
      // `count` users `<group>-r<i>` (named "Reactor <i>"), the group of them all, a message from
      // `from`, and each reactor's `emoji` on it, in order of `i`; answers `{conversationId, messageId}`.
      if (context.path === '/__natter/reactors') {
        const q = context.query;
        const count = Number(q.count ?? 0);
        const reactors = Array.from({ length: count }, (_, i) => `${q.group}-r${i + 1}`);
        for (const [i, id] of reactors.entries()) await server.core.store.putUser(id, { name: `Reactor ${i + 1}` }, Date.now());
        const members = [...String(q.members ?? '').split(',').filter(Boolean), ...reactors];
        await server.admin.createGroup({ id: String(q.group), name: 'Reactors', members });
        const conversationId = `group:${q.group}`;
        const sent = await server.admin.send({ from: String(q.from), groupId: String(q.group), elem: { type: 'text', text: 'react to this' } });
        for (const actor of reactors) {
          await server.core.changes.submit({
            actor, actorProfile: {}, conversationId, messageId: sent.message.id, changeId: crypto.randomUUID(),
            change: { kind: 'reaction', emoji: String(q.emoji), on: true },
          }, { admin: false });
        }
        return { body: JSON.stringify({ conversationId, messageId: sent.message.id }), type: 'json', headers: { 'cache-control': 'no-store' } };
      }
      // Mutes for element tests (SPEC §11): `?user=&groupId=&until=&reason=` mutes as the site's admin does
      // (everywhere without groupId, for good without until); `&lift=1` lifts it.
      if (context.path === '/__natter/mute') {
        const q = context.query;
        const groupId = q.groupId ? String(q.groupId) : undefined;
        const until = q.until ? Number(q.until) : null;
        const reason = q.reason ? String(q.reason) : undefined;
        // `site=1` with a group: as the site's REST mute does it, with the group's notice (issue 19).
        if (q.site === '1' && groupId) {
          if (q.lift === '1') await server.core.groups.siteUnmute(groupId, String(q.user));
          else await server.core.groups.siteMute(groupId, String(q.user), until, reason);
        } else if (q.lift === '1') await server.core.moderation.liftIfAny(String(q.user), 'mute', groupId ?? '');
        else await server.core.moderation.mute(String(q.user), groupId, until, reason);
        return { body: '{}', type: 'json', headers: { 'cache-control': 'no-store' } };
      }
      // Friends for element tests: `?a=<id>&b=<id>` makes them friends (admin), so each is a contact
      // of the other and the server names them to each other before they have a chat.
      if (context.path === '/__natter/friends') {
        await server.admin.setFriends(String(context.query.a), String(context.query.b), true);
        return { body: '{}', type: 'json', headers: { 'cache-control': 'no-store' } };
      }
      // A picture of any size for media elems in element tests: `/__natter/picture.svg?w=&h=&hue=`.
      if (context.path === '/__natter/picture.svg') {
        const w = Number(context.query.w ?? 320) || 320;
        const h = Number(context.query.h ?? 240) || 240;
        const hue = Number(context.query.hue ?? 210) || 0;
        const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><defs><linearGradient id="g" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue} 70% 60%)"/><stop offset="1" stop-color="hsl(${hue + 60} 70% 40%)"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/><circle cx="${w * 0.7}" cy="${h * 0.35}" r="${Math.min(w, h) * 0.12}" fill="#fff8"/><path d="M0 ${h} L${w * 0.35} ${h * 0.45} L${w * 0.6} ${h * 0.75} L${w * 0.75} ${h * 0.6} L${w} ${h} Z" fill="#0004"/></svg>`;
        return { body: svg, type: 'image/svg+xml', headers: { 'cache-control': 'no-store' } };
      }
      // Any message for element tests: `?json=<{from, to | groupId, elem, options?}>` sends it as
      // an admin would (any elem type, system notifications, any send option); answers the outcome.
      if (context.path === '/__natter/send') {
        const headers = { 'cache-control': 'no-store' };
        try {
          const outcome = await server.admin.send(JSON.parse(String(context.query.json ?? '{}')));
          return { body: JSON.stringify(outcome), type: 'json', headers };
        } catch (error) {
          return { status: 400, body: JSON.stringify({ error: String(error?.name ?? error), message: String(error?.message ?? '') }), type: 'json', headers };
        }
      }
      // A moderator's changes for element tests (the admin REST edit and pin): `?json=<{messageId,
      // users: [a, b] | groupId, text?, pin?}>` edits the text and/or pins, as `system`; answers `{}`.
      if (context.path === '/__natter/moderate') {
        const q = JSON.parse(String(context.query.json ?? '{}'));
        const place = q.groupId ? { groupId: q.groupId } : { users: q.users };
        if (q.text !== undefined) await server.admin.editMessage(q.messageId, place, { text: q.text });
        if (q.pin !== undefined) await server.admin.pinMessage(q.messageId, place, q.pin);
        return { body: '{}', type: 'json', headers: { 'cache-control': 'no-store' } };
      }
      // Long histories for element tests: `?from=&to=&count=[&prefix=][&mention=<i>,<j>]` sends
      // `count` texts `<prefix><i>` from one existing user to another (admin send), in order of
      // `i`, `to` @mentioned in the listed ones.
      if (context.path === '/__natter/seed') {
        const q = context.query;
        const count = Number(q.count ?? 0);
        const mention = new Set(String(q.mention ?? '').split(',').filter(Boolean).map(Number));
        const send = (i) => server.admin.send({
          from: String(q.from), to: String(q.to), elem: { type: 'text', text: `${q.prefix ?? '#'}${i}` },
          options: mention.has(i) ? { groupAtUserList: [String(q.to)] } : {},
        });
        // In batches: the store commits a batch per event-loop turn.
        for (let i = 0; i < count; i += 500) await Promise.all(Array.from({ length: Math.min(500, count - i) }, (_, k) => send(i + k)));
        return { body: JSON.stringify({ count }), type: 'json', headers: { 'cache-control': 'no-store' } };
      }
      // A web page with Open Graph tags, for link previews: `/__natter/og-page?title=[&image=1]`
      // (`image=1`: an og:image, `/__natter/og-image.png`, counted in `/__natter/og-image-hits`).
      if (context.path === '/__natter/og-page') {
        // Escaped as a page would; the server decodes it back (hostile titles reach the elements as text).
        const title = String(context.query.title ?? 'A page to preview').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
        const image = context.query.image ? `<meta property="og:image" content="/__natter/og-image.png?for=${encodeURIComponent(title)}">` : '';
        const html = `<!doctype html><html><head><title>fallback</title><meta property="og:title" content="${title}"><meta property="og:description" content="What the page is about, in a sentence or two."><meta property="og:site_name" content="Test Site">${image}</head><body>page</body></html>`;
        return { body: html, type: 'text/html', headers: { 'cache-control': 'no-store' } };
      }
      if (context.path === '/__natter/og-image.png') {
        ogImageHits++;
        return { body: OG_IMAGE, type: 'image/png', headers: { 'cache-control': 'no-store' } };
      }
      if (context.path === '/__natter/og-image-hits') return { body: JSON.stringify({ hits: ogImageHits }), type: 'json', headers: { 'cache-control': 'no-store' } };
      if (context.path !== '/__natter/token') return undefined;
      const userId = String(context.query.user ?? '');
      const name = context.query.name ? String(context.query.name) : undefined;
      const avatar = context.query.avatar ? String(context.query.avatar) : undefined;
      const token = await signUserToken(key, userId, { now: Date.now(), ttlSeconds: 3600, profile: { ...(name && { name }), ...(avatar && { avatar }) } });
      return { body: JSON.stringify({ userId, token, url: wsUrl }), type: 'json', headers: { 'cache-control': 'no-store' } };
    },
  };
}

/**
 * Real input in one go, without a round trip between events (a fling, a held key):
 * `executeServerCommand('wheel', { x, y, dy, dx?, times? })` wheels at page point (x, y) `times`
 * times; `executeServerCommand('press', { key, times })` presses a key `times` times.
 */
const inputCommands = {
  name: 'natter-input',
  async executeCommand({ command, payload, session }) {
    if (command !== 'wheel' && command !== 'press' && command !== 'screenshot') return undefined;
    const page = session.browser.getPage(session.id);
    // `executeServerCommand('screenshot', { path, clip? })`: a PNG of the page for a person to look at (under /tmp only).
    if (command === 'screenshot') {
      if (!String(payload.path).startsWith('/tmp/')) return false;
      await page.screenshot({ path: payload.path, ...(payload.clip && { clip: payload.clip }) });
      return true;
    }
    if (command === 'press') {
      for (let i = 0; i < (payload.times ?? 1); i++) await page.keyboard.press(payload.key);
      return true;
    }
    await page.mouse.move(payload.x, payload.y);
    for (let i = 0; i < (payload.times ?? 1); i++) await page.mouse.wheel(payload.dx ?? 0, payload.dy ?? 0);
    return true;
  },
};

/**
 * The element tests' imports of `@open-wc/testing` get `test/elements/open-wc.ts`: the same, with a
 * `waitUntil` that waits up to 30 s when the call names no timeout (open-wc's own: 1 s).
 */
const OPEN_WC = '/test/elements/open-wc.ts';
const openWcWithLongerWaits = {
  name: 'natter-open-wc',
  resolveImport({ source, context }) {
    if (source === '@open-wc/testing' && context.path !== OPEN_WC) return OPEN_WC;
    return undefined;
  },
};

/**
 * Every test file in a page of its own, all pages in one browser context: the context's HTTP cache
 * (and the compiled code Chromium keeps beside it) carries the ~340 modules each file imports from
 * one file to the next. In a context of its own, each file fetched, parsed and compiled them all
 * again: 8 files took 201 s against 100 s shared (load 24). What a file leaves in its origin's
 * storage goes with its page (a file never sees another's dismissed banner, widget state or
 * IndexedDB outbox: test/elements/storage-isolation-*.test.ts), as it did with its context.
 * Permissions are the context's: no element test asks for one (the notifications prompt is only shown).
 */
const STORAGE_TYPES = 'cookies,local_storage,indexeddb,websql,file_systems,cache_storage,service_workers,shader_cache';
function sharedContextPages() {
  let shared;
  return {
    async createBrowserContext({ browser }) {
      shared ??= await browser.newContext();
      const origins = new Set();
      const file = {
        page: undefined,
        origins,
        // What the launcher calls when a file is done (it has already gone to about:blank).
        async close() {
          if (!file.page || file.page.isClosed()) return;
          const cdp = await shared.newCDPSession(file.page);
          for (const origin of origins) await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: STORAGE_TYPES });
          await cdp.detach();
          await file.page.close();
        },
      };
      return file;
    },
    async createPage({ context: file }) {
      file.page = await shared.newPage();
      file.page.on('framenavigated', (frame) => {
        const { origin, protocol } = new URL(frame.url());
        if (protocol === 'http:' || protocol === 'https:') file.origins.add(origin);
      });
      return file.page;
    },
  };
}

// nanostores reads `process.env.NODE_ENV`, which bundlers replace and browsers lack.
const testRunnerHtml = (testFramework) => `<!doctype html>
<html>
  <head><script>window.process = { env: { NODE_ENV: 'development' } };</script></head>
  <body><script type="module" src="${testFramework}"></script></body>
</html>`;

export default {
  files: ['test/elements/**/*.test.ts'],
  nodeResolve: true,
  testRunnerHtml,
  concurrency: 1,
  // A test's own guard: past the waits' (test/guard.ts, 30 s), so a wait that times out names what it waited for.
  testFramework: { config: { timeout: 60_000 } },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' }), openWcWithLongerWaits, natterServer(), inputCommands],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      // A synthetic microphone that needs no prompt (RECIPES: "Recording audio"), for voice notes.
      launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] },
      ...sharedContextPages(),
    }),
  ],
};
