import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { FileIndex, FileRecord, FileRef, UploadQuota } from './file-index.js';
import { REF_STATE, toPending, toRecord, toRef, unreferenced, type FileRow, type PendingRefRow, type RefRow } from './sql-file-index.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS files (
  id TEXT PRIMARY KEY,
  uploader TEXT NOT NULL,
  conv_key TEXT NOT NULL,
  name TEXT NOT NULL,
  mime TEXT NOT NULL,
  size INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_refs (
  file_id TEXT NOT NULL,
  conv_key TEXT NOT NULL,
  message_id TEXT NOT NULL,
  PRIMARY KEY (file_id, conv_key, message_id)
);
CREATE TABLE IF NOT EXISTS deleted_files (
  id TEXT PRIMARY KEY,
  size INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS files_by_uploader ON files (uploader);
CREATE INDEX IF NOT EXISTS files_by_created ON files (created_at, id);
`;

const UNREFERENCED = unreferenced('file_refs');

/**
 * File metadata in its own SQLite file (`files.db` beside `natter.db`), so uploads never
 * contend with the message commits for the write lock. WAL, `synchronous=FULL` like the store:
 * a reference recorded before an ack survives a crash.
 */
export function createSqliteFileIndex(file: string): FileIndex {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  // Added in place (a file written by an earlier release has none): its references start unchecked.
  if (!db.prepare<[], { name: string }>('PRAGMA table_info(file_refs)').all().some((c) => c.name === 'state')) {
    db.exec('ALTER TABLE file_refs ADD COLUMN state INTEGER NOT NULL DEFAULT 0');
  }
  const q = {
    put: db.prepare('INSERT OR REPLACE INTO files (id, uploader, conv_key, name, mime, size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    get: db.prepare<[string], FileRow>('SELECT * FROM files WHERE id = ?'),
    addRef: db.prepare('INSERT OR IGNORE INTO file_refs (file_id, conv_key, message_id) VALUES (?, ?, ?)'),
    refs: db.prepare<[string, number], RefRow>('SELECT file_id, conv_key, message_id FROM file_refs WHERE file_id = ? ORDER BY rowid LIMIT ?'),
    held: db.prepare<[string], { bytes: number | null; files: number }>(
      `SELECT sum(size) AS bytes, count(*) AS files FROM files f WHERE uploader = ? AND ${UNREFERENCED}`,
    ),
    unreferenced: db.prepare<[number, number, string, number], FileRow>(
      `SELECT * FROM files f WHERE created_at < ? AND (created_at, id) > (?, ?) AND ${UNREFERENCED} ORDER BY created_at, id LIMIT ?`,
    ),
    pendingOfUploader: db.prepare<[string, number], PendingRefRow>(
      `SELECT r.file_id, r.conv_key, r.message_id, r.state FROM file_refs r JOIN files f ON f.id = r.file_id
       WHERE f.uploader = ? AND r.state <> 1 AND ${UNREFERENCED} ORDER BY r.rowid LIMIT ?`,
    ),
    pendingOfFile: db.prepare<[string, number], PendingRefRow>('SELECT file_id, conv_key, message_id, state FROM file_refs WHERE file_id = ? AND state <> 1 ORDER BY rowid LIMIT ?'),
    mark: db.prepare('UPDATE file_refs SET state = ? WHERE file_id = ? AND conv_key = ? AND message_id = ?'),
    refCount: db.prepare<[string], number>('SELECT count(*) FROM file_refs WHERE file_id = ?').pluck(),
    deleteFile: db.prepare<[string], { size: number }>(`DELETE FROM files AS f WHERE id = ? AND ${UNREFERENCED} RETURNING size`),
    deleteRefs: db.prepare('DELETE FROM file_refs WHERE file_id = ?'),
    addDeleted: db.prepare('INSERT OR REPLACE INTO deleted_files (id, size) VALUES (?, ?)'),
    listDeleted: db.prepare<[string, number], { id: string; size: number }>('SELECT id, size FROM deleted_files WHERE id > ? ORDER BY id LIMIT ?'),
    clearDeleted: db.prepare('DELETE FROM deleted_files WHERE id = ?'),
  };
  const mark = db.transaction((refs: FileRef[], state: number) => {
    for (const r of refs) q.mark.run(state, r.fileId, r.key, r.messageId);
  });
  const deleteUnreferenced = db.transaction((id: string, refCount: number): boolean => {
    if (q.refCount.get(id) !== refCount) return false;
    const gone = q.deleteFile.get(id);
    if (!gone) return false;
    q.deleteRefs.run(id);
    q.addDeleted.run(id, gone.size);
    return true;
  }).immediate;
  // IMMEDIATE: the check and the insert hold the write lock together (other processes included).
  const reserve = db.transaction((f: FileRecord, quota: UploadQuota): boolean => {
    const held = q.held.get(f.uploader)!;
    if ((held.bytes ?? 0) + f.size > quota.bytes || held.files + 1 > quota.files) return false;
    q.put.run(f.id, f.uploader, f.key, f.name, f.mime, f.size, f.createdAt);
    return true;
  }).immediate;
  const addRefs = db.transaction((refs: FileRef[]) => {
    for (const r of refs) q.addRef.run(r.fileId, r.key, r.messageId);
  });
  return {
    async putFile(f) {
      q.put.run(f.id, f.uploader, f.key, f.name, f.mime, f.size, f.createdAt);
    },
    async getFile(id) {
      const row = q.get.get(id);
      return row && toRecord(row);
    },
    async getFiles(ids) {
      const found = new Map<string, FileRecord>();
      for (const id of new Set(ids)) {
        const row = q.get.get(id);
        if (row) found.set(id, toRecord(row));
      }
      return found;
    },
    async addRefs(refs) {
      if (refs.length > 0) addRefs(refs);
    },
    async listRefs(fileId, limit) {
      return q.refs.all(fileId, limit).map(toRef);
    },
    async reserveFile(file, quota) {
      // Not fsynced: a reservation lost in a crash is harmless (its upload failed with it), and
      // the putFile that completes the upload (FULL) makes it durable. Halves the fsyncs per upload.
      db.pragma('synchronous = NORMAL');
      try {
        return reserve(file, quota);
      } finally {
        db.pragma('synchronous = FULL');
      }
    },
    async listUnreferenced(before, limit, after) {
      return q.unreferenced.all(before, after?.createdAt ?? -Infinity, after?.id ?? '', limit).map(toRecord);
    },
    async listPendingRefs(of, limit) {
      return ('fileId' in of ? q.pendingOfFile.all(of.fileId, limit) : q.pendingOfUploader.all(of.uploader, limit)).map(toPending);
    },
    async markRefs(refs, state) {
      if (refs.length > 0) mark(refs, REF_STATE[state]);
    },
    async deleteUnreferenced(id, refCount) {
      return deleteUnreferenced(id, refCount);
    },
    async listDeleted(limit, after) {
      return q.listDeleted.all(after ?? '', limit);
    },
    async clearDeleted(id) {
      return q.clearDeleted.run(id).changes > 0;
    },
    async close() {
      db.close();
    },
  };
}
