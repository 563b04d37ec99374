/**
 * Requests the HTTP parser refuses before any route runs (an oversize URL or header, bytes that
 * are not HTTP) are answered in the error table's shape, `{code, name, message}` with its
 * status, like every other REST error: not in fastify's default `{error, statusCode}`. And a
 * client cannot hold a connection open by declaring a body it never sends.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ERRORS } from '../../../src/protocol/index.js';
import { GUARD_MS } from '../../guard.js';
import { rawRequest as rawTo, unfinishedPost as unfinished } from '../helpers/raw-http.js';
import { ADMIN_KEY, createUsers, startServer, type TestServer } from '../helpers/test-server.js';

const rawRequest = (t: TestServer, raw: string, ms?: number) => rawTo(t.url, raw, ms);

function parse(response: string): { status: number; body: { code: number; name: string; message: string } } {
  const [head, rest] = response.split('\r\n\r\n');
  const length = Number(/content-length: (\d+)/i.exec(head!)?.[1]);
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head!)?.[1]), body: JSON.parse(rest!.slice(0, length)) };
}

describe('HTTP parser errors', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ requestBodyTimeoutMs: 500 });
  });
  after(() => t.stop());

  it('answers a URL or header past the parser limit with 413 FRAME_TOO_LARGE in the error shape', async () => {
    for (const res of [
      await fetch(`${t.url}/v1/users/alice/search?q=${'a'.repeat(100_000)}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }),
      await fetch(`${t.url}/healthz`, { headers: { 'x-padding': 'a'.repeat(20_000) } }),
    ]) {
      const body = (await res.json()) as { code: number; name: string; message: string };
      assert.equal(res.status, ERRORS.FRAME_TOO_LARGE.status);
      assert.deepEqual([body.code, body.name], [ERRORS.FRAME_TOO_LARGE.code, 'FRAME_TOO_LARGE']);
      assert.match(body.message, /larger than the server accepts/);
    }
  });

  it('answers bytes that are not HTTP with 400 BAD_REQUEST in the error shape, and keeps serving', async () => {
    const { status, body } = parse(await rawRequest(t, 'HELLO THERE\r\n\r\n'));
    assert.equal(status, 400);
    assert.deepEqual([body.code, body.name], [ERRORS.BAD_REQUEST.code, 'BAD_REQUEST']);
    assert.equal((await fetch(`${t.url}/healthz`)).status, 200);
  });

  it('refuses an admin route without the key, or an upload without a token, before reading the body, and closes the connection', async () => {
    // A body deadline twice the wait's guard: an answer that waited for the body (or its deadline) never comes within the wait.
    const patient = await startServer({ requestBodyTimeoutMs: 2 * GUARD_MS });
    try {
      for (const [path, name, status] of [['/v1/tokens', 'ADMIN_REQUIRED', 403], ['/v1/uploads?conversationId=p2p:bob&name=a.png', 'UNAUTHENTICATED', 401]] as const) {
        const answer = await rawRequest(patient, unfinished(path));
        assert.doesNotMatch(answer, /still open/, `${path}: the rest of the body is not waited for`);
        const parsed = parse(answer);
        assert.deepEqual([parsed.status, parsed.body.name], [status, name]);
      }
    } finally {
      await patient.stop();
    }
  });

  it('answers a body that never finishes arriving with 400 BAD_REQUEST after requestBodyTimeoutMs and closes the connection', async () => {
    // An admin route (key given), and a user route whose token is read only after the body.
    for (const raw of [unfinished('/v1/tokens', ADMIN_KEY), unfinished('/v1/files/tickets'), unfinished('/v1/push/subscriptions')]) {
      const started = performance.now();
      const answer = await rawRequest(t, raw);
      assert.doesNotMatch(answer, /still open/, raw.split('\r\n')[0]);
      const { status, body } = parse(answer);
      assert.deepEqual([status, body.code, body.name], [400, ERRORS.BAD_REQUEST.code, 'BAD_REQUEST']);
      assert.match(body.message, /did not arrive within/);
      assert.ok(performance.now() - started >= 450);
    }
    assert.equal((await fetch(`${t.url}/healthz`)).status, 200);
  });

  const upgrade = (path: string, key = 'dGhlIHNhbXBsZSBub25jZQ==', version = '13', method = 'GET') =>
    `${method} ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: ${version}\r\nSec-WebSocket-Key: ${key}\r\n\r\n`;

  it('answers a WebSocket upgrade on another path with 404 NOT_FOUND in the error shape', async () => {
    for (const path of ['/elsewhere', '/ws/../ws', '/WS']) {
      const { status, body } = parse(await rawRequest(t, upgrade(path)));
      assert.deepEqual([status, body.code, body.name], [404, ERRORS.NOT_FOUND.code, 'NOT_FOUND'], path);
    }
  });

  it('answers a WebSocket handshake ws refuses (key, version, method) with 400 BAD_REQUEST in the error shape', async () => {
    for (const raw of [upgrade('/ws', 'short'), upgrade('/ws', undefined, '99'), upgrade('/ws', undefined, undefined, 'POST')]) {
      const { status, body } = parse(await rawRequest(t, raw));
      assert.deepEqual([status, body.code, body.name], [400, ERRORS.BAD_REQUEST.code, 'BAD_REQUEST'], raw.split('\r\n')[0]);
      assert.match(body.message, /handshake is not valid/);
    }
  });
});

describe('stalled uploads', () => {
  let t: TestServer;
  before(async () => {
    // One unsent file per user: a stalled upload that kept its reservation would refuse the next.
    t = await startServer({ uploadIdleTimeoutMs: 400, uploadQuotaFiles: 1 });
    await createUsers(t, 'alice', 'bob');
  });
  after(() => t.stop());

  const head = (token: string, length: number) =>
    `POST /v1/uploads?conversationId=p2p:bob&name=a.bin HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nAuthorization: Bearer ${token}\r\nContent-Length: ${length}\r\n\r\n`;

  it('cuts an upload whose body stops arriving after uploadIdleTimeoutMs: 400 BAD_REQUEST, connection closed, its quota given back', async () => {
    const token = await t.token('alice');
    const started = performance.now();
    const answer = await rawRequest(t, `${head(token, 100_000)}${'x'.repeat(10)}`);
    assert.doesNotMatch(answer, /still open/, 'a stalled upload held its connection');
    const { status, body } = parse(answer);
    assert.deepEqual([status, body.code, body.name], [400, ERRORS.BAD_REQUEST.code, 'BAD_REQUEST']);
    assert.match(body.message, /stalled: no bytes arrived for 400 ms/);
    assert.ok(performance.now() - started >= 350, 'not before the deadline');
    // The reservation was given back: the user's one unsent file may be uploaded.
    const res = await fetch(`${t.url}/v1/uploads?conversationId=p2p:bob&name=b.bin`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: 'hello' });
    assert.equal(res.status, 201, await res.clone().text());
  });

  it('lets an upload that keeps sending take longer than uploadIdleTimeoutMs in all', async () => {
    const token = await t.token('bob');
    const { port } = new URL(t.url);
    const { connect } = await import('node:net');
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let data = '';
      socket.on('data', (c) => (data += c.toString()));
      socket.on('error', reject);
      socket.on('close', () => resolve(data));
      socket.write(head(token, 8).replace('p2p:bob', 'p2p:alice'));
      // 8 bytes, one each 150 ms: 1.2 s in all, three times the idle deadline, never idle for it.
      let sent = 0;
      const timer = setInterval(() => {
        socket.write('y');
        if (++sent === 8) clearInterval(timer);
      }, 150);
      socket.on('data', () => socket.end());
    });
    assert.match(answer, /^HTTP\/1\.1 201 /, answer.slice(0, 300));
  });
});

describe('connections that send nothing', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice');
  });
  after(() => t.stop());

  it('are closed after 120 s of silence (Node closes trickling headers, not a socket that never sends a byte)', () => {
    assert.equal(t.server.http.server.timeout, 120_000);
  });

  it('are closed once that has passed, while an open WebSocket quiet for longer stays open', async () => {
    const server = t.server.http.server;
    server.timeout = 300;
    try {
      const alice = await t.login('alice');
      const { port } = new URL(t.url);
      const closedAfter = await new Promise<number>((resolve, reject) => {
        const started = Date.now();
        const socket = connect(Number(port), '127.0.0.1');
        socket.on('error', reject);
        socket.on('close', () => resolve(Date.now() - started));
      });
      assert.ok(closedAfter < 5000, `closed after ${closedAfter} ms`);
      // Alice's socket has been quiet since before that one opened: longer than it.
      alice.send({ type: 'ping', reqId: 'p' });
      assert.equal((await alice.next('pong')).reqId, 'p');
      assert.equal(alice.closed, undefined);
    } finally {
      server.timeout = 120_000;
    }
  });
});
