import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createChatServer, type ChatServerOptions } from '../../../src/server/index.js';
import { createS3FileStorage } from '../../../src/server/uploads/s3-file-storage.js';
import { s3FromEnv } from '../../../src/server/uploads/storage-env.js';
import { freshSchema, requirePostgres } from '../helpers/services.js';
import { createUsers, SECRET, startServer, type TestServer } from '../helpers/test-server.js';
import { storedFiles, upload, type Uploaded } from './helpers.js';
import { S3RVER_KEY, startS3rver } from './s3-server.js';

/** A server with alice and bob in `group:g`. */
async function groupServer(options: Partial<ChatServerOptions>): Promise<TestServer> {
  const t = await startServer(options);
  await createUsers(t, 'alice', 'bob');
  await t.rest('POST', '/v1/groups', { id: 'g', name: 'G', members: ['alice', 'bob'] });
  return t;
}

/** GET of a file URL (on `t`, whichever node issued it) as `user`'s own ticket for it, not following redirects. */
async function getFile(t: TestServer, user: string, url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Response> {
  const u = new URL(url);
  const asked = await fetch(`${t.url}/v1/files/ticket?file=${u.pathname.split('/')[3]}`, { headers: { authorization: `Bearer ${await t.token(user)}` } });
  if (!asked.ok) return asked;
  const onT = new URL(u.pathname, t.url);
  onT.searchParams.set('ticket', ((await asked.json()) as { ticket: string }).ticket);
  return fetch(onT, { method, headers, redirect: 'manual' });
}

const bytesOf = async (res: Response) => Buffer.from(await res.arrayBuffer());

/** Whether any module of the AWS SDK is loaded in this process (it is CommonJS: Node's module cache lists it). */
const awsSdkLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/node_modules/@aws-sdk/'));

describe('which FileStorage a server uses', () => {
  before(() => requirePostgres());

  it('keeps uploads in PostgreSQL when it has a database URL and no upload directory: nothing on disk, ranges served', async () => {
    const db = await freshSchema();
    const t = await groupServer({ databaseUrl: db.url });
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const bytes = randomBytes(600_000);
      const f = (await upload(t, 'alice', bytes)).body as Uploaded;
      const rows = (await sql.query<{ key: string; size: string }>('SELECT key, size FROM natter_file_blobs')).rows;
      assert.deepEqual(rows, [{ key: f.id, size: String(bytes.length) }]);
      assert.deepEqual(storedFiles(t), []);
      const whole = await getFile(t, 'alice', f.url);
      assert.equal(whole.status, 200);
      assert.deepEqual(await bytesOf(whole), bytes);
      const part = await getFile(t, 'alice', f.url, { range: 'bytes=262140-262150' });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get('content-range'), `bytes 262140-262150/${bytes.length}`);
      assert.deepEqual(await bytesOf(part), bytes.subarray(262140, 262151));
      assert.equal(awsSdkLoaded(), false, 'a server without S3 never loads the AWS SDK');
    } finally {
      await sql.end();
      await t.stop();
      await db.drop();
    }
  });

  it('still serves the files a PostgreSQL node kept in <dataDir>/uploads before, and stores new ones in PostgreSQL', async () => {
    const db = await freshSchema();
    const dataDir = mkdtempSync(join(tmpdir(), 'natter-legacy-'));
    try {
      // The release before: a PostgreSQL node wrote its uploads to <dataDir>/uploads.
      const before = await groupServer({ databaseUrl: db.url, dataDir, uploadDir: join(dataDir, 'uploads') });
      const old = (await upload(before, 'alice', Buffer.from('kept on disk'))).body as Uploaded;
      await before.stop();
      const t = await startServer({ databaseUrl: db.url, dataDir });
      try {
        const res = await getFile(t, 'alice', old.url, { range: 'bytes=5-6' });
        assert.equal(res.status, 206);
        assert.equal((await bytesOf(res)).toString(), 'on');
        const fresh = (await upload(t, 'alice', Buffer.from('in the database'))).body as Uploaded;
        assert.equal((await bytesOf(await getFile(t, 'alice', fresh.url))).toString(), 'in the database');
        assert.deepEqual(storedFiles(t), [old.id], 'the new file is not on disk');
      } finally {
        await t.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await db.drop();
    }
  });

  it('refuses s3 with uploadDir or fileStorage, and an s3 without a bucket or with an unknown read mode', async () => {
    const base = { secret: SECRET, dataDir: tmpdir() };
    const s3 = { bucket: 'b' };
    await assert.rejects(createChatServer({ ...base, s3, uploadDir: '/tmp/x' }), /give `s3`, `uploadDir` or `fileStorage`, not two/);
    await assert.rejects(createChatServer({ ...base, s3: { bucket: '' } }), /`s3.bucket` is required/);
    await assert.rejects(createChatServer({ ...base, s3: { bucket: 'b', reads: 'direct' as 'proxied' } }), /`s3.reads` is `proxied` or `presigned`/);
  });
});

