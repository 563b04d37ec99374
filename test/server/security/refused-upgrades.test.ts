/**
 * A refused WebSocket upgrade (foreign origin, wrong path, a handshake ws rejects, the server
 * shutting down) is answered and its connection closed by the server: after the upgrade event
 * nobody reads the socket, so one that only ended its side never saw the client's close, held its
 * connection for ever, and kept `close()` waiting (the chaos test's server restart hung in CI).
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { GUARD_MS, until } from '../../guard.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startServer } from '../helpers/test-server.js';

const upgrade = (path: string, headers: Record<string, string> = {}) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n` +
  `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;

const REFUSED: Array<[what: string, raw: string, status: number]> = [
  ['a foreign origin', upgrade('/ws', { Origin: 'https://evil.example' }), 403],
  ['a path that is not the socket', upgrade('/nope'), 404],
  ['a handshake ws rejects (no key)', upgrade('/ws').replace(/Sec-WebSocket-Key: .*\r\n/, ''), 400],
];

test("a stranger's refused upgrades hold no connection: the server closes each, though the client never closes its side", async () => {
  const t = await startServer({ allowedOrigins: ['https://shop.example'] });
  const open = () => new Promise<number>((resolve, reject) => t.server.http.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
  const sockets: Socket[] = [];
  try {
    for (const [what, raw, status] of REFUSED) {
      for (let i = 0; i < 10; i++) {
        const answer = await refusedAndHeld(t.url, raw, sockets);
        assert.match(answer, new RegExp(`^HTTP/1.1 ${status} `), `${what}: refused with ${status}`);
      }
    }
    await until(async () => (await open()) === 0, 'the refused connections to close on the server', GUARD_MS).catch(async (e) => {
      throw new Error(`${(e as Error).message}: ${await open()} of ${REFUSED.length * 10} still open`);
    });
    // A well-behaved client, which closes after the refusal, is closed too.
    assert.match(await rawRequest(t.url, REFUSED[0]![1]), /^HTTP\/1.1 403 /);
  } finally {
    for (const s of sockets) s.destroy();
    await t.stop();
  }
});

/** Sends `raw` on a connection that reads the answer and never closes its side (kept in `sockets`); resolves with the answer's first chunk. */
function refusedAndHeld(url: string, raw: string, sockets: Socket[]): Promise<string> {
  const socket = connect({ port: Number(new URL(url).port), host: '127.0.0.1', allowHalfOpen: true }, () => socket.write(raw));
  socket.on('error', () => undefined);
  sockets.push(socket);
  return new Promise((resolve) => socket.once('data', (chunk) => resolve(chunk.toString())));
}

test('a server stops while a refused client keeps its connection open', async () => {
  const t = await startServer({ allowedOrigins: ['https://shop.example'] });
  const sockets: Socket[] = [];
  try {
    for (const [, raw] of REFUSED) await refusedAndHeld(t.url, raw, sockets);
    let stopped = false;
    const stopping = t.stop().then(() => (stopped = true));
    await until(() => stopped, 'the server to stop', GUARD_MS).catch(() => {
      throw new Error(`the server's close() was still waiting after ${GUARD_MS} ms`);
    });
    await stopping;
  } finally {
    for (const s of sockets) s.destroy();
  }
});

test('an upgrade that comes on an open connection while the server closes is refused 503 SHUTTING_DOWN at once, not left to the grace', async () => {
  // A grace longer than the guard: only an answered, closed connection lets close() end in time.
  const t = await startServer({ shutdownGraceMs: 120_000 });
  const socket = connect(Number(new URL(t.url).port), '127.0.0.1');
  socket.on('error', () => undefined);
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk.toString()));
  try {
    await new Promise((resolve) => socket.once('connect', resolve));
    await until(() => new Promise<boolean>((resolve) => t.server.http.server.getConnections((_e, n) => resolve(n === 1))), 'the server to hold the connection');
    let stopped = false;
    const stopping = t.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    socket.write(upgrade('/ws'));
    await until(() => answer.length > 0, 'an answer to the upgrade').catch(() => {
      throw new Error('the upgrade was never answered (its socket went to no listener)');
    });
    assert.match(answer, /^HTTP\/1.1 503 Service Unavailable\r\n/);
    assert.match(answer, /"name":"SHUTTING_DOWN"/);
    await until(() => stopped, 'close() to end');
    await stopping;
  } finally {
    socket.destroy();
  }
});
