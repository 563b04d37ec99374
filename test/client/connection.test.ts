/**
 * The client's reconnecting socket (`createConnection`, on partysocket's ReconnectingWebSocket)
 * against a real `ws` server that the tests steer: it opens a session on every connect with a
 * fresh token, reconnects after any close with a growing backoff, drops a socket that does not
 * open in time, reacts to the browser's offline/online, never lets partysocket queue a frame,
 * reconnects at once on 1012, never drops an unreadable server frame silently, and never
 * reconnects once closed (closing with 1000).
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import WS, { WebSocketServer } from 'ws';
import { createConnection, type Connection, type ConnectionOptions } from '../../src/client/connection.js';
import type { ClientFrame, ServerFrame } from '../../src/protocol/frames.js';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
import { until } from './real-server.js';

/** A server that answers `session.open` with `session.ready` (unless told not to) and records what it saw. */
async function startFakeServer(options: { ready?: boolean; answer?: (open: number) => ServerFrame | undefined } = {}) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const seen = {
    connects: [] as number[],
    opens: [] as Extract<ClientFrame, { type: 'session.open' }>[],
    closes: [] as { code: number; reason: string }[],
    frames: [] as ClientFrame[],
  };
  const sockets = new Set<WS>();
  wss.on('connection', (ws) => {
    seen.connects.push(Date.now());
    sockets.add(ws);
    ws.on('close', (code, reason) => {
      sockets.delete(ws);
      seen.closes.push({ code, reason: reason.toString() });
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ClientFrame;
      seen.frames.push(frame);
      if (frame.type !== 'session.open') return;
      seen.opens.push(frame);
      const ready: ServerFrame = { type: 'session.ready', protocol: PROTOCOL_VERSION, user: { id: 'alice' }, serverTime: Date.now() };
      const answer = options.answer ? options.answer(seen.opens.length) : options.ready === false ? undefined : ready;
      if (answer) ws.send(JSON.stringify(answer));
    });
  });
  const { port } = wss.address() as { port: number };
  const server = {
    url: `ws://127.0.0.1:${port}/ws`,
    seen,
    sockets,
    /** Closes every open socket from the server's side with this code. */
    closeAll(code: number, reason = '') {
      for (const ws of sockets) ws.close(code, reason);
    },
    stop: () => new Promise<void>((resolve) => {
      for (const ws of sockets) ws.terminate();
      wss.close(() => resolve());
    }),
  };
  servers.push(server);
  return server;
}

/** What the tests opened, closed when the file ends even after a failed assertion (or the process would hang on them). */
const open: Connection[] = [];
const servers: { stop(): Promise<void> }[] = [];
after(async () => {
  for (const c of open) c.close();
  await Promise.all(servers.map((s) => s.stop()));
});

function connect(url: string, overrides: Partial<ConnectionOptions> = {}): Connection {
  let tokens = 0;
  const connection = createConnection({
    url,
    WebSocket: WS,
    getToken: () => `token-${++tokens}`,
    fixedToken: false,
    deviceId: 'device-1',
    cursors: () => ({}),
    onFrame: () => {},
    onDown: () => {},
    pingIntervalMs: 60_000,
    backoff: { minDelayMs: 20, maxDelayMs: 200, growFactor: 2 },
    ...overrides,
  });
  open.push(connection);
  connection.start();
  return connection;
}

