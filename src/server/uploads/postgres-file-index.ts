import type { CustomTypesConfig } from 'pg';
import type { Logger } from '../core/logger.js';
import type { FileIndex, FileRecord } from './file-index.js';
import { REF_STATE, toPending, toRecord, toRef, unreferenced, type FileRow, type PendingRefRow, type RefRow } from './sql-file-index.js';
import { openUploadsPool } from './postgres-pool.js';

export interface PostgresFileIndexOptions {
  /** The store's database URL (libpq parameters such as `?options=-c search_path=x` pass through). */
  connectionString: string;
  /** Keep the tables in this schema (as the store's `schema` option). */
  schema?: string;
  /** Most connections this index opens. Default 4. */
  poolSize?: number;
  logger?: Logger;
}

// Only adds, never alters: a node of the previous release keeps working beside a newer one.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS natter_files (
  id text COLLATE "C" PRIMARY KEY,
  uploader text COLLATE "C" NOT NULL,
  conv_key text COLLATE "C" NOT NULL,
  name text NOT NULL,
  mime text NOT NULL,
  size bigint NOT NULL,
  created_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS natter_file_refs (
  file_id text COLLATE "C" NOT NULL,
  conv_key text COLLATE "C" NOT NULL,
  message_id text COLLATE "C" NOT NULL,
  added bigserial,
  PRIMARY KEY (file_id, conv_key, message_id)
);
CREATE TABLE IF NOT EXISTS natter_file_deletions (
  id text COLLATE "C" PRIMARY KEY,
  size bigint NOT NULL
);
ALTER TABLE natter_file_refs ADD COLUMN IF NOT EXISTS state smallint NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS natter_files_by_uploader ON natter_files (uploader);
CREATE INDEX IF NOT EXISTS natter_files_by_created_id ON natter_files (created_at, id);
`;

const UNREFERENCED = unreferenced('natter_file_refs');

/**
 * File metadata in PostgreSQL, beside the store's tables (same database, own tables). Every
 * node creates them at start inside a transaction holding an advisory lock, so concurrent
 * starts take turns instead of colliding on `CREATE TABLE IF NOT EXISTS`.
 */
export async function createPostgresFileIndex(options: PostgresFileIndexOptions): Promise<FileIndex> {
  const pg = (await import('pg')).default;
  const pool = await openUploadsPool({
    ...options,
    what: 'postgres file index',
    lock: 'natter.files',
    types: { getTypeParser: ((oid, format) => (oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format))) as CustomTypesConfig['getTypeParser'] },
    setup: async (client) => void (await client.query(SCHEMA)),
  });
  const rows = async <R extends object>(sql: string, params: unknown[]) => (await pool.query<R & import('pg').QueryResultRow>(sql, params)).rows;

  return {
    async putFile(f) {
      await rows(
        `INSERT INTO natter_files (id, uploader, conv_key, name, mime, size, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET uploader = $2, conv_key = $3, name = $4, mime = $5, size = $6, created_at = $7`,
        [f.id, f.uploader, f.key, f.name, f.mime, f.size, f.createdAt],
      );
    },
    async getFile(id) {
      const [row] = await rows<FileRow>('SELECT * FROM natter_files WHERE id = $1', [id]);
      return row && toRecord(row);
    },
    async getFiles(ids) {
      const found = new Map<string, FileRecord>();
      if (ids.length === 0) return found;
      for (const row of await rows<FileRow>('SELECT * FROM natter_files WHERE id = ANY($1::text[])', [[...new Set(ids)]])) found.set(row.id, toRecord(row));
      return found;
    },
    async addRefs(refs) {
      if (refs.length === 0) return;
      await rows(
        `INSERT INTO natter_file_refs (file_id, conv_key, message_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
        [refs.map((r) => r.fileId), refs.map((r) => r.key), refs.map((r) => r.messageId)],
      );
    },
    async listRefs(fileId, limit) {
      const found = await rows<RefRow>('SELECT file_id, conv_key, message_id FROM natter_file_refs WHERE file_id = $1 ORDER BY added LIMIT $2', [fileId, limit]);
      return found.map(toRef);
    },
    async reserveFile(f, quota) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        // One uploader's reservations take turns, on every node: the sum cannot be passed by a race.
        await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`natter.upload:${options.schema ?? ''}:${f.uploader}`]);
        const held = (await c.query<{ bytes: number | null; files: number }>(
          `SELECT sum(size)::bigint AS bytes, count(*) AS files FROM natter_files f WHERE uploader = $1 AND ${UNREFERENCED}`,
          [f.uploader],
        )).rows[0]!;
        const fits = (held.bytes ?? 0) + f.size <= quota.bytes && held.files + 1 <= quota.files;
        if (fits) {
          await c.query(
            'INSERT INTO natter_files (id, uploader, conv_key, name, mime, size, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
            [f.id, f.uploader, f.key, f.name, f.mime, f.size, f.createdAt],
          );
        }
        await c.query('COMMIT');
        c.release();
        return fits;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        c.release(true);
        throw err;
      }
    },
    async listUnreferenced(before, limit, after) {
      return (await rows<FileRow>(
        `SELECT * FROM natter_files f WHERE created_at < $1 AND (created_at, id) > ($2, $3) AND ${UNREFERENCED} ORDER BY created_at, id LIMIT $4`,
        [before, after?.createdAt ?? Number.MIN_SAFE_INTEGER, after?.id ?? '', limit],
      )).map(toRecord);
    },
    async listPendingRefs(of, limit) {
      const found = 'fileId' in of
        ? await rows<PendingRefRow>('SELECT file_id, conv_key, message_id, state FROM natter_file_refs WHERE file_id = $1 AND state <> 1 ORDER BY added LIMIT $2', [of.fileId, limit])
        : await rows<PendingRefRow>(
          `SELECT r.file_id, r.conv_key, r.message_id, r.state FROM natter_file_refs r JOIN natter_files f ON f.id = r.file_id
           WHERE f.uploader = $1 AND r.state <> 1 AND ${UNREFERENCED} ORDER BY r.added LIMIT $2`,
          [of.uploader, limit],
        );
      return found.map(toPending);
    },
    async markRefs(refs, state) {
      if (refs.length === 0) return;
      await rows(
        `UPDATE natter_file_refs r SET state = $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS m (file_id, conv_key, message_id)
         WHERE r.file_id = m.file_id AND r.conv_key = m.conv_key AND r.message_id = m.message_id`,
        [refs.map((r) => r.fileId), refs.map((r) => r.key), refs.map((r) => r.messageId), REF_STATE[state]],
      );
    },
    async deleteUnreferenced(id, refCount) {
      // One statement: the file goes, with its references, only while none is confirmed and none
      // was added; it joins the deleted files in the same commit.
      const [row] = await rows<{ n: number }>(
        `WITH gone AS (
           DELETE FROM natter_files f WHERE id = $1 AND ${UNREFERENCED}
             AND (SELECT count(*) FROM natter_file_refs r WHERE r.file_id = $1) = $2
           RETURNING id, size),
         refs AS (DELETE FROM natter_file_refs r USING gone WHERE r.file_id = gone.id),
         doomed AS (INSERT INTO natter_file_deletions (id, size) SELECT id, size FROM gone ON CONFLICT (id) DO UPDATE SET size = EXCLUDED.size)
         SELECT count(*)::int AS n FROM gone`,
        [id, refCount],
      );
      return row!.n > 0;
    },
    async listDeleted(limit, after) {
      return rows<{ id: string; size: number }>('SELECT id, size FROM natter_file_deletions WHERE id > $1 ORDER BY id LIMIT $2', [after ?? '', limit]);
    },
    async clearDeleted(id) {
      return ((await pool.query('DELETE FROM natter_file_deletions WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },
    async close() {
      await pool.end();
    },
  };
}
