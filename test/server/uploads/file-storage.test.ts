import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { ChatError } from '../../../src/protocol/index.js';
import { createDiskFileStorage } from '../../../src/server/uploads/disk-file-storage.js';
import type { FileStorage } from '../../../src/server/uploads/file-storage.js';
import { createMemoryFileStorage } from '../../../src/server/uploads/memory-file-storage.js';
import { createPostgresFileStorage } from '../../../src/server/uploads/postgres-file-storage.js';
import { createS3FileStorage } from '../../../src/server/uploads/s3-file-storage.js';
import { freshSchema, requirePostgres } from '../helpers/services.js';
import { S3RVER_KEY, startS3rver } from './s3-server.js';

/** PostgreSQL chunk size in these tests: small files still span several chunks. */
const PG_CHUNK = 256 * 1024;
/** Larger than two S3 parts (5 MiB each) and than 40 PostgreSQL chunks, not a multiple of either. */
const LARGE = 11 * 1024 * 1024 + 12_345;

let counter = 0;
/** A fresh server-made-looking key (the disk adapter refuses anything else). */
const newKey = () => `k${Date.now().toString(36)}-${(counter++).toString().padStart(6, '0')}`;

/** `bytes` as a stream of uneven pieces (as a socket delivers them), produced on demand. */
function streamOf(bytes: Buffer, piece = 64 * 1024 + 7): Readable {
  let at = 0;
  return new Readable({
    read() {
      if (at >= bytes.length) return this.push(null);
      this.push(bytes.subarray(at, at + piece));
      at += piece;
    },
  });
}

/** A stream that sends `bytes`, then fails as a request cut off would. */
function failingStream(bytes: Buffer, error: Error): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(bytes);
      } else setImmediate(() => this.destroy(error));
    },
  });
}

async function readAll(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of s) parts.push(Buffer.from(p as Uint8Array));
  return Buffer.concat(parts);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function rejectsNotFound(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof ChatError && e.name === 'FILE_NOT_FOUND');
}

