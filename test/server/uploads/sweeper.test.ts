import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { silentLogger } from '../../../src/server/core/logger.js';
import { createDiskFileStorage } from '../../../src/server/uploads/disk-file-storage.js';
import type { FileIndex } from '../../../src/server/uploads/file-index.js';
import type { FileStorage } from '../../../src/server/uploads/file-storage.js';
import { createMemoryFileIndex } from '../../../src/server/uploads/memory-file-index.js';
import { startUploadSweeper, type UploadSweeperOptions } from '../../../src/server/uploads/upload-sweeper.js';
import { cmid, createUsers, startServer, type TestServer } from '../helpers/test-server.js';
import { freshSchema, requirePostgres } from '../helpers/services.js';
import { eventually, sendImage, storedFiles, upload, type Uploaded } from './helpers.js';
import { startS3rver } from './s3-server.js';
import { openSweepStores, type SweepStores } from './sweep-stores.js';

const CRASH_CHILD = fileURLToPath(new URL('./sweep-crash-child.ts', import.meta.url));

const HOUR = 3600_000;

/** A server whose clock the test moves forward, sweeping every 50 ms for files unreferenced for 1 h. */
async function sweepingServer(extra: Parameters<typeof startServer>[0] = {}) {
  let offset = 0;
  const logged: string[] = [];
  const t = await startServer({
    clock: () => Date.now() + offset,
    uploadUnreferencedTtlMs: HOUR,
    uploadSweepIntervalMs: 50,
    logger: { level: 'info', stream: { write: (line: string) => logged.push(line) } },
    ...extra,
  });
  await createUsers(t, 'alice', 'bob');
  await t.rest('POST', '/v1/groups', { id: 'g', name: 'G', members: ['alice', 'bob'] });
  return { t, logged, advance: (ms: number) => (offset += ms) };
}

async function fetchAs(t: TestServer, user: string, url: string): Promise<number> {
  const u = new URL(url);
  // The file's own ticket; the route already answers 404 for a file that is gone.
  const asked = await fetch(`${t.url}/v1/files/ticket?file=${u.pathname.split('/')[3]}`, { headers: { authorization: `Bearer ${await t.token(user)}` } });
  if (!asked.ok) return (await asked.arrayBuffer(), asked.status);
  u.searchParams.set('ticket', ((await asked.json()) as { ticket: string }).ticket);
  const res = await fetch(u);
  await res.arrayBuffer();
  return res.status;
}

