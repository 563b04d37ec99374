import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from '../../../bench/lib/spawn.js';
import { runMain } from '../helpers/natter-process.js';
import { createS3FileStorage } from '../../../src/server/uploads/s3-file-storage.js';
import { S3RVER_KEY, startS3rver } from './s3-server.js';

describe('natter-server upload settings from the environment', () => {
  it('applies NATTER_UPLOAD_QUOTA_FILES and NATTER_UPLOAD_RATE_PER_MINUTE', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'natter-env-'));
    const server = runMain({ PORT: String(await freePort()), HOST: '127.0.0.1', NATTER_DATA_DIR: dataDir, NATTER_SECRET: '', NATTER_DEV: '1', NATTER_UPLOAD_QUOTA_FILES: '2', NATTER_UPLOAD_RATE_PER_MINUTE: '3' });
    try {
      const url = await server.listening;
      const post = async (user: string) => {
        const { token } = (await (await fetch(`${url}/v1/dev/token?user=${user}`)).json()) as { token: string };
        const res = await fetch(`${url}/v1/uploads?conversationId=group:demo&name=a.txt`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: 'hello' });
        const body = (await res.json()) as { name?: string };
        return res.status === 201 ? 'created' : body.name;
      };
      assert.deepEqual([await post('alice'), await post('alice'), await post('alice')], ['created', 'created', 'UPLOAD_QUOTA_EXCEEDED']);
      assert.equal(await post('alice'), 'RATE_LIMITED', 'the fourth upload in the minute');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a NATTER_UPLOAD_UNREFERENCED_TTL that is not a duration, saying which', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'natter-env-'));
    try {
      const server = runMain({ PORT: String(await freePort()), HOST: '127.0.0.1', NATTER_DATA_DIR: dataDir, NATTER_DEV: '1', NATTER_UPLOAD_UNREFERENCED_TTL: 'a day' });
      server.listening.catch(() => undefined);
      assert.equal(await server.exited, 1);
      assert.match(server.stderr(), /NATTER_UPLOAD_UNREFERENCED_TTL must be a positive duration such as 3600, 90m or 24h, not "a day"/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps uploads in the S3 bucket of NATTER_S3_*, and refuses to start with a half S3 setting', async () => {
    const s3 = await startS3rver('natter-env');
    const dataDir = mkdtempSync(join(tmpdir(), 'natter-env-'));
    const server = runMain({
      PORT: String(await freePort()), HOST: '127.0.0.1', NATTER_DATA_DIR: dataDir, NATTER_SECRET: '', NATTER_DEV: '1',
      NATTER_S3_ENDPOINT: s3.endpoint, NATTER_S3_BUCKET: 'natter-env', NATTER_S3_FORCE_PATH_STYLE: '1',
      NATTER_S3_ACCESS_KEY_ID: S3RVER_KEY.accessKeyId, NATTER_S3_SECRET_ACCESS_KEY: S3RVER_KEY.secretAccessKey, NATTER_S3_PREFIX: 'env/',
    });
    try {
      const url = await server.listening;
      const { token } = (await (await fetch(`${url}/v1/dev/token?user=alice`)).json()) as { token: string };
      const res = await fetch(`${url}/v1/uploads?conversationId=group:demo&name=a.txt`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: 'in the bucket' });
      assert.equal(res.status, 201);
      const { id } = (await res.json()) as { id: string };
      const direct = await createS3FileStorage({ endpoint: s3.endpoint, bucket: 'natter-env', forcePathStyle: true, ...S3RVER_KEY, prefix: 'env/' });
      let text = '';
      for await (const c of await direct.get(id)) text += (c as Buffer).toString();
      await direct.close();
      assert.equal(text, 'in the bucket');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await s3.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
    const half = runMain({ PORT: String(await freePort()), HOST: '127.0.0.1', NATTER_DATA_DIR: dataDir, NATTER_DEV: '1', NATTER_S3_ENDPOINT: 'http://127.0.0.1:1' });
    half.listening.catch(() => undefined);
    assert.equal(await half.exited, 1);
    assert.match(half.stderr(), /NATTER_S3_BUCKET is required with NATTER_S3_ENDPOINT/);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
