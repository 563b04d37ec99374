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

describe('NATTER_REQUEST_BODY_TIMEOUT_MS', () => {
  it('sets the REST body deadline: a body that never finishes is answered 400 BAD_REQUEST after it, and the connection closed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'natter-body-env-'));
    const server = runMain({ PORT: String(await freePort()), HOST: '127.0.0.1', NATTER_DATA_DIR: dataDir, NATTER_SECRET: '', NATTER_DEV: '1', NATTER_REQUEST_BODY_TIMEOUT_MS: '400' });
    try {
      const url = await server.listening;
      const started = performance.now();
      const answer = await rawRequest(url, unfinishedPost('/v1/files/tickets'), 5_000);
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

  for (const [name, value, message] of [
    ['NATTER_REQUEST_BODY_TIMEOUT_MS', '30s', /NATTER_REQUEST_BODY_TIMEOUT_MS must be a positive integer, not "30s"/],
    ['NATTER_REQUEST_BODY_TIMEOUT_MS', '0', /NATTER_REQUEST_BODY_TIMEOUT_MS must be a positive integer, not "0"/],
    ['NATTER_REQUEST_BODY_TIMEOUT_MS', String(2 ** 31), /requestBodyTimeoutMs` must be at most 2147483647/],
    ['NATTER_UPLOAD_IDLE_TIMEOUT_MS', '1m', /NATTER_UPLOAD_IDLE_TIMEOUT_MS must be a positive integer, not "1m"/],
    ['NATTER_UPLOAD_IDLE_TIMEOUT_MS', String(2 ** 31), /uploadIdleTimeoutMs` must be at most 2147483647/],
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
