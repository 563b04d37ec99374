/**
 * `close()` ends within its grace period (`shutdownGraceMs`, NATTER_SHUTDOWN_GRACE_MS): Node's
 * close waits for every connection and stops cutting slow ones, so a client that stopped in the
 * middle of its request kept the server from stopping for 120 s (the idle timeout), or for ever in
 * a process with nothing else to do (the chaos test's restart hung in CI). A request that finishes
 * within the grace is still answered.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { GUARD_MS, until } from '../../guard.js';
import { ADMIN_KEY, startServer } from '../helpers/test-server.js';

/** A raw connection that writes `raw` and keeps what it reads in `data()`. */
function open(url: string, raw: string): { socket: Socket; data(): string } {
  let data = '';
  const socket = connect(Number(new URL(url).port), '127.0.0.1', () => socket.write(raw));
  socket.on('data', (chunk) => (data += chunk.toString()));
  socket.on('error', () => undefined);
  return { socket, data: () => data };
}

test('a client stopped in the middle of its request does not keep close() waiting past the grace', async () => {
  const t = await startServer({ shutdownGraceMs: 500 });
  const stalled = [
    open(t.url, 'GET /v1/users/alice HTTP/1.1\r\nHost: x\r\n'), // headers never finished
    open(t.url, `POST /v1/users/alice/conversations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`), // body never finished
  ];
  try {
    await until(() => new Promise<boolean>((resolve) => t.server.http.server.getConnections((_e, n) => resolve(n === stalled.length))), 'the server to hold both connections');
    const started = performance.now();
    let stopped = false;
    const stopping = t.stop().then(() => (stopped = true));
    await until(() => stopped, 'close() to end', GUARD_MS).catch(() => {
      throw new Error(`close() still waiting after ${GUARD_MS} ms (without the grace it waits for the 120 s idle timeout, or for ever)`);
    });
    await stopping;
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 450, `close() ended after ${Math.round(elapsed)} ms, before its 500 ms grace`);
    for (const { socket } of stalled) await until(() => socket.destroyed || socket.readableEnded, 'the server to close the stalled connection');
  } finally {
    for (const { socket } of stalled) socket.destroy();
  }
});

test('a request whose body arrives during the grace is answered before close() ends', async () => {
  const t = await startServer({ shutdownGraceMs: 20_000 });
  const body = JSON.stringify({ name: 'Alice' });
  // In progress once its headers are parsed (the server's 'request'): a connection accepted but not yet
  // read is idle to Node, and close() ends it at once (on a loaded machine that was what the test saw).
  let requested = false;
  t.server.http.server.once('request', () => (requested = true));
  const client = open(t.url, `PUT /v1/users/alice HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 3)}`);
  try {
    await until(() => requested, 'the server to have the request in progress');
    let stopped = false;
    const stopping = t.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(stopped, false, 'close() waits for the request in progress');
    client.socket.write(body.slice(3));
    await until(() => /^HTTP\/1\.1 200 /.test(client.data()), 'the request to be answered 200');
    await stopping;
  } finally {
    client.socket.destroy();
  }
});