describe('createConnection', () => {
  test('opens a session with a fresh token on every connect and sends frames only while ready', async () => {
    const server = await startFakeServer();
    const downs: number[] = [];
    const c = connect(server.url, { onDown: () => downs.push(Date.now()) });
    assert.equal(c.$state.get(), 'connecting');
    assert.equal(c.send({ type: 'ping' }), false, 'nothing is buffered before the session is ready');
    await until(() => c.$state.get() === 'online', 'online');
    assert.equal(server.seen.opens[0]?.token, 'token-1');
    assert.equal(server.seen.opens[0]?.deviceId, 'device-1');
    assert.equal(c.send({ type: 'ping' }), true);
    await until(() => server.seen.frames.some((f) => f.type === 'ping'), 'ping received');

    server.closeAll(1001, 'SHUTTING_DOWN');
    await until(() => downs.length === 1, 'onDown after the server closed');
    await until(() => server.seen.opens.length === 2 && c.$state.get() === 'online', 'back online');
    assert.equal(server.seen.opens[1]?.token, 'token-2', 'a new token for the new connect');
    c.close();
    await server.stop();
  });

  test('reconnects after any close code the server sends', async () => {
    const server = await startFakeServer();
    const c = connect(server.url);
    await until(() => c.$state.get() === 'online', 'online');
    for (const [i, code] of [1000, 1011, 4401].entries()) {
      server.closeAll(code, 'bye');
      await until(() => server.seen.opens.length === i + 2 && c.$state.get() === 'online', `back after ${code}`);
    }
    c.close();
    await server.stop();
  });

  test('waits longer after each attempt that did not stay up, up to the ceiling', async () => {
    const server = await startFakeServer({ ready: false });
    // Every connection is closed as soon as it opens: the session never becomes ready.
    server.seen.connects.length = 0;
    const c = connect(server.url, { backoff: { minDelayMs: 40, maxDelayMs: 160, growFactor: 2 } });
    const closer = setInterval(() => server.closeAll(1011), 2);
    await until(() => server.seen.connects.length >= 6, 'six attempts');
    clearInterval(closer);
    c.close();
    const at = server.seen.connects;
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    // The growing part alone: 0 (first), then 40, 80, 160, 160 … ms (each gap also holds the
    // random part and the round trip, so only its lower bound is sure).
    const floors = [40, 80, 160, 160, 160];
    gaps.slice(0, floors.length).forEach((gap, i) => assert.ok(gap >= floors[i]! - 5, `gap ${i} is ${gap} ms, expected at least ${floors[i]} ms`));
    assert.equal(c.$state.get(), 'closed');
    await server.stop();
  });

  test('a socket that does not open in time is dropped and tried again', async () => {
    // Accepts TCP connections and never answers the upgrade.
    const held = new Set<Socket>();
    const silent: Server = createServer((tcp) => held.add(tcp));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    let attempts = 0;
    silent.on('connection', () => attempts++);
    const { port } = silent.address() as { port: number };
    const c = connect(`ws://127.0.0.1:${port}/ws`, { connectTimeoutMs: 100 });
    await until(() => attempts >= 3, 'three attempts');
    assert.equal(c.$state.get(), 'connecting');
    c.close();
    for (const tcp of held) tcp.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  test('a refused connection keeps retrying until the server is there', async () => {
    const server = await startFakeServer();
    const url = server.url;
    await server.stop();
    const c = connect(url);
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(c.$state.get(), 'connecting');
    // A new server on the same port.
    const port = Number(new URL(url).port);
    const again = new WebSocketServer({ port, host: '127.0.0.1' });
    again.on('connection', (ws) =>
      ws.on('message', () => ws.send(JSON.stringify({ type: 'session.ready', protocol: PROTOCOL_VERSION, user: { id: 'alice' }, serverTime: Date.now() }))),
    );
    await until(() => c.$state.get() === 'online', 'online once the server is up');
    c.close();
    for (const ws of again.clients) ws.terminate();
    await new Promise<void>((resolve) => again.close(() => resolve()));
  });

  test("offline drops the open socket; online retries at once, skipping the wait", async () => {
    const win = new EventTarget();
    (globalThis as { window?: unknown }).window = win;
    try {
      const server = await startFakeServer();
      // A backoff longer than the wait's guard: only `online` can bring the connection back before it.
      const c = connect(server.url, { backoff: { minDelayMs: 60_000, maxDelayMs: 60_000 } });
      await until(() => c.$state.get() === 'online', 'online');
      win.dispatchEvent(new Event('offline'));
      await until(() => server.seen.closes.length === 1, 'the socket was closed');
      assert.equal(server.seen.closes[0]?.code, 1000);
      assert.notEqual(c.$state.get(), 'online');
      // The next attempt waits 60 s and a random share of 60 s; `online` cuts the wait short.
      win.dispatchEvent(new Event('online'));
      await until(() => server.seen.opens.length === 2 && c.$state.get() === 'online', 'online again at once');
      c.close();
      await server.stop();
    } finally {
      delete (globalThis as { window?: unknown }).window;
    }
  });

  test('close() closes with 1000 and never reconnects, also while waiting to', async () => {
    const server = await startFakeServer();
    const c = connect(server.url);
    await until(() => c.$state.get() === 'online', 'online');
    c.close();
    assert.equal(c.$state.get(), 'closed');
    await until(() => server.seen.closes.length === 1, 'server saw the close');
    assert.deepEqual(server.seen.closes[0], { code: 1000, reason: 'client closed' });
    c.reconnect();
    c.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(server.seen.connects.length, 1);

    // Closed during a backoff wait: the attempt that was waiting does not connect.
    const d = connect(server.url, { backoff: { minDelayMs: 100, maxDelayMs: 100 } });
    await until(() => d.$state.get() === 'online', 'second online');
    server.closeAll(1011);
    await until(() => d.$state.get() === 'offline', 'offline');
    d.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(server.seen.connects.length, 2);
    assert.equal(d.$state.get(), 'closed');
    await server.stop();
  });

  test('reconnect() drops the socket and opens a new session', async () => {
    const server = await startFakeServer();
    const c = connect(server.url);
    await until(() => c.$state.get() === 'online', 'online');
    c.reconnect();
    assert.notEqual(c.$state.get(), 'online');
    await until(() => server.seen.opens.length === 2 && c.$state.get() === 'online', 'online again');
    assert.equal(server.seen.closes[0]?.code, 1000);
    c.close();
    await server.stop();
  });
  test('partysocket never queues: a frame refused while there is no session never reaches the server later', async () => {
    const server = await startFakeServer({ ready: false });
    const c = connect(server.url);
    await until(() => server.seen.opens.length === 1, 'session.open sent');
    // The socket is open, the session is not ready: refused, not buffered.
    assert.equal(c.send({ type: 'ping' }), false);
    server.closeAll(1011);
    await until(() => server.seen.closes.length === 1, 'closed');
    assert.equal(c.send({ type: 'ping' }), false, 'refused while reconnecting');
    await until(() => server.seen.opens.length === 2, 'reconnected');
    // The next session opens with session.open first, and nothing refused earlier follows it.
    const ready: ServerFrame = { type: 'session.ready', protocol: PROTOCOL_VERSION, user: { id: 'alice' }, serverTime: Date.now() };
    for (const ws of server.sockets) ws.send(JSON.stringify(ready));
    await until(() => c.$state.get() === 'online', 'online');
    assert.equal(c.send({ type: 'ping' }), true);
    await until(() => server.seen.frames.some((f) => f.type === 'ping'), 'the ping sent online');
    assert.deepEqual(server.seen.frames.map((f) => f.type), ['session.open', 'session.open', 'ping']);
    c.close();
    await server.stop();
  });

  test('a server frame that cannot be decoded is counted, fails the request it answers, and a lost replay batch resyncs', async () => {
    const server = await startFakeServer();
    const frames: ServerFrame[] = [];
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
    try {
      const c = connect(server.url, { onFrame: (f) => frames.push(f) });
      await until(() => c.$state.get() === 'online', 'online');
      const [ws] = [...server.sockets];
      // An answer over the 256 KiB frame limit (e.g. a history page of long texts).
      const huge = { type: 'history.page', reqId: 'r7', conversationId: 'p2p:bob', messages: [{ text: 'x'.repeat(300 * 1024) }] };
      ws!.send(JSON.stringify(huge));
      await until(() => frames.some((f) => f.type === 'error'), 'the request is answered with an error');
      const error = frames.find((f) => f.type === 'error') as Extract<ServerFrame, { type: 'error' }>;
      assert.equal(error.reqId, 'r7');
      assert.equal(error.name, 'FRAME_TOO_LARGE');
      assert.equal(c.$invalidFrames.get(), 1);
      // Malformed JSON: counted and logged.
      ws!.send('{"type":"message.new",');
      await until(() => c.$invalidFrames.get() === 2, 'malformed frame counted');
      assert.ok(warnings.length >= 2 && warnings.every((w) => w.includes('unreadable server frame')), warnings.join('\n'));
      assert.equal(c.$state.get(), 'online', 'neither one ends the session');
      // A replay batch the client cannot read: a new session replays from the cursors it holds.
      ws!.send(JSON.stringify({ type: 'sync.messages', conversationId: 'p2p:bob', fromSeq: 1, toSeq: 2, messages: 'not a list' }));
      await until(() => server.seen.opens.length === 2 && c.$state.get() === 'online', 'resynced with a new session');
      assert.equal(c.$invalidFrames.get(), 3);
      // The same again in the new session: not asked for again (the server would send it again).
      const again = [...server.sockets].at(-1); // the newest
      again!.send(JSON.stringify({ type: 'sync.messages', conversationId: 'p2p:bob', fromSeq: 1, toSeq: 2, messages: 'not a list' }));
      await until(() => c.$invalidFrames.get() === 4, 'counted');
      assert.equal(c.$state.get(), 'online', 'no second resync');
      c.close();
    } finally {
      console.warn = warn;
    }
    await server.stop();
  });

  // A refused session.open that says when to come back (too many sessions; a saturated store) is
  // opened again after retryAfterMs, not at once and not after the 10 s auth timeout. Timed from the
  // server's refusal and its second open, not from when a poll noticed them (a poll on a busy
  // machine notices late, which made the wait look shorter than it was).
  for (const [code, name, message] of [
    [5000, 'RATE_LIMITED', 'Too many sessions.'],
    [9001, 'UNAVAILABLE', 'The server is overloaded; try again shortly.'],
  ] as const) {
    test(`session.open refused ${name} comes back after retryAfterMs, not at once and not after a timeout`, async () => {
      let refusedAt = 0;
      let reopenedAt = 0;
      const server = await startFakeServer({
        answer: (n) => {
          if (n === 1) {
            refusedAt = Date.now();
            return { type: 'error', code, name, message, retryAfterMs: 600 };
          }
          reopenedAt = Date.now();
          return { type: 'session.ready', protocol: PROTOCOL_VERSION, user: { id: 'alice' }, serverTime: Date.now() };
        },
      });
      const c = connect(server.url);
      await until(() => c.$state.get() === 'online', 'online on the second open');
      assert.equal(server.seen.opens.length, 2);
      assert.ok(reopenedAt - refusedAt >= 590, `waited ${reopenedAt - refusedAt} ms, the server asked for 600`);
      c.close();
      await server.stop();
    });
  }

  test('1012 (the server asks for a resync) reconnects without the growing wait', async () => {
    const server = await startFakeServer();
    // The growing wait alone would be 60 s after a socket that did not stay up 5 s: twice the wait's guard.
    const c = connect(server.url, { backoff: { minDelayMs: 60_000, maxDelayMs: 60_000 } });
    await until(() => c.$state.get() === 'online', 'online');
    const random = Math.random;
    Math.random = () => 0; // no jitter: what is left is the growing wait
    try {
      server.closeAll(1012, 'RESYNC');
      await until(() => server.seen.opens.length === 2 && c.$state.get() === 'online', 'back at once');
    } finally {
      Math.random = random;
    }
    c.close();
    await server.stop();
  });
});