describe('uploads in an S3-compatible store (s3rver)', () => {
  let s3: Awaited<ReturnType<typeof startS3rver>>;
  const bucket = 'natter-server';
  const s3Options = () => ({ endpoint: s3.endpoint, bucket, forcePathStyle: true, ...S3RVER_KEY, prefix: 'uploads/' });
  before(async () => (s3 = await startS3rver(bucket)));
  after(() => s3.close());

  it('proxied: stores the upload as an object, serves it and ranges of it, and deletes nothing on disk', async () => {
    const t = await groupServer({ s3: s3Options() });
    assert.equal(awsSdkLoaded(), true, 'the check above sees the SDK once S3 is configured');
    try {
      const bytes = randomBytes(300_000);
      const f = (await upload(t, 'alice', bytes)).body as Uploaded;
      // The object is there, under the prefix, read by a storage of its own.
      const direct = await createS3FileStorage(s3Options());
      const chunks: Buffer[] = [];
      for await (const c of await direct.get(f.id)) chunks.push(c as Buffer);
      assert.deepEqual(Buffer.concat(chunks), bytes);
      await direct.close();
      assert.deepEqual(storedFiles(t), []);
      const part = await getFile(t, 'alice', f.url, { range: 'bytes=-100' });
      assert.equal(part.status, 206);
      assert.deepEqual(await bytesOf(part), bytes.subarray(bytes.length - 100));
      assert.equal((await getFile(t, 'bob', f.url)).status, 403, 'bob has no message carrying it');
    } finally {
      await t.stop();
    }
  });

  it('presigned: a GET is redirected, after the access check, to a signed URL that serves the file; HEAD is answered here', async () => {
    const t = await groupServer({ s3: { ...s3Options(), reads: 'presigned', presignSeconds: 120 } });
    try {
      const bytes = randomBytes(50_000);
      const f = (await upload(t, 'alice', bytes)).body as Uploaded;
      const res = await getFile(t, 'alice', f.url);
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const location = res.headers.get('location')!;
      assert.ok(location.startsWith(`${s3.endpoint}/${bucket}/uploads/${f.id}?`), location);
      assert.match(location, /X-Amz-Signature=/);
      assert.equal((await getFile(t, 'alice', f.url)).headers.get('location'), location, 'the same URL for a while: the browser caches it');
      const served = await fetch(location);
      assert.equal(served.headers.get('content-type'), 'image/png');
      assert.match(served.headers.get('content-disposition')!, /^inline; filename="a.png"/);
      assert.deepEqual(await bytesOf(served), bytes);
      const ranged = await fetch(location, { headers: { range: 'bytes=10-19' } });
      assert.equal(ranged.status, 206);
      assert.deepEqual(await bytesOf(ranged), bytes.subarray(10, 20));
      const head = await getFile(t, 'alice', f.url, {}, 'HEAD');
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), String(bytes.length));
      // No redirect, so no signed URL, for anyone the route refuses: another user, no credentials, another file's ticket.
      const refused = await getFile(t, 'bob', f.url);
      assert.equal(refused.status, 403);
      assert.equal(refused.headers.get('location'), null);
      const anonymous = await fetch(f.url, { redirect: 'manual' });
      assert.deepEqual([anonymous.status, anonymous.headers.get('location')], [401, null]);
      const other = (await upload(t, 'alice', Buffer.from('other'))).body as Uploaded;
      const ticket = ((await (await fetch(`${t.url}/v1/files/ticket?file=${other.id}`, { headers: { authorization: `Bearer ${await t.token('alice')}` } })).json()) as { ticket: string }).ticket;
      const wrongTicket = await fetch(`${f.url}?ticket=${ticket}`, { redirect: 'manual' });
      assert.deepEqual([wrongTicket.status, wrongTicket.headers.get('location')], [401, null]);
    } finally {
      await t.stop();
    }
  });
});