describe('sweep of unreferenced uploads', () => {
  let s: Awaited<ReturnType<typeof sweepingServer>>;
  before(async () => (s = await sweepingServer()));
  after(() => s.t.stop());

  it('deletes files no stored message carries once older than the TTL, from storage and index, keeps the others, and logs the counts', async () => {
    const { t } = s;
    const alice = await t.login('alice');
    const sent = (await upload(t, 'alice', new Uint8Array(100))).body as Uploaded;
    const unsent = (await upload(t, 'alice', new Uint8Array(70))).body as Uploaded;
    assert.equal(await sendImage(alice, 'group:g', sent), 'ack');
    // Carried only by a send that committed nothing (a resend of an earlier text message).
    const ghost = (await upload(t, 'alice', new Uint8Array(30))).body as Uploaded;
    const earlier = cmid();
    alice.send({ type: 'message.send', clientMsgId: earlier, conversationId: 'group:g', elem: { type: 'text', text: 'hi' } });
    await alice.next('message.ack', (f) => f.clientMsgId === earlier);
    assert.equal(await sendImage(alice, 'group:g', ghost, earlier), 'duplicate');
    s.advance(HOUR / 2);
    const young = (await upload(t, 'alice', new Uint8Array(5))).body as Uploaded;
    // Nothing is old enough yet.
    assert.equal(await fetchAs(t, 'alice', unsent.url), 200);

    s.advance(HOUR / 2 + 1000);
    // The index forgets a file before its bytes go: wait for both.
    await eventually('the unsent files are swept', async () =>
      (await fetchAs(t, 'alice', unsent.url)) === 404 && (await fetchAs(t, 'alice', ghost.url)) === 404 && storedFiles(t).length === 2);
    assert.deepEqual(storedFiles(t).sort(), [sent.id, young.id].sort());
    assert.equal(await fetchAs(t, 'bob', sent.url), 200, 'the file a message carries stays');
    assert.equal(await fetchAs(t, 'alice', young.url), 200, 'a file younger than the TTL stays');
    await eventually('the sweep is logged with its counts', () =>
      s.logged.some((l) => l.includes('upload sweep: deleted unreferenced files') && l.includes('"files":1') && l.includes('"bytes":70')) && s.logged.some((l) => l.includes('"files":1') && l.includes('"bytes":30')),
    );
    // What an upload interrupted by a crash left: removed once older than the TTL too.
    const tmp = join(t.dataDir, 'uploads', '.tmp');
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, 'crashed.1.1.part'), 'half');
    writeFileSync(join(tmp, 'writing.1.2.part'), 'half');
    const serverNow = new Date(Date.now() + 2 * HOUR);
    utimesSync(join(tmp, 'writing.1.2.part'), serverNow, serverNow);
    s.advance(HOUR / 2);
    await eventually('the interrupted upload is removed', () => !existsSync(join(tmp, 'crashed.1.1.part')));
    assert.ok(existsSync(join(tmp, 'writing.1.2.part')), 'an upload written to within the TTL stays');
    // The sweep logs its counts once it is done, after the file is gone: under load, a moment later.
    await eventually('the interrupted uploads\' sweep is logged with its count', () =>
      s.logged.some((l) => l.includes('upload sweep: deleted interrupted uploads') && l.includes('"temporaries":1')));
    rmSync(join(tmp, 'writing.1.2.part'));

    // The young one goes when it too is old; the sent one never does.
    s.advance(HOUR);
    await eventually('the second unsent file is swept', () => storedFiles(t).length === 1);
    assert.deepEqual(storedFiles(t), [sent.id]);
  });
});

describe('sweep with two nodes on one PostgreSQL file index and file storage', () => {
  it('deletes each unreferenced file once, whichever node gets it, and never a referenced one', async () => {
    await requirePostgres();
    const db = await freshSchema();
    // Both nodes share the file index and the files in PostgreSQL, a cluster's default: no shared directory.
    const a = await sweepingServer({ databaseUrl: db.url });
    const b = await sweepingServer({ databaseUrl: db.url });
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const stored = async () => (await sql.query<{ key: string }>('SELECT key FROM natter_file_blobs ORDER BY key')).rows.map((r) => r.key);
    try {
      const alice = await a.t.login('alice');
      const files: Uploaded[] = [];
      for (let i = 0; i < 6; i++) files.push((await upload(i % 2 ? a.t : b.t, 'alice', new Uint8Array(10 + i))).body);
      assert.equal(await sendImage(alice, 'group:g', files[0]!), 'ack');
      assert.equal((await stored()).length, 6, 'every upload is stored in PostgreSQL');
      assert.deepEqual(storedFiles(a.t), [], 'and none on either node\'s disk');
      assert.deepEqual(storedFiles(b.t), []);
      a.advance(2 * HOUR);
      b.advance(2 * HOUR);
      await eventually('every unsent file is swept', async () => (await stored()).length === 1);
      assert.deepEqual(await stored(), [files[0]!.id]);
      assert.equal((await sql.query('SELECT 1 FROM natter_file_chunks c WHERE NOT EXISTS (SELECT 1 FROM natter_file_blobs b WHERE b.upload = c.upload)')).rowCount, 0, 'the chunks of swept files went with them');
      const deleted = (logs: string[]) => logs.filter((l) => l.includes('upload sweep: deleted')).reduce((n, l) => n + (JSON.parse(l) as { files: number }).files, 0);
      // A sweep logs its count once it is done, a moment after the bytes went.
      await eventually('the sweeps are logged', () => deleted(a.logged) + deleted(b.logged) >= 5);
      assert.equal(await fetchAs(a.t, 'bob', files[0]!.url), 200);
      assert.ok(files[0]!.url.startsWith(b.t.url));
      assert.equal(await fetchAs(a.t, 'bob', files[0]!.url.replace(b.t.url, a.t.url)), 200, 'the node it was not uploaded on serves it too');
      assert.equal(deleted(a.logged) + deleted(b.logged), 5, 'each file counted by exactly one node');
    } finally {
      await sql.end();
      await a.t.stop();
      await b.t.stop();
      await db.drop();
    }
  });
});