/** What every FileStorage adapter must do. */
function fileStorageContract(name: string, make: () => Promise<{ storage: FileStorage; cleanup(): Promise<void> }>): void {
  describe(`FileStorage contract: ${name}`, () => {
    let storage: FileStorage;
    let cleanup: () => Promise<void>;
    before(async () => ({ storage, cleanup } = await make()));
    after(async () => {
      await storage.close?.();
      await cleanup();
    });

    it('stores a streamed file, answers its byte count, and reads it back exactly', async () => {
      const key = newKey();
      const bytes = Buffer.from('héllo, 世界 \u0000\u00ff binary too');
      assert.equal(await storage.put(key, streamOf(bytes, 5)), bytes.length);
      assert.deepEqual(await readAll(await storage.get(key)), bytes);
    });

    it('refuses, with its error and without hanging, a body that failed before the storage began reading it (a client gone)', async () => {
      const body = new PassThrough();
      body.on('error', () => undefined);
      body.destroy(new Error('the client went away'));
      await new Promise((r) => setTimeout(r, 20)); // its 'error' event is long gone when the storage starts
      const timeout = new Promise((_r, reject) => setTimeout(() => reject(new Error('put hung')), 5000).unref());
      await assert.rejects(Promise.race([storage.put(newKey(), body), timeout]), /the client went away/);
    });

    it('stores and reads an empty file', async () => {
      const key = newKey();
      assert.equal(await storage.put(key, Readable.from([])), 0);
      assert.equal((await readAll(await storage.get(key))).length, 0);
    });

    it(`stores a large file (${LARGE} bytes, many chunks and parts) streamed in, and streams it out whole`, async () => {
      const key = newKey();
      const bytes = randomBytes(LARGE);
      assert.equal(await storage.put(key, streamOf(bytes)), LARGE);
      const back = await readAll(await storage.get(key));
      assert.equal(back.length, LARGE);
      assert.equal(sha(back), sha(bytes));
    });

    it('reads ranges: the first byte, inside a chunk, across chunk boundaries, the tail, the whole', async () => {
      const key = newKey();
      const bytes = randomBytes(3 * PG_CHUNK + 1000);
      await storage.put(key, streamOf(bytes));
      const ranges: [number, number][] = [
        [0, 0],
        [10, 99],
        [PG_CHUNK - 3, PG_CHUNK + 2],
        [PG_CHUNK, 2 * PG_CHUNK - 1],
        [100, 3 * PG_CHUNK + 10],
        [bytes.length - 1, bytes.length - 1],
        [bytes.length - 500, bytes.length - 1],
        [0, bytes.length - 1],
      ];
      for (const [start, end] of ranges) {
        const got = await readAll(await storage.get(key, { start, end }));
        assert.deepEqual(got, bytes.subarray(start, end + 1), `bytes ${start}-${end}`);
      }
    });

    it('rejects FILE_NOT_FOUND for a key never stored, whole or ranged; deleting it is no error', async () => {
      await rejectsNotFound(storage.get(newKey()));
      await rejectsNotFound(storage.get(newKey(), { start: 0, end: 9 }));
      await storage.delete(newKey());
    });

    it('deletes a file: afterwards it is not found, and other files stay', async () => {
      const [a, b] = [newKey(), newKey()];
      await storage.put(a, streamOf(Buffer.from('aaa')));
      await storage.put(b, streamOf(Buffer.from('bbb')));
      await storage.delete(a);
      await rejectsNotFound(storage.get(a));
      assert.equal((await readAll(await storage.get(b))).toString(), 'bbb');
      await storage.delete(a);
    });

    it('keeps nothing of an upload whose stream fails, and rejects with the stream\'s own error', async () => {
      const key = newKey();
      const cut = new ChatError('FILE_TOO_LARGE', 'cut off');
      await assert.rejects(storage.put(key, failingStream(randomBytes(PG_CHUNK + 17), cut)), (e: unknown) => e === cut);
      await rejectsNotFound(storage.get(key));
    });

    it('replaces a file stored again under the same key', async () => {
      const key = newKey();
      await storage.put(key, streamOf(randomBytes(PG_CHUNK + 5)));
      const second = Buffer.from('the second one');
      assert.equal(await storage.put(key, streamOf(second)), second.length);
      assert.deepEqual(await readAll(await storage.get(key)), second);
    });

    it('takes concurrent uploads and reads of different files without mixing them', async () => {
      const files = Array.from({ length: 6 }, (_, i) => ({ key: newKey(), bytes: randomBytes(PG_CHUNK / 2 + i * 99_991) }));
      const sizes = await Promise.all(files.map((f) => storage.put(f.key, streamOf(f.bytes, 10_007))));
      assert.deepEqual(sizes, files.map((f) => f.bytes.length));
      const back = await Promise.all(files.map(async (f) => readAll(await storage.get(f.key))));
      back.forEach((b, i) => assert.equal(sha(b), sha(files[i]!.bytes), `file ${i}`));
      const ranged = await Promise.all(files.map(async (f) => readAll(await storage.get(f.key, { start: 1000, end: 1999 }))));
      ranged.forEach((b, i) => assert.deepEqual(b, files[i]!.bytes.subarray(1000, 2000)));
    });
  });
}

fileStorageContract('memory', async () => ({ storage: createMemoryFileStorage(), cleanup: async () => undefined }));