describe('a hostile file name through a presigned read', () => {
  it('reaches the browser only as our escaped Content-Disposition, and a page type only as an attachment', async () => {
    const s3 = await startS3rver('natter-hostile');
    const t = await groupServer({ s3: { endpoint: s3.endpoint, bucket: 'natter-hostile', forcePathStyle: true, ...S3RVER_KEY, reads: 'presigned' } });
    try {
      const name = 'x"; filename=evil.html\r\nSet-Cookie: a=b; 报告.html';
      const q = new URLSearchParams({ conversationId: 'group:g', name });
      const res = await fetch(`${t.url}/v1/uploads?${q}`, { method: 'POST', headers: { authorization: `Bearer ${await t.token('alice')}`, 'content-type': 'text/html' }, body: '<script>alert(1)</script>' });
      const f = (await res.json()) as Uploaded;
      const redirect = await getFile(t, 'alice', f.url);
      assert.equal(redirect.status, 302);
      const served = await fetch(redirect.headers.get('location')!);
      assert.equal(served.headers.get('set-cookie'), null);
      const disposition = served.headers.get('content-disposition')!;
      assert.ok(disposition.startsWith('attachment; filename="x_; filename=evil.html__Set-Cookie: a=b; __.html"; filename*=UTF-8\'\''), disposition);
      assert.match(disposition, /%E6%8A%A5%E5%91%8A\.html$/);
      assert.equal(served.headers.get('content-type'), 'text/html');
    } finally {
      await t.stop();
      await s3.close();
    }
  });
});

describe('S3 settings from the environment', () => {
  it('reads nothing without NATTER_S3_* and every setting with them', () => {
    assert.equal(s3FromEnv({ NATTER_UPLOAD_DIR: '/x' }), undefined);
    assert.deepEqual(s3FromEnv({
      NATTER_S3_BUCKET: 'files', NATTER_S3_ENDPOINT: 'http://127.0.0.1:9000', NATTER_S3_REGION: 'eu-west-1',
      NATTER_S3_ACCESS_KEY_ID: 'id', NATTER_S3_SECRET_ACCESS_KEY: 'key', NATTER_S3_FORCE_PATH_STYLE: '1',
      NATTER_S3_READS: 'presigned', NATTER_S3_PREFIX: 'natter/', NATTER_S3_PRESIGN_SECONDS: '600',
    }), {
      bucket: 'files', endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1', accessKeyId: 'id', secretAccessKey: 'key',
      forcePathStyle: true, reads: 'presigned', prefix: 'natter/', presignSeconds: 600,
    });
    assert.deepEqual(s3FromEnv({ NATTER_S3_BUCKET: 'files', NATTER_S3_FORCE_PATH_STYLE: 'false' }), { bucket: 'files', forcePathStyle: false });
  });

  it('refuses a half setting, saying which variable', () => {
    assert.throws(() => s3FromEnv({ NATTER_S3_ENDPOINT: 'http://127.0.0.1:9000' }), /NATTER_S3_BUCKET is required with NATTER_S3_ENDPOINT/);
    assert.throws(() => s3FromEnv({ NATTER_S3_BUCKET: 'b', NATTER_UPLOAD_DIR: '/x' }), /NATTER_S3_BUCKET or NATTER_UPLOAD_DIR, not both/);
    assert.throws(() => s3FromEnv({ NATTER_S3_BUCKET: 'b', NATTER_S3_ACCESS_KEY_ID: 'id' }), /NATTER_S3_ACCESS_KEY_ID and NATTER_S3_SECRET_ACCESS_KEY together/);
    assert.throws(() => s3FromEnv({ NATTER_S3_BUCKET: 'b', NATTER_S3_READS: 'direct' }), /NATTER_S3_READS must be proxied or presigned, not "direct"/);
    assert.throws(() => s3FromEnv({ NATTER_S3_BUCKET: 'b', NATTER_S3_PRESIGN_SECONDS: '0' }), /NATTER_S3_PRESIGN_SECONDS must be/);
    assert.throws(() => s3FromEnv({ NATTER_S3_BUCKET: 'b', NATTER_S3_ENDPOINT: '127.0.0.1:9000' }), /NATTER_S3_ENDPOINT must be an http\(s\):\/\/ URL/);
    assert.throws(() => s3FromEnv({ NATTER_S3_BUCKET: 'b', NATTER_S3_FORCE_PATH_STYLE: 'maybe' }), /NATTER_S3_FORCE_PATH_STYLE must be 1 or 0/);
  });
});
