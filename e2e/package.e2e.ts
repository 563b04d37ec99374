/**
 * The npm package as an app gets it: a page whose script an app's bundler (esbuild here) made
 * from `import 'natter/define'` and `import { … } from 'natter'`, resolved through the package's
 * `exports` to the built `dist/` files (what `npm publish` ships), against the built server.
 * The script-tag build and the demo are tested elsewhere; nothing else loads `dist/elements`.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { until } from './lib/browser.js';
import { adminRequest, type RunningServer } from './lib/server.js';
import { useBuiltProduct } from './lib/product.js';

const ROOT = new URL('..', import.meta.url).pathname;

let server: RunningServer;
let browser: Browser;
let app: { url: string; close(): Promise<void> };
const dir = mkdtempSync(join(tmpdir(), 'natter-app-'));

useBuiltProduct(async (s, b) => {
  server = s;
  browser = b;
  app = await startApp(await bundleApp());
  // The app is served from another origin than the server's: allowed as a deployment would list it.
}, { NATTER_ALLOWED_ORIGINS: '*' });
after(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An app's own module, bundled as its build would: `natter` is a dependency in node_modules. */
async function bundleApp(): Promise<string> {
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules/natter'), 'dir');
  const entry = `
    import 'natter/define';
    import { ChatSession, LIMITS, PROTOCOL_VERSION } from 'natter';
    const params = new URLSearchParams(location.search);
    const session = document.createElement('chat-session');
    session.setAttribute('server', params.get('server'));
    session.setAttribute('token', params.get('token'));
    session.innerHTML = '<chat-thread conversation="group:demo"></chat-thread><message-composer conversation="group:demo"></message-composer>';
    document.body.append(session);
    window.app = { sessionIsClass: session instanceof ChatSession, textBytes: LIMITS.textBytes, protocol: PROTOCOL_VERSION };
  `;
  const out = await build({
    stdin: { contents: entry, resolveDir: dir, loader: 'js' },
    bundle: true, write: false, format: 'esm', target: 'es2022', platform: 'browser', minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    // `natter` resolves through node_modules/natter/package.json `exports` to dist/; lit and the
    // other dependencies from beside it, as they would from the app's own node_modules.
    nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'error',
    metafile: true,
  });
  const inputs = Object.keys(out.metafile!.inputs);
  assert.ok(inputs.some((f) => /(^|\/)dist\/elements\/define\.js$/.test(f)), `the bundle uses dist/, not the sources: ${inputs.filter((f) => !f.includes('node_modules/lit')).slice(0, 5).join(', ')}`);
  assert.ok(!inputs.some((f) => f.endsWith('.ts')), 'no TypeScript source in the bundle');
  return out.outputFiles[0]!.text;
}

async function startApp(script: string): Promise<{ url: string; close(): Promise<void> }> {
  const site = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://app').pathname;
    if (path === '/app.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html lang="en"><head><title>An app</title><script type="module" src="/app.js"></script></head><body></body></html>');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const { port } = site.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => site.close(() => resolve())) };
}

test('an app bundling the published natter/define and natter gets working elements: a thread that shows history and a composer that sends', async () => {
  const token = ((await (await fetch(`${server.url}/v1/dev/token?user=hana`)).json()) as { token: string }).token;
  await adminRequest(server, 'PUT', '/v1/groups/demo/members/hana');
  await adminRequest(server, 'POST', '/v1/messages', { from: 'alice', groupId: 'demo', elem: { type: 'text', text: 'Hello from the package test' } });
  const page = await (await browser.newContext({ viewport: { width: 800, height: 700 } })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${app.url}?server=${encodeURIComponent(`${server.url.replace(/^http/, 'ws')}/ws`)}&token=${encodeURIComponent(token)}`);
  await page.locator('chat-thread [part~="bubble"]', { hasText: 'Hello from the package test' }).waitFor();
  const info = await page.evaluate(() => (window as unknown as { app: Record<string, unknown> }).app);
  assert.deepEqual(info, { sessionIsClass: true, textBytes: 8 * 1024, protocol: info.protocol });
  assert.equal(typeof info.protocol, 'number');

  const input = page.locator('message-composer [part~="input"]');
  await input.fill('Sent from an app bundle');
  await input.press('Enter');
  await until(async () => {
    const history = await adminRequest<{ messages: Array<{ sender: string; elem: { text?: string } }> }>(server, 'GET', '/v1/users/alice/conversations/group:demo/messages?limit=20');
    return history.messages.some((m) => m.sender === 'hana' && m.elem.text === 'Sent from an app bundle');
  }, 'the message to be stored');
  assert.deepEqual(errors, []);
  await page.context().close();
});
