/**
 * NATTER_MAX_HTTP_CONNECTIONS_PER_IP: the cap on one address's plain HTTP connections
 * (`maxHttpConnectionsPerIp`) set from the environment of `natter-server`, and refused at start
 * when it is not a positive integer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from '../../../bench/lib/spawn.js';
import { runMain } from '../helpers/natter-process.js';
import { rawRequest } from '../helpers/raw-http.js';

describe('NATTER_MAX_HTTP_CONNECTIONS_PER_IP', () => {
  it('caps the HTTP connections of one address: past it one is answered 429 TOO_MANY_CONNECTIONS', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'natter-http-cap-env-'));
    const server = runMain({ PORT: String(await freePort()), HOST: '127.0.0.1', NATTER_DATA_DIR: dataDir, NATTER_SECRET: '', NATTER_DEV: '1', NATTER_MAX_HTTP_CONNECTIONS_PER_IP: '2' });
    const held: Socket[] = [];
    try {
      const url = await server.listening;
      for (let i = 0; i < 2; i++) {
        held.push(await new Promise<Socket>((resolve, reject) => {
          const socket = connect(Number(new URL(url).port), '127.0.0.1', () => resolve(socket));
          socket.on('error', reject);
        }));
      }
      const answer = await rawRequest(url, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      assert.match(answer, /^HTTP\/1\.1 429 /);
      assert.match(answer, /"name":"TOO_MANY_CONNECTIONS"/);
    } finally {
      for (const s of held) s.destroy();
      server.child.kill('SIGTERM');
      await server.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with NATTER_MAX_HTTP_CONNECTIONS_PER_IP=0, saying why', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'natter-http-cap-env-'));
    try {
      const server = runMain({ PORT: String(await freePort()), HOST: '127.0.0.1', NATTER_DATA_DIR: dataDir, NATTER_DEV: '1', NATTER_MAX_HTTP_CONNECTIONS_PER_IP: '0' });
      server.listening.catch(() => undefined);
      assert.equal(await server.exited, 1);
      assert.match(server.stderr(), /NATTER_MAX_HTTP_CONNECTIONS_PER_IP must be a positive integer, not "0"/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
