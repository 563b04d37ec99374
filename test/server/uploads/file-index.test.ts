import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { FileIndex, FileRecord } from '../../../src/server/uploads/file-index.js';
import { createMemoryFileIndex } from '../../../src/server/uploads/memory-file-index.js';
import { createPostgresFileIndex } from '../../../src/server/uploads/postgres-file-index.js';
import { createSqliteFileIndex } from '../../../src/server/uploads/sqlite-file-index.js';
import { fileIdOf } from '../../../src/server/uploads/file-access.js';
import { contentDisposition, parseRange } from '../../../src/server/uploads/http-headers.js';
import { freshSchema, requirePostgres } from '../helpers/services.js';

const file = (id: string, extra: Partial<FileRecord> = {}): FileRecord => ({
  id, uploader: 'alice', key: 'group:g', name: '报告 1.pdf', mime: 'application/pdf', size: 30 * 1024 * 1024, createdAt: 1_700_000_000_000, ...extra,
});

/** What every FileIndex adapter must do. */
function fileIndexContract(name: string, make: () => Promise<{ index: FileIndex; cleanup(): Promise<void> }>): void {
  describe(`FileIndex contract: ${name}`, () => {
    let index: FileIndex;
    let cleanup: () => Promise<void>;
    before(async () => ({ index, cleanup } = await make()));
    after(async () => {
      await index.close();
      await cleanup();
    });

    it('stores and reads back a file record exactly, and knows nothing of other ids', async () => {
      await index.putFile(file('f-000000001'));
      assert.deepEqual(await index.getFile('f-000000001'), file('f-000000001'));
      assert.equal(await index.getFile('f-000000404'), undefined);
    });

    it('reads several files at once, leaving unknown ids out', async () => {
      await index.putFile(file('f-000000002', { uploader: 'bob', size: 1 }));
      const found = await index.getFiles(['f-000000001', 'f-000000002', 'f-000000404', 'f-000000002']);
      assert.deepEqual([...found.keys()].sort(), ['f-000000001', 'f-000000002']);
      assert.equal(found.get('f-000000002')!.uploader, 'bob');
      assert.equal((await index.getFiles([])).size, 0);
    });

    it('records references once each, oldest first, up to a limit, per file', async () => {
      await index.addRefs([
        { fileId: 'f-000000001', key: 'group:g', messageId: 'm1' },
        { fileId: 'f-000000001', key: 'p2p:a|b', messageId: 'm2' },
        { fileId: 'f-000000002', key: 'group:h', messageId: 'm3' },
      ]);
      await index.addRefs([{ fileId: 'f-000000001', key: 'group:g', messageId: 'm1' }, { fileId: 'f-000000001', key: 'group:z', messageId: 'm4' }]);
      await index.addRefs([]);
      assert.deepEqual(await index.listRefs('f-000000001', 10), [
        { fileId: 'f-000000001', key: 'group:g', messageId: 'm1' },
        { fileId: 'f-000000001', key: 'p2p:a|b', messageId: 'm2' },
        { fileId: 'f-000000001', key: 'group:z', messageId: 'm4' },
      ]);
      assert.equal((await index.listRefs('f-000000001', 2)).length, 2);
      assert.deepEqual(await index.listRefs('f-000000404', 10), []);
    });

    it('reserves a file only while its uploader\'s unsent files stay within the quota; a confirmed reference frees it, a pending one does not', async () => {
      const quota = { bytes: 100, files: 3 };
      const up = (id: string, size: number) => file(id, { uploader: 'quota-user', size, createdAt: 1_800_000_000_000 });
      assert.equal(await index.reserveFile(up('q-000000001', 60), quota), true);
      assert.equal(await index.reserveFile(up('q-000000002', 41), quota), false, '60 + 41 bytes pass the quota');
      assert.equal(await index.getFile('q-000000002'), undefined, 'a refused reservation records nothing');
      assert.equal(await index.reserveFile(up('q-000000002', 40), quota), true);
      assert.equal(await index.reserveFile(file('q-000000009', { uploader: 'someone-else', size: 100 }), quota), true, 'quotas are per uploader');
      const ref = { fileId: 'q-000000001', key: 'group:g', messageId: 'mq' };
      await index.addRefs([ref]);
      assert.equal(await index.reserveFile(up('q-000000003', 1), quota), false, 'a reference not yet confirmed frees nothing');
      await index.markRefs([ref], 'confirmed');
      // The reserved size is fixed by putFile.
      await index.putFile(up('q-000000002', 10));
      assert.equal(await index.reserveFile(up('q-000000003', 90), quota), true);
      assert.equal(await index.reserveFile(up('q-000000004', 0), quota), true);
      assert.equal(await index.reserveFile(up('q-000000005', 0), quota), false, 'a fourth unsent file passes the count');
    });

    it('lets concurrent reservations of one uploader pass the quota together no more than one at a time', async () => {
      const quota = { bytes: 1000, files: 100 };
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => index.reserveFile(file(`r-${String(i).padStart(9, '0')}`, { uploader: 'racer', size: 300 }), quota)),
      );
      assert.equal(results.filter(Boolean).length, 3);
    });

    it('lists pending references by uploader or file, and marks them confirmed or missing', async () => {
      await index.putFile(file('p-000000001', { uploader: 'pender' }));
      await index.putFile(file('p-000000002', { uploader: 'pender' }));
      const [a, b, c] = [
        { fileId: 'p-000000001', key: 'group:g', messageId: 'pa' },
        { fileId: 'p-000000002', key: 'group:g', messageId: 'pb' },
        { fileId: 'p-000000002', key: 'group:h', messageId: 'pc' },
      ];
      await index.addRefs([a!, b!, c!]);
      assert.deepEqual(await index.listPendingRefs({ uploader: 'pender' }, 10), [a, b, c].map((r) => ({ ...r, state: 'unchecked' })));
      await index.markRefs([a!], 'confirmed');
      await index.markRefs([b!], 'missing');
      assert.deepEqual(await index.listPendingRefs({ fileId: 'p-000000002' }, 10), [{ ...b, state: 'missing' }, { ...c, state: 'unchecked' }]);
      assert.deepEqual(await index.listPendingRefs({ uploader: 'pender' }, 1), [{ ...b, state: 'missing' }]);
      // A confirmed file's other references no longer matter for its uploader's quota.
      const d = { fileId: 'p-000000001', key: 'group:h', messageId: 'pd' };
      await index.addRefs([d]);
      assert.deepEqual(await index.listPendingRefs({ uploader: 'pender' }, 10), [{ ...b, state: 'missing' }, { ...c, state: 'unchecked' }]);
      assert.deepEqual(await index.listPendingRefs({ fileId: 'p-000000001' }, 10), [{ ...d, state: 'unchecked' }]);
      assert.equal((await index.listRefs('p-000000002', 10)).length, 2, 'a missing reference is still a reference for access');
    });

    it('lists unsent files older than a time, oldest first, page by page, and deletes one only as it was looked at', async () => {
      const old = (id: string, createdAt: number) => file(id, { uploader: 'sweep-user', size: 5, createdAt });
      await index.putFile(old('s-000000002', 1_000_000_000_001));
      await index.putFile(old('s-000000001', 1_000_000_000_001));
      await index.putFile(old('s-000000003', 1_000_000_000_003));
      await index.putFile(old('s-000000004', 1_000_000_000_100));
      await index.putFile(old('s-000000005', 1_000_000_000_004));
      const confirmed = { fileId: 's-000000003', key: 'group:g', messageId: 'ms' };
      const pending = { fileId: 's-000000005', key: 'group:g', messageId: 'mp' };
      await index.addRefs([confirmed, pending]);
      await index.markRefs([confirmed], 'confirmed');
      const listed = await index.listUnreferenced(1_000_000_000_050, 10);
      assert.deepEqual(listed.map((f) => f.id), ['s-000000001', 's-000000002', 's-000000005']);
      assert.deepEqual(listed[0], old('s-000000001', 1_000_000_000_001));
      assert.deepEqual((await index.listUnreferenced(1_000_000_000_050, 1)).map((f) => f.id), ['s-000000001']);
      assert.deepEqual((await index.listUnreferenced(1_000_000_000_050, 10, listed[0])).map((f) => f.id), ['s-000000002', 's-000000005']);
      assert.equal(await index.deleteUnreferenced('s-000000001', 0), true);
      assert.equal(await index.deleteUnreferenced('s-000000001', 0), false, 'a second sweeper finds it gone');
      assert.equal(await index.deleteUnreferenced('s-000000003', 1), false, 'a confirmed reference keeps it');
      assert.equal(await index.deleteUnreferenced('s-000000005', 0), false, 'a reference was added since it was looked at');
      assert.equal(await index.deleteUnreferenced('s-000000005', 1), true, 'its pending reference goes with it');
      assert.deepEqual(await index.listRefs('s-000000005', 10), []);
      assert.equal(await index.getFile('s-000000001'), undefined);
      assert.notEqual(await index.getFile('s-000000003'), undefined);
      assert.deepEqual((await index.listUnreferenced(1_000_000_000_050, 10)).map((f) => f.id), ['s-000000002']);
    });

    it('keeps each file it forgot among the deleted files, with its size, until cleared once', async () => {
      await index.putFile(file('d-000000002', { size: 7 }));
      await index.putFile(file('d-000000001', { size: 3 }));
      await index.putFile(file('d-000000003', { size: 9 }));
      await index.addRefs([{ fileId: 'd-000000003', key: 'group:g', messageId: 'md' }]);
      assert.equal(await index.deleteUnreferenced('d-000000003', 0), false);
      for (const id of ['d-000000002', 'd-000000001']) assert.equal(await index.deleteUnreferenced(id, 0), true);
      const mine = async (limit: number, after?: string) => (await index.listDeleted(limit, after)).filter((f) => f.id.startsWith('d-'));
      assert.deepEqual(await mine(100), [{ id: 'd-000000001', size: 3 }, { id: 'd-000000002', size: 7 }], 'by id; a file not forgotten is not listed');
      assert.deepEqual(await mine(100, 'd-000000001'), [{ id: 'd-000000002', size: 7 }]);
      assert.equal((await index.listDeleted(1)).length, 1);
      assert.equal(await index.clearDeleted('d-000000001'), true);
      assert.equal(await index.clearDeleted('d-000000001'), false, 'a second sweeper finds it cleared');
      assert.deepEqual(await mine(100), [{ id: 'd-000000002', size: 7 }]);
      assert.equal(await index.clearDeleted('d-000000002'), true);
    });
  });
}

