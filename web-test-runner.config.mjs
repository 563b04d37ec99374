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

/** Starts a Natter server for the run and mints user tokens for the test pages. */
function natterServer() {
  const secret = `wtr-${crypto.randomUUID()}`;
  const key = new TextEncoder().encode(secret);
  let server;
  let dataDir;
  let wsUrl;
  let signUserToken;
  return {
    name: 'natter-server',
    async serverStart() {
      // The server is TypeScript; tsx loads it without a build step or a `--import` flag.
      const natter = await tsImport('./src/server/index.ts', import.meta.url);
      signUserToken = natter.signUserToken;
      dataDir = await mkdtemp(join(tmpdir(), 'natter-wtr-'));
      // The test pages come from the runner's own origin, not the chat server's.
      server = await natter.createChatServer({ dataDir, secret, adminKey: `admin-${crypto.randomUUID()}`, allowedOrigins: '*', broadcastsPerMinute: 1000 });
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
      if (context.path !== '/__natter/token') return undefined;
      const userId = String(context.query.user ?? '');
      const name = context.query.name ? String(context.query.name) : undefined;
      const token = await signUserToken(key, userId, { now: Date.now(), ttlSeconds: 3600, profile: name ? { name } : {} });
      return { body: JSON.stringify({ userId, token, url: wsUrl }), type: 'json', headers: { 'cache-control': 'no-store' } };
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
  testFramework: { config: { timeout: 10_000 } },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' }), natterServer()],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    }),
  ],
};
