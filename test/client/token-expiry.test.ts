/**
 * A session does not outlive its token: the server ends it at `exp` (a `TOKEN_EXPIRED` error
 * frame, then close 4440) and the client comes back at once with a fresh token from its
 * provider, resuming losslessly; a fixed token ends the client with the error; a provider that
 * keeps handing out expired (or about to expire) tokens never makes it loop.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import WS, { WebSocketServer } from 'ws';
import { createConnection, type Connection, type ConnectionOptions } from '../../src/client/connection.js';
import type { ConnectionState } from '../../src/client/types.js';
import { CLOSE_TOKEN_EXPIRED, PROTOCOL_VERSION, type ServerFrame } from '../../src/protocol/index.js';
import { connectClient, received, synced, until, useTestServer } from './real-server.js';

const ctx = useTestServer();
const { uid, connect, track } = ctx;

const ready: ServerFrame = { type: 'session.ready', protocol: PROTOCOL_VERSION, user: { id: 'alice' }, serverTime: 0 };
const expired = JSON.stringify({ type: 'error', code: 2002, name: 'TOKEN_EXPIRED', message: 'The token has expired.' });

/** A server that answers every `session.open` with `session.ready` and counts them; `expireAfterMs` ends each session as the real one does at `exp`. */
async function fakeServer(expireAfterMs?: number) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const opens: { at: number; token: string }[] = [];
  const sockets = new Set<WS>();
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; token: string };
      if (frame.type !== 'session.open') return;
      opens.push({ at: Date.now(), token: frame.token });
      ws.send(JSON.stringify(ready));
      if (expireAfterMs !== undefined) setTimeout(() => expire(ws), expireAfterMs);
    });
  });
  const expire = (ws: WS) => {
    ws.send(expired);
    ws.close(CLOSE_TOKEN_EXPIRED, 'TOKEN_EXPIRED');
  };
  const stop = () => new Promise<void>((resolve) => {
    for (const ws of sockets) ws.terminate();
    wss.close(() => resolve());
  });
  cleanups.push(stop);
  return { url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/ws`, opens, expireAll: () => [...sockets].forEach(expire), stop };
}

const cleanups: Array<() => unknown> = [];
after(async () => {
  for (const fn of cleanups) await fn();
});

function connection(url: string, overrides: Partial<ConnectionOptions> = {}) {
  let n = 0;
  const frames: ServerFrame[] = [];
  const states: ConnectionState[] = [];
  const c: Connection = createConnection({
    url,
    WebSocket: WS,
    getToken: () => `token-${++n}`,
    fixedToken: false,
    deviceId: 'device-1',
    cursors: () => ({}),
    onFrame: (frame) => frames.push(frame),
    onDown: () => {},
    pingIntervalMs: 60_000,
    // A reconnect that waited the backoff would take 5 s or more; a session is long-lived after 0.5 s.
    backoff: { minDelayMs: 5000, maxDelayMs: 30_000, minUptimeMs: 500 },
    ...overrides,
  });
  c.$state.subscribe((s) => void states.push(s));
  cleanups.push(() => c.close());
  c.start();
  return { c, frames, states };
}

describe('the connection on close 4440 (token expired)', () => {
  test('reconnects at once with a fresh token, without going offline and without passing the error on', async () => {
    const server = await fakeServer();
    // A reconnect that waited the backoff would take 60 s or more: twice the wait's guard.
    const { c, frames, states } = connection(server.url, { backoff: { minDelayMs: 60_000, maxDelayMs: 60_000, minUptimeMs: 500 } });
    await until(() => c.$state.get() === 'online', 'online');
    // A session that lasted its token's life (past `minUptimeMs`: it was not handed a dying token).
    await new Promise((resolve) => setTimeout(resolve, 700));
    const expiredAt = Date.now();
    server.expireAll();
    await until(() => server.opens.length === 2 && c.$state.get() === 'online', 'back online');
    assert.ok(server.opens[1]!.at - expiredAt < 60_000, `came back after ${server.opens[1]!.at - expiredAt} ms`);
    assert.deepEqual(server.opens.map((o) => o.token), ['token-1', 'token-2']);
    assert.ok(!states.includes('offline'), `states: ${states.join(', ')}`);
    assert.ok(states.includes('connecting'));
    assert.equal(c.$error.get(), undefined);
    assert.ok(!frames.some((f) => f.type === 'error'), 'the expiry is the connection\'s business');
  });

  test('a fixed token cannot be refreshed: the connection closes with TOKEN_EXPIRED and does not reconnect', async () => {
    const server = await fakeServer();
    const { c } = connection(server.url, { fixedToken: true, getToken: () => 'fixed' });
    await until(() => c.$state.get() === 'online', 'online');
    server.expireAll();
    await until(() => c.$state.get() === 'closed', 'closed');
    assert.equal(c.$error.get()?.name, 'TOKEN_EXPIRED');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(server.opens.length, 1);
  });

  test('sessions that expire as soon as they open (a provider of dying tokens) are retried with a growing wait, not in a loop', async () => {
    const server = await fakeServer(10);
    const { c } = connection(server.url, { backoff: { minDelayMs: 1000, maxDelayMs: 30_000, minUptimeMs: 500 } });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    // Waits drawn from 0-1 s, 0-1.5 s, 0-2.25 s … after the first: a handful, never hundreds.
    assert.ok(server.opens.length >= 1 && server.opens.length <= 6, `${server.opens.length} sessions in 3 s`);
    c.close();
  });
});

describe('a chat client whose token expires, against the real server', () => {
  test('reconnects with a fresh token at expiry and delivers what both sides send around it exactly once', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    let tokens = 0;
    // 7 s tokens: a session lives 6-7 s (`exp` is whole seconds), past the default `minUptimeMs` (5 s).
    const alice = track(
      connectClient(ctx.srv, '', {
        token: undefined,
        storageKey: a,
        getToken: () => (tokens++, ctx.srv.token(a, 7)),
      }),
    );
    const bob = await connect(b);
    const states: ConnectionState[] = [];
    alice.$connection.subscribe((s) => void states.push(s));
    const bobInbox = received(bob);
    const aliceInbox = received(alice);
    await Promise.all([synced(alice), synced(bob)]);
    assert.equal(tokens, 1);

    // Both send every 100 ms until alice has been back online for half a second.
    const sends: Promise<{ status: string }>[] = [];
    let i = 0;
    let backAt = 0;
    while (backAt === 0 || Date.now() - backAt < 500) {
      sends.push(alice.send(`p2p:${b}`, `a${i}`), bob.send(`p2p:${a}`, `b${i}`));
      i++;
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (backAt === 0 && tokens > 1 && alice.$connection.get() === 'online') backAt = Date.now();
      assert.ok(i < 150, 'the session should have expired within 15 s');
    }
    const results = await Promise.all(sends);
    assert.ok(results.every((r) => r.status === 'sent'), results.map((r) => r.status).join());
    const expected = (p: string) => Array.from({ length: i }, (_, k) => `${p}${k}`);
    const texts = (list: { elem: { type: string; text?: string } }[]) => list.map((m) => (m.elem.type === 'text' ? m.elem.text : ''));
    await until(() => bobInbox.length >= i && aliceInbox.length >= i, 'everything delivered');
    await Promise.all([synced(alice), synced(bob)]);
    assert.deepEqual(texts(bobInbox), expected('a'));
    assert.deepEqual(texts(aliceInbox), expected('b'));
    const thread = alice.messages(`p2p:${b}`).get();
    assert.equal(thread.length, 2 * i);
    assert.equal(new Set(thread.map((m) => m.id)).size, 2 * i);
    const history = (await (await ctx.srv.admin('GET', `/v1/users/${b}/conversations/p2p:${a}/messages?limit=200`)).json()) as { messages: unknown[] };
    assert.equal(history.messages.length, 2 * i);
    assert.equal(tokens, 2);
    assert.ok(!states.includes('offline'), `states: ${states.join(', ')}`);
  });

  test('a provider that keeps returning the expired token does not make the client loop', async () => {
    const a = uid('carol');
    const token = await ctx.srv.token(a, 2);
    let calls = 0;
    const client = track(
      connectClient(ctx.srv, '', {
        token: undefined,
        storageKey: a,
        getToken: () => (calls++, token),
        backoff: { minDelayMs: 1000, maxDelayMs: 30_000 },
      }),
    );
    await synced(client);
    await until(() => client.$connection.get() !== 'online', 'the session ends at exp');
    const endedAt = Date.now();
    const before = calls;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    // The first attempt after the expiry is at once; each refused one waits longer.
    assert.ok(calls - before >= 1 && calls - before <= 6, `${calls - before} attempts in ${Date.now() - endedAt} ms`);
    assert.notEqual(client.$connection.get(), 'online');
  });
});
