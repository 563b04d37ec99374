/**
 * The script tag ships partysocket's ReconnectingWebSocket rewritten (`scripts/slim-partysocket.ts`):
 * shorter notes, no debug log calls, short private names, no public members our connection never
 * reads. The rewritten module, run against a real
 * `ws` server, still connects, carries frames both ways, queues while down, reconnects after a drop
 * with a fresh URL from its provider, and stops for good on close().
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import WS, { WebSocketServer, type WebSocket } from 'ws';
import { slimPartysocket } from '../../scripts/slim-partysocket.js';
import { GUARD_MS } from '../guard.js';

const original = readFileSync(join(import.meta.dirname, '../../node_modules/partysocket/dist/ws.js'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'natter-slim-partysocket-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const until = async (what: string, ok: () => boolean, ms = GUARD_MS) => {
  for (const end = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
};

test('the rewrite drops the long notes, the debug calls and the long private names, and is smaller', async () => {
  const slim = await slimPartysocket(original);
  assert.doesNotMatch(slim, /this\._debug\(/);
  assert.doesNotMatch(slim, /\._(ws|options|retryCount|shouldReconnect|messageQueue)\b/);
  assert.doesNotMatch(slim, /Please file an issue|npm install ws|ReconnectingWebSocket: send\(\) was called/);
  assert.match(slim, /partysocket: no WebSocket class/);
  // What src/client/connection.ts uses keeps its names; the public members it never reads are gone.
  for (const name of ['reconnect', 'readyState', 'addEventListener', 'send', 'close', 'OPEN', 'CLOSED']) assert.match(slim, new RegExp(`\\b${name}\\b`));
  for (const name of ['drainQueuedMessages', 'bufferedAmount', 'retryCount', 'get extensions', 'binaryType(', 'get shouldReconnect', 'get url', 'get protocol', '_debug(']) {
    assert.ok(!slim.includes(name), name);
  }
  assert.ok(slim.length < original.length * 0.8, `${slim.length} vs ${original.length}`);
});

test('a partysocket whose text changed fails the rewrite instead of slipping through', async () => {
  await assert.rejects(slimPartysocket(original.replace('No WebSocket implementation available', 'No WebSocket class')), /partysocket\/dist\/ws\.js changed/);
  await assert.rejects(slimPartysocket(original.replaceAll('this._debug(', 'this._log(')), /no this\._debug/);
  await assert.rejects(slimPartysocket(original.replace('drainQueuedMessages() {', 'drainQueue() {')), /no member drainQueuedMessages/);
});

test('the rewritten socket connects, carries frames, queues while down, reconnects with a fresh URL and stops on close()', async () => {
  const file = join(dir, 'ws.mjs');
  writeFileSync(file, await slimPartysocket(original));
  const { default: ReconnectingWebSocket } = (await import(pathToFileURL(file).href)) as typeof import('partysocket/ws');

  let rws: InstanceType<typeof ReconnectingWebSocket> | undefined;
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  after(() => {
    rws?.close();
    for (const ws of wss.clients) ws.terminate();
    return new Promise<void>((resolve) => wss.close(() => resolve()));
  });
  const { port } = wss.address() as { port: number };
  const sockets: WebSocket[] = [];
  const received: string[] = [];
  const urls: string[] = [];
  wss.on('connection', (ws, req) => {
    urls.push(req.url ?? '');
    sockets.push(ws);
    ws.on('message', (data) => {
      received.push(String(data));
      ws.send(`echo:${String(data)}`);
    });
  });

  let attempt = 0;
  rws = new ReconnectingWebSocket(async () => `ws://127.0.0.1:${port}/ws?attempt=${++attempt}`, undefined, {
    WebSocket: WS,
    minReconnectionDelay: 10,
    maxReconnectionDelay: 50,
    connectionTimeout: 2000,
  });
  const echoes: string[] = [];
  let opens = 0;
  rws.addEventListener('open', () => opens++);
  rws.addEventListener('message', (e) => echoes.push(String(e.data)));

  await until('the first open', () => opens === 1);
  rws.send('one');
  await until('the echo of one', () => echoes.includes('echo:one'));

  // The server drops the connection: partysocket reconnects by itself, asking for a new URL.
  // What is sent while it is down waits in its queue and goes out on the new connection.
  sockets[0]!.terminate();
  await until('the drop to be seen', () => rws!.readyState !== rws!.OPEN);
  // (Queued, not sent: `send` answers false.)
  assert.equal(rws.send('two'), false);
  await until('a second connection', () => opens === 2);
  assert.deepEqual(urls, ['/ws?attempt=1', '/ws?attempt=2']);
  await until('the echo of two', () => echoes.includes('echo:two'));

  // close() stops for good: no reconnect, and what is sent after it is refused, not queued forever.
  rws.close();
  await until('the server to see the close', () => sockets[1]!.readyState === WS.CLOSED);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(opens, 2);
  assert.deepEqual(received, ['one', 'two']);
  assert.equal(rws.readyState, rws.CLOSED);
});