/** `p`, or a rejection once `ms` have passed (a run shared for ever must fail the test, not hang it). */
const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: still running after ${ms} ms`)), ms))]);

/** An unsent file uploaded long before the sweeps below (clock 10 s, TTL 1 s). */
const oldFile = (id: string) => ({ id, uploader: 'alice', key: 'group:g', name: 'a.bin', mime: 'application/octet-stream', size: 4, createdAt: 1000 });
const sweeperOf = (index: FileIndex, storage: FileStorage, extra: Partial<UploadSweeperOptions> = {}) => startUploadSweeper({
  index, storage, store: { findMessage: async () => undefined }, clock: () => 10_000, logger: silentLogger, ttlMs: 1000, intervalMs: 3_600_000, ...extra,
});

describe('a sweep that hangs', () => {
  it('is abandoned after its timeout: the next sweep runs afresh and deletes what is left, and stop() returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'natter-sweep-hang-'));
    const index = createMemoryFileIndex();
    const disk = createDiskFileStorage(dir);
    for (const id of ['f-000000001', 'f-000000002']) {
      await index.putFile(oldFile(id));
      await disk.put(id, Readable.from([Buffer.from('data')]));
    }
    // The first storage call never returns (a connection that hangs); the later ones do.
    let calls = 0;
    const storage: FileStorage = { ...disk, delete: (id) => (calls++ === 0 ? new Promise<void>(() => undefined) : disk.delete(id)) };
    const sweeper = sweeperOf(index, storage, { timeoutMs: 200 });
    try {
      await assert.rejects(within(sweeper.sweep(), 5000, 'the hung sweep'), /abandoned after 200 ms/);
      assert.deepEqual(await within(sweeper.sweep(), 5000, 'the next sweep'), { files: 2, bytes: 8 });
      for (const id of ['f-000000001', 'f-000000002']) await assert.rejects(disk.get(id), { name: 'FILE_NOT_FOUND' }, `${id} went from storage`);
      await within(sweeper.stop(), 5000, 'stop()');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is abandoned at once by stop(), well before its timeout, and a sweep after a restart finishes its work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'natter-sweep-stop-'));
    const index = createMemoryFileIndex();
    const disk = createDiskFileStorage(dir);
    await index.putFile(oldFile('f-000000001'));
    await disk.put('f-000000001', Readable.from([Buffer.from('data')]));
    let deleting!: () => void;
    const reached = new Promise<void>((resolve) => (deleting = resolve));
    const hung: FileStorage = { ...disk, delete: () => (deleting(), new Promise<void>(() => undefined)) };
    // The default timeout: the sweep interval, an hour here.
    const sweeper = sweeperOf(index, hung);
    try {
      const sweeping = sweeper.sweep();
      sweeping.catch(() => undefined);
      await within(reached, 5000, 'the sweep reaching the storage');
      await within(sweeper.stop(), 2000, 'stop()');
      await assert.rejects(sweeping, /abandoned as the server stops/);
      assert.deepEqual(await sweeperOf(index, disk).sweep(), { files: 1, bytes: 4 }, 'the next start deletes the bytes the stopped sweep did not');
      await assert.rejects(disk.get('f-000000001'), { name: 'FILE_NOT_FOUND' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the bytes of a file indexed again after the sweep forgot it', () => {
  it('stay: an upload that outlasted the TTL and completed after a failed delete is a live file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'natter-sweep-live-'));
    const index = createMemoryFileIndex();
    const disk = createDiskFileStorage(dir);
    try {
      await index.putFile(oldFile('f-000000001'));
      let failures = 0;
      const flaky: FileStorage = { ...disk, delete: (key) => (failures++ === 0 ? Promise.reject(new Error('the storage did not answer')) : disk.delete(key)) };
      const sweeper = sweeperOf(index, flaky);
      assert.deepEqual(await sweeper.sweep(), { files: 0, bytes: 0 }, 'the reservation is forgotten, its delete fails');
      // The upload completes: its bytes land and putFile records the file again.
      await disk.put('f-000000001', Readable.from([Buffer.from('data')]));
      await index.putFile({ ...oldFile('f-000000001'), createdAt: 9_500 });
      assert.deepEqual(await sweeper.sweep(), { files: 0, bytes: 0 });
      assert.equal(await text(await disk.get('f-000000001')), 'data', 'the bytes of the file stay');
      assert.deepEqual(await index.listDeleted(10), [], 'and it is no longer among the deleted files');
      await sweeper.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the bytes of a file the index forgot', () => {
  let s3: Awaited<ReturnType<typeof startS3rver>>;
  const cleanups: (() => Promise<void>)[] = [];
  before(async () => {
    await requirePostgres();
    s3 = await startS3rver('natter-sweep');
  });
  after(async () => {
    for (const c of cleanups) await c();
    await s3.close();
  });
  /** Fresh stores of each kind (a directory, a schema); removed after the suite. */
  const kinds: [string, () => Promise<SweepStores>][] = [
    ['disk storage, SQLite index', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'natter-sweep-bytes-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      return { index: { kind: 'sqlite', file: join(dir, 'files.db') }, storage: { kind: 'disk', dir: join(dir, 'uploads') } };
    }],
    ['PostgreSQL storage and index', async () => {
      const db = await freshSchema();
      cleanups.push(() => db.drop());
      return { index: { kind: 'postgres', url: db.url }, storage: { kind: 'postgres', url: db.url } };
    }],
    ['S3 storage (s3rver), PostgreSQL index', async () => {
      const db = await freshSchema();
      cleanups.push(() => db.drop());
      return { index: { kind: 'postgres', url: db.url }, storage: { kind: 's3', endpoint: s3.endpoint, bucket: 'natter-sweep' } };
    }],
  ];
  /** An old unsent file of 4 bytes, in the index and in storage. */
  const stored = async (index: FileIndex, storage: FileStorage) => {
    const id = randomUUID();
    await index.putFile(oldFile(id));
    await storage.put(id, Readable.from([Buffer.from('data')]));
    return id;
  };
  /** The bytes are gone, and so is every trace of the file in the index. */
  const gone = async (index: FileIndex, storage: FileStorage, id: string) => {
    await assert.rejects(storage.get(id), { name: 'FILE_NOT_FOUND' }, 'the bytes went from storage');
    assert.equal(await index.getFile(id), undefined);
    assert.deepEqual(await index.listDeleted(10), []);
  };

  for (const [name, make] of kinds) {
    it(`${name}: a delete that fails is done again by the next sweep`, async () => {
      const { index, storage, close } = await openSweepStores(await make());
      try {
        const id = await stored(index, storage);
        let failures = 0;
        const flaky: FileStorage = { ...storage, delete: (key) => (failures++ === 0 ? Promise.reject(new Error('the storage did not answer')) : storage.delete(key)) };
        const sweeper = sweeperOf(index, flaky);
        // However the first sweep reports the failure, it must leave a trace of the bytes.
        await sweeper.sweep().catch(() => undefined);
        assert.equal(failures, 1);
        assert.equal(await index.getFile(id), undefined, 'the index forgot the file');
        assert.deepEqual(await sweeper.sweep(), { files: 1, bytes: 4 });
        await gone(index, storage, id);
        await sweeper.stop();
      } finally {
        await close();
      }
    });

    it(`${name}: a process killed between forgetting the file and deleting its bytes leaves them to the next sweep`, async () => {
      const stores = await make();
      const { index, storage, close } = await openSweepStores(stores);
      try {
        const id = await stored(index, storage);
        const child = spawn(process.execPath, ['--import', 'tsx', CRASH_CHILD, JSON.stringify(stores)], { stdio: ['ignore', 'inherit', 'inherit'] });
        const [code, signal] = (await within(once(child, 'exit'), 30_000, 'the sweeping process')) as [number | null, string | null];
        assert.equal(signal, 'SIGKILL', `the child was killed in its delete (exit code ${code})`);
        assert.equal(await index.getFile(id), undefined, 'it had forgotten the file');
        assert.equal(await text(await storage.get(id)), 'data', 'but not deleted its bytes');
        assert.deepEqual(await sweeperOf(index, storage).sweep(), { files: 1, bytes: 4 });
        await gone(index, storage, id);
      } finally {
        await close();
      }
    });
  }
});
