/**
 * NATTER_REQUEST_BODY_TIMEOUT_MS: the REST body deadline (`requestBodyTimeoutMs`) set from the
 * environment of `natter-server`, and refused at start when it is not a usable number of ms.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from '../../../bench/lib/spawn.js';
import { runMain } from '../helpers/natter-process.js';
import { rawRequest, unfinishedPost } from '../helpers/raw-http.js';

/** Half the defaults the variables replace (a 30 s body deadline, a 30 s grace): an answer within it is the variable's. */
const WITHIN_MS = 15_000;

describe('NATTER_REQUEST_BODY_TIMEOUT_MS', () => {
  it('sets the REST body deadline: a body that never finishes is answered 400 BAD_REQUEST after it, and the connection closed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'natter-body-env-'));
    const server = runMain({ PORT: String(await freePort()), HOST: '127.0.0.1', NATTER_DATA_DIR: dataDir, NATTER_SECRET: '', NATTER_DEV: '1', NATTER_REQUEST_BODY_TIMEOUT_MS: '400' });
    try {
      const url = await server.listening;
      const started = performance.now();
      const answer = await rawRequest(url, unfinishedPost('/v1/files/tickets'), WITHIN_MS);
      const elapsed = performance.now() - started;
      assert.doesNotMatch(answer, /still open/, 'the default 30 s deadline would still be waiting');
      assert.match(answer, /^HTTP\/1\.1 400 /);
      assert.match(answer, /"name":"BAD_REQUEST"/);
      assert.match(answer, /did not arrive within 400 ms/);
      assert.ok(elapsed >= 350, `answered after ${Math.round(elapsed)} ms, not before the deadline`);
      assert.equal((await fetch(`${url}/healthz`)).status, 200, 'the server keeps serving');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('NATTER_UPLOAD_MIN_BYTES_PER_SECOND and NATTER_UPLOAD_RATE_GRACE_MS set the upload rate floor: a trickle is answered 400 BAD_REQUEST after the grace', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'natter-body-env-'));
    const server = runMain({ PORT: String(await freePort()), HOST: '127.0.0.1', NATTER_DATA_DIR: dataDir, NATTER_SECRET: '', NATTER_DEV: '1', NATTER_UPLOAD_MIN_BYTES_PER_SECOND: '1000', NATTER_UPLOAD_RATE_GRACE_MS: '400' });
    try {
      const url = await server.listening;
      const { token } = (await (await fetch(`${url}/v1/dev/token?user=alice`)).json()) as { token: string };
      const started = performance.now();
      // 10 bytes of 100,000, then nothing more within the test: 1000 B/s after 400 ms cuts it at ~410 ms, long before the 60 s idle deadline.
      const answer = await rawRequest(url, `POST /v1/uploads?conversationId=group:demo&name=a.bin HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nAuthorization: Bearer ${token}\r\nContent-Length: 100000\r\n\r\n${'y'.repeat(10)}`, WITHIN_MS);
      const elapsed = performance.now() - started;
      assert.doesNotMatch(answer, /still open/, 'the default floor (30 s grace) would still be waiting');
      assert.match(answer, /^HTTP\/1\.1 400 /);
      assert.match(answer, /too slow: under 1000 bytes a second on average after the first 400 ms/);
      assert.ok(elapsed >= 350, `answered after ${Math.round(elapsed)} ms, not before the grace`);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  for (const [name, value, message] of [
    ['NATTER_REQUEST_BODY_TIMEOUT_MS', '30s', /NATTER_REQUEST_BODY_TIMEOUT_MS must be a positive integer, not "30s"/],
    ['NATTER_REQUEST_BODY_TIMEOUT_MS', '0', /NATTER_REQUEST_BODY_TIMEOUT_MS must be a positive integer, not "0"/],
    ['NATTER_REQUEST_BODY_TIMEOUT_MS', String(2 ** 31), /requestBodyTimeoutMs` must be at most 2147483647/],
    ['NATTER_UPLOAD_IDLE_TIMEOUT_MS', '1m', /NATTER_UPLOAD_IDLE_TIMEOUT_MS must be a positive integer, not "1m"/],
    ['NATTER_UPLOAD_IDLE_TIMEOUT_MS', String(2 ** 31), /uploadIdleTimeoutMs` must be at most 2147483647/],
    ['NATTER_UPLOAD_MIN_BYTES_PER_SECOND', '1k', /NATTER_UPLOAD_MIN_BYTES_PER_SECOND must be a positive integer, not "1k"/],
    ['NATTER_UPLOAD_MIN_BYTES_PER_SECOND', '0', /NATTER_UPLOAD_MIN_BYTES_PER_SECOND must be a positive integer, not "0"/],
    ['NATTER_UPLOAD_RATE_GRACE_MS', String(2 ** 31), /uploadRateGraceMs` must be at most 2147483647/],
    ['NATTER_SHUTDOWN_GRACE_MS', '10s', /NATTER_SHUTDOWN_GRACE_MS must be a positive integer, not "10s"/],
  ] as const) {
    it(`refuses to start with ${name}=${value}, saying why`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'natter-body-env-'));
      try {
        const server = runMain({ PORT: String(await freePort()), HOST: '127.0.0.1', NATTER_DATA_DIR: dataDir, NATTER_DEV: '1', [name]: value });
        server.listening.catch(() => undefined);
        assert.equal(await server.exited, 1);
        assert.match(server.stderr(), message);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
