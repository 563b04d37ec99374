/**
 * Requests the HTTP parser refuses before any route runs (an oversize URL or header, bytes that
 * are not HTTP) are answered in the error table's shape, `{code, name, message}` with its
 * status, like every other REST error: not in fastify's default `{error, statusCode}`.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ERRORS } from '../../../src/protocol/index.js';
import { ADMIN_KEY, startServer, type TestServer } from '../helpers/test-server.js';

/** Writes `raw` on a fresh TCP connection and reads until the server closes it. */
function rawRequest(t: TestServer, raw: string): Promise<string> {
  const { port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(raw));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(data));
  });
}

function parse(response: string): { status: number; body: { code: number; name: string; message: string } } {
  const [head, body] = response.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head!)?.[1]), body: JSON.parse(body!) };
}

describe('HTTP parser errors', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
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
});
