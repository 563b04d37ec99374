import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
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

    it('reserves a file only while its uploader\'s unreferenced files stay within the quota, and frees it once referenced', async () => {
      const quota = { bytes: 100, files: 3 };
      const up = (id: string, size: number) => file(id, { uploader: 'quota-user', size, createdAt: 1_800_000_000_000 });
      assert.equal(await index.reserveFile(up('q-000000001', 60), quota), true);
      assert.equal(await index.reserveFile(up('q-000000002', 41), quota), false, '60 + 41 bytes pass the quota');
      assert.equal(await index.getFile('q-000000002'), undefined, 'a refused reservation records nothing');
      assert.equal(await index.reserveFile(up('q-000000002', 40), quota), true);
      assert.equal(await index.reserveFile(file('q-000000009', { uploader: 'someone-else', size: 100 }), quota), true, 'quotas are per uploader');
      // Referenced files no longer count; the reserved size is fixed by putFile.
      await index.addRefs([{ fileId: 'q-000000001', key: 'group:g', messageId: 'mq' }]);
      await index.putFile(up('q-000000002', 10));
      assert.equal(await index.reserveFile(up('q-000000003', 90), quota), true);
      assert.equal(await index.reserveFile(up('q-000000004', 0), quota), true);
      assert.equal(await index.reserveFile(up('q-000000005', 0), quota), false, 'a fourth unreferenced file passes the count');
    });

    it('lets concurrent reservations of one uploader pass the quota together no more than one at a time', async () => {
      const quota = { bytes: 1000, files: 100 };
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => index.reserveFile(file(`r-${String(i).padStart(9, '0')}`, { uploader: 'racer', size: 300 }), quota)),
      );
      assert.equal(results.filter(Boolean).length, 3);
    });

    it('lists unreferenced files older than a time, oldest first, and deletes a file only while unreferenced', async () => {
      const old = (id: string, createdAt: number) => file(id, { uploader: 'sweep-user', size: 5, createdAt });
      await index.putFile(old('s-000000002', 1_000_000_000_002));
      await index.putFile(old('s-000000001', 1_000_000_000_001));
      await index.putFile(old('s-000000003', 1_000_000_000_003));
      await index.putFile(old('s-000000004', 1_000_000_000_100));
      await index.addRefs([{ fileId: 's-000000003', key: 'group:g', messageId: 'ms' }]);
      const listed = await index.listUnreferenced(1_000_000_000_050, 10);
      assert.deepEqual(listed.map((f) => f.id), ['s-000000001', 's-000000002']);
      assert.deepEqual(listed[0], old('s-000000001', 1_000_000_000_001));
      assert.deepEqual((await index.listUnreferenced(1_000_000_000_050, 1)).map((f) => f.id), ['s-000000001']);
      assert.equal(await index.deleteUnreferenced('s-000000001'), true);
      assert.equal(await index.deleteUnreferenced('s-000000001'), false, 'a second sweeper finds it gone');
      assert.equal(await index.deleteUnreferenced('s-000000003'), false, 'a referenced file stays');
      assert.equal(await index.getFile('s-000000001'), undefined);
      assert.notEqual(await index.getFile('s-000000003'), undefined);
      assert.deepEqual((await index.listUnreferenced(1_000_000_000_050, 10)).map((f) => f.id), ['s-000000002']);
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