fileStorageContract('disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'natter-storage-'));
  return { storage: createDiskFileStorage(dir), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

await requirePostgres();
fileStorageContract('PostgreSQL', async () => {
  const db = await freshSchema();
  return { storage: await createPostgresFileStorage({ connectionString: db.url, chunkBytes: PG_CHUNK }), cleanup: () => db.drop() };
});

fileStorageContract('S3-compatible (s3rver)', async () => {
  const s3 = await startS3rver('natter-contract');
  const storage = await createS3FileStorage({ endpoint: s3.endpoint, bucket: 'natter-contract', forcePathStyle: true, ...S3RVER_KEY, prefix: 'files/', partBytes: 5 * 1024 * 1024 });
  return { storage, cleanup: () => s3.close() };
});

describe('PostgreSQL FileStorage: chunks', () => {
  let db: Awaited<ReturnType<typeof freshSchema>>;
  let storage: Awaited<ReturnType<typeof createPostgresFileStorage>>;
  let sql: pg.Client;
  before(async () => {
    db = await freshSchema();
    storage = await createPostgresFileStorage({ connectionString: db.url, chunkBytes: PG_CHUNK });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });
  after(async () => {
    await sql.end();
    await storage.close();
    await db.drop();
  });

  const chunksOf = async (key: string) =>
    (await sql.query<{ n: number; len: number }>(
      'SELECT c.n, length(c.data) AS len FROM natter_file_chunks c JOIN natter_file_blobs b ON b.upload = c.upload WHERE b.key = $1 ORDER BY c.n', [key],
    )).rows;

  it('cuts a file into rows of the chunk size, the last one shorter, stored uncompressed', async () => {
    const key = newKey();
    await storage.put(key, streamOf(randomBytes(2 * PG_CHUNK + 10), 1000));
    assert.deepEqual(await chunksOf(key), [{ n: 0, len: PG_CHUNK }, { n: 1, len: PG_CHUNK }, { n: 2, len: 10 }]);
    const { rows } = await sql.query<{ attstorage: string }>("SELECT attstorage FROM pg_attribute WHERE attrelid = 'natter_file_chunks'::regclass AND attname = 'data'");
    assert.equal(rows[0]!.attstorage, 'e', 'STORAGE EXTERNAL: no pglz on already compressed media');
  });

  it('reads a range from the chunks covering it only', async () => {
    const key = newKey();
    const bytes = randomBytes(4 * PG_CHUNK);
    await storage.put(key, streamOf(bytes));
    // Every chunk but the second and third is gone: a range inside them still reads.
    await sql.query('DELETE FROM natter_file_chunks c USING natter_file_blobs b WHERE b.key = $1 AND c.upload = b.upload AND c.n NOT IN (1, 2)', [key]);
    const start = PG_CHUNK + 5;
    const end = 3 * PG_CHUNK - 1;
    assert.deepEqual(await readAll(await storage.get(key, { start, end })), bytes.subarray(start, end + 1));
    // The whole file now misses chunks: the reader gets an error, never a short file.
    await assert.rejects(readAll(await storage.get(key)), (e: unknown) => e instanceof ChatError && e.name === 'FILE_NOT_FOUND');
  });

  it('keeps an upload in progress invisible, and sweeps one that went quiet (a crashed node\'s) so it can never complete', async () => {
    const key = newKey();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let step = 0;
    const body = new Readable({
      read() {
        if (step === 0) this.push(randomBytes(PG_CHUNK + 1));
        else if (step === 1) void gate.then(() => this.push(randomBytes(PG_CHUNK)));
        else this.push(null);
        step++;
      },
    });
    const putting = storage.put(key, body);
    // Wait until its first chunk is stored.
    for (let i = 0; i < 200; i++) {
      if ((await sql.query('SELECT 1 FROM natter_file_uploads')).rowCount! > 0 && (await sql.query('SELECT 1 FROM natter_file_chunks c WHERE NOT EXISTS (SELECT 1 FROM natter_file_blobs b WHERE b.upload = c.upload)')).rowCount! > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await rejectsNotFound(storage.get(key));
    assert.equal(await storage.sweepTemporaries!(Date.now() - 60_000), 0, 'a recent upload is not swept');
    assert.equal(await storage.sweepTemporaries!(Date.now() + 1), 1);
    release();
    await assert.rejects(putting, (e: unknown) => e instanceof ChatError && e.name === 'UPLOAD_FAILED');
    await rejectsNotFound(storage.get(key));
    const left = await sql.query('SELECT 1 FROM natter_file_chunks c WHERE NOT EXISTS (SELECT 1 FROM natter_file_blobs b WHERE b.upload = c.upload)');
    assert.equal(left.rowCount, 0, 'no chunk of it is left');
    assert.equal((await sql.query('SELECT 1 FROM natter_file_uploads')).rowCount, 0);
  });

  it('answers UNAVAILABLE (try again later) when the database does not answer', async () => {
    const gone = await createPostgresFileStorage({ connectionString: db.url });
    const key = newKey();
    await gone.put(key, streamOf(Buffer.from('x')));
    await gone.close();
    const unavailable = (e: unknown) => e instanceof ChatError && e.name === 'UNAVAILABLE';
    await assert.rejects(gone.get(key), unavailable);
    await assert.rejects(gone.put(newKey(), streamOf(Buffer.from('y'))), unavailable);
  });

  it('deletes the chunks of a file it replaced', async () => {
    const key = newKey();
    await storage.put(key, streamOf(randomBytes(2 * PG_CHUNK)));
    await storage.put(key, streamOf(Buffer.from('new')));
    assert.deepEqual(await chunksOf(key), [{ n: 0, len: 3 }]);
    assert.equal((await sql.query('SELECT 1 FROM natter_file_chunks c WHERE NOT EXISTS (SELECT 1 FROM natter_file_blobs b WHERE b.upload = c.upload)')).rowCount, 0);
  });

  it('lets a failed upload take its chunks with it', async () => {
    const key = newKey();
    await assert.rejects(storage.put(key, failingStream(randomBytes(3 * PG_CHUNK), new Error('client gone'))), /client gone/);
    assert.equal((await sql.query('SELECT 1 FROM natter_file_chunks c WHERE NOT EXISTS (SELECT 1 FROM natter_file_blobs b WHERE b.upload = c.upload)')).rowCount, 0);
    assert.equal((await sql.query('SELECT 1 FROM natter_file_uploads')).rowCount, 0);
  });
});

describe('S3 FileStorage: presigned reads', () => {
  let s3: Awaited<ReturnType<typeof startS3rver>>;
  let storage: FileStorage;
  before(async () => {
    s3 = await startS3rver('natter-presigned');
    storage = await createS3FileStorage({ endpoint: s3.endpoint, bucket: 'natter-presigned', forcePathStyle: true, ...S3RVER_KEY, reads: 'presigned', presignSeconds: 60 });
  });
  after(async () => {
    await storage.close?.();
    await s3.close();
  });

  it('signs a short-lived URL that serves the bytes, ranges of them, and the headers asked for', async () => {
    const key = newKey();
    const bytes = randomBytes(70_000);
    await storage.put(key, streamOf(bytes));
    const url = await storage.signedRead!(key, { contentType: 'image/png', contentDisposition: 'inline; filename="a.png"' });
    assert.match(url, /X-Amz-Expires=60/);
    const whole = await fetch(url);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'image/png');
    assert.equal(whole.headers.get('content-disposition'), 'inline; filename="a.png"');
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), bytes);
    const part = await fetch(url, { headers: { range: 'bytes=100-199' } });
    assert.equal(part.status, 206);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(100, 200));
    // s3rver checks a presigned URL's key id but computes no v4 signature: real S3 checks both.
    const forged = await fetch(url.replace('X-Amz-Credential=S3RVER', 'X-Amz-Credential=SOMEONE'));
    assert.equal(forged.status, 403);
  });

  it('is not offered by a proxied S3 storage', async () => {
    const proxied = await createS3FileStorage({ endpoint: s3.endpoint, bucket: 'natter-presigned', forcePathStyle: true, ...S3RVER_KEY });
    assert.equal(proxied.signedRead, undefined);
    await proxied.close();
  });
});