fileIndexContract('memory', async () => ({ index: createMemoryFileIndex(), cleanup: async () => {} }));
fileIndexContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'natter-files-'));
  return { index: createSqliteFileIndex(join(dir, 'files.db')), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});
fileIndexContract('postgres', async () => {
  await requirePostgres();
  const db = await freshSchema();
  // Two nodes starting at once both create the tables without colliding.
  const [index, second] = await Promise.all([createPostgresFileIndex({ connectionString: db.url }), createPostgresFileIndex({ connectionString: db.url })]);
  await second.close();
  return { index, cleanup: () => db.drop() };
});

describe('SQLite file index upgrade', () => {
  it('opens a files.db of the previous release, its references pending (unchecked) and kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'natter-files-'));
    try {
      const old = new Database(join(dir, 'files.db'));
      old.exec(`CREATE TABLE files (id TEXT PRIMARY KEY, uploader TEXT NOT NULL, conv_key TEXT NOT NULL, name TEXT NOT NULL, mime TEXT NOT NULL, size INTEGER NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE file_refs (file_id TEXT NOT NULL, conv_key TEXT NOT NULL, message_id TEXT NOT NULL, PRIMARY KEY (file_id, conv_key, message_id));
        INSERT INTO files VALUES ('u-000000001', 'alice', 'group:g', 'a.png', 'image/png', 3, 1);
        INSERT INTO file_refs VALUES ('u-000000001', 'group:g', 'm1');`);
      old.close();
      const index = createSqliteFileIndex(join(dir, 'files.db'));
      try {
        assert.deepEqual(await index.listPendingRefs({ uploader: 'alice' }, 10), [{ fileId: 'u-000000001', key: 'group:g', messageId: 'm1', state: 'unchecked' }]);
        assert.equal(await index.deleteUnreferenced('u-000000001', 0), false, 'its reference counts until looked at');
      } finally {
        await index.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('file URL and HTTP helpers', () => {
  it('finds the file id in our file URLs only', () => {
    assert.equal(fileIdOf('https://chat.example.com/v1/files/0f8e2c1a-1111-4222-8333-444455556666/a%20b.png'), '0f8e2c1a-1111-4222-8333-444455556666');
    assert.equal(fileIdOf('/v1/files/0f8e2c1a-1111-4222-8333-444455556666/x'), '0f8e2c1a-1111-4222-8333-444455556666');
    assert.equal(fileIdOf('https://cdn.example.com/cat.png'), undefined);
    assert.equal(fileIdOf('https://x.example.com/v1/files/ticket'), undefined);
  });

  it('parses single byte ranges and refuses unsatisfiable ones', () => {
    assert.deepEqual(parseRange('bytes=0-9', 100), { start: 0, end: 9 });
    assert.deepEqual(parseRange('bytes=90-200', 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=-5', 100), { start: 95, end: 99 });
    assert.deepEqual(parseRange('bytes=-500', 100), { start: 0, end: 99 });
    assert.equal(parseRange('bytes=100-', 100), 'unsatisfiable');
    assert.equal(parseRange('bytes=-0', 100), 'unsatisfiable');
    assert.equal(parseRange('bytes=0-1,5-6', 100), undefined);
    assert.equal(parseRange('items=0-1', 100), undefined);
    assert.equal(parseRange(undefined, 100), undefined);
  });

  it('writes Content-Disposition with an ASCII fallback and the exact UTF-8 name', () => {
    assert.equal(contentDisposition('attachment', '报告 "1".pdf'), `attachment; filename="__ _1_.pdf"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%20%221%22.pdf`);
    assert.equal(contentDisposition('inline', "it's.png"), `inline; filename="it's.png"; filename*=UTF-8''it%27s.png`);
  });
});
