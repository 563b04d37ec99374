import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { ChatError } from '../../protocol/index.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { ByteRange, FileStorage } from './file-storage.js';
import { openUploadsPool } from './postgres-pool.js';

export interface PostgresFileStorageOptions {
  /** The database URL (libpq parameters such as `?options=-c search_path=x` pass through). */
  connectionString: string;
  /** Keep the tables in this schema (as the store's `schema` option). */
  schema?: string;
  /** Bytes per stored chunk (one row each). Default 256 KiB. */
  chunkBytes?: number;
  /** Most connections this storage opens. Default 4. */
  poolSize?: number;
  logger?: Logger;
}

/** Chunks fetched per round trip while reading (1 MiB at the default size: few trips, little held). */
const CHUNKS_PER_READ = 4;

// Only adds, never alters: a node of the previous release keeps working beside a newer one.
// `natter_file_uploads` lists uploads in progress: a row left behind is an upload a crash cut off.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS natter_file_blobs (
  key text COLLATE "C" PRIMARY KEY,
  upload text COLLATE "C" NOT NULL,
  size bigint NOT NULL,
  chunk_bytes integer NOT NULL
);
CREATE TABLE IF NOT EXISTS natter_file_uploads (
  upload text COLLATE "C" PRIMARY KEY,
  touched_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS natter_file_uploads_by_touched ON natter_file_uploads (touched_at);
`;
// Uploads are mostly compressed already (images, video): no pglz on them, stored out of line.
const CHUNKS = `
CREATE TABLE natter_file_chunks (
  upload text COLLATE "C" NOT NULL,
  n integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (upload, n)
);
ALTER TABLE natter_file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
`;

/**
 * Uploaded bytes in PostgreSQL, so that every node of a cluster reads what any node stored
 * without a shared directory: the default beside a PostgreSQL store. A file is cut into
 * fixed-size chunks (a `bytea` row each) as it streams in, each chunk committed on its own, so
 * a slow upload holds no connection and no transaction between chunks and no node holds more
 * than one chunk of it in memory. The file becomes visible in one transaction at the end (its
 * `natter_file_blobs` row); until then it is an upload in progress, which a crash leaves behind
 * for `sweepTemporaries`. Reads fetch only the chunks a range covers, a few per round trip, as
 * the reader asks for them.
 */
export async function createPostgresFileStorage(options: PostgresFileStorageOptions): Promise<FileStorage & { close(): Promise<void> }> {
  const log = options.logger ?? silentLogger;
  const chunkBytes = options.chunkBytes ?? 256 * 1024;
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1) throw new TypeError('createPostgresFileStorage: `chunkBytes` must be a positive integer.');
  const pool = await openUploadsPool({
    ...options,
    what: 'postgres file storage',
    lock: 'natter.file-storage',
    setup: async (client) => {
      await client.query(SCHEMA);
      const { rows } = await client.query<{ found: string | null }>("SELECT to_regclass('natter_file_chunks')::text AS found");
      if (rows[0]!.found === null) await client.query(CHUNKS);
    },
  });

  /**
   * Forgets an upload in progress and its chunks (a failed put, a sweep). Its row goes first: a
   * chunk is only inserted while the row is there, so none can slip in after the chunks went.
   */
  const discard = async (upload: string) => {
    await pool.query('DELETE FROM natter_file_uploads WHERE upload = $1', [upload]);
    await pool.query('DELETE FROM natter_file_chunks WHERE upload = $1', [upload]);
  };
  const swept = () => new ChatError('UPLOAD_FAILED', 'The upload was interrupted.');
  /**
   * The database's failures as the client should see them (503: try again later), apart from
   * the upload stream's own errors (too large, client gone), which pass through as they are.
   */
  const db = <T>(work: Promise<T>): Promise<T> =>
    work.catch((err: unknown) => {
      if (err instanceof ChatError) throw err;
      if ((err as { code?: unknown }).code === '53100') throw new ChatError('UNAVAILABLE', 'The file storage is full. Try again later.', { cause: err });
      throw new ChatError('UNAVAILABLE', 'The file storage did not answer. Try again later.', { cause: err });
    });

  return {
    async put(key, body) {
      const upload = randomUUID();
      await db(pool.query('INSERT INTO natter_file_uploads (upload, touched_at) VALUES ($1, $2)', [upload, Date.now()]));
      let n = 0;
      let size = 0;
      const store = async (data: Buffer) => {
        // The upload's row is touched with each chunk: a sweep takes only uploads gone quiet.
        const { rowCount } = await db(pool.query(
          `WITH touched AS (UPDATE natter_file_uploads SET touched_at = $4 WHERE upload = $1 RETURNING upload)
           INSERT INTO natter_file_chunks (upload, n, data) SELECT upload, $2, $3 FROM touched`,
          [upload, n++, data, Date.now()],
        ));
        if (rowCount !== 1) throw swept();
      };
      try {
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        // Awaiting each insert before reading on is the backpressure: the socket is read no faster than stored.
        for await (const piece of body) {
          let bytes = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array);
          size += bytes.length;
          while (pendingBytes + bytes.length >= chunkBytes) {
            const take = chunkBytes - pendingBytes;
            pending.push(bytes.subarray(0, take));
            await store(Buffer.concat(pending, chunkBytes));
            bytes = bytes.subarray(take);
            pending = [];
            pendingBytes = 0;
          }
          if (bytes.length > 0) {
            pending.push(bytes);
            pendingBytes += bytes.length;
          }
        }
        if (pendingBytes > 0) await store(Buffer.concat(pending, pendingBytes));
        const c = await db(pool.connect());
        let replaced: string | undefined;
        try {
          await c.query('BEGIN');
          const old = await c.query<{ upload: string }>('SELECT upload FROM natter_file_blobs WHERE key = $1 FOR UPDATE', [key]);
          replaced = old.rows[0]?.upload;
          await c.query(
            `INSERT INTO natter_file_blobs (key, upload, size, chunk_bytes) VALUES ($1, $2, $3, $4)
             ON CONFLICT (key) DO UPDATE SET upload = $2, size = $3, chunk_bytes = $4`,
            [key, upload, size, chunkBytes],
          );
          // Swept meanwhile (quiet longer than the sweep's age): its chunks may be gone.
          if ((await c.query('DELETE FROM natter_file_uploads WHERE upload = $1', [upload])).rowCount !== 1) throw swept();
          await c.query('COMMIT');
          c.release();
        } catch (err) {
          await c.query('ROLLBACK').catch(() => undefined);
          c.release(true);
          return await db(Promise.reject(err));
        }
        // Keys are fresh ids, so a replaced file is rare; its chunks go once nothing points at them.
        // Best effort: the file is committed, so a failure here must not reach the cleanup below.
        if (replaced) {
          await pool.query('DELETE FROM natter_file_chunks WHERE upload = $1', [replaced])
            .catch((err: unknown) => log.warn({ err, upload: replaced }, 'postgres file storage: the chunks of a replaced file stayed'));
        }
        return size;
      } catch (err) {
        await discard(upload).catch((e: unknown) => log.warn({ err: e, upload }, 'postgres file storage: a failed upload left chunks for the sweep'));
        throw err;
      }
    },

    async get(key, range?: ByteRange) {
      const [blob] = (await db(pool.query<{ upload: string; size: string; chunk_bytes: number }>(
        'SELECT upload, size, chunk_bytes FROM natter_file_blobs WHERE key = $1', [key],
      ))).rows;
      if (!blob) throw new ChatError('FILE_NOT_FOUND');
      const size = Number(blob.size);
      const per = blob.chunk_bytes;
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? size - 1, size - 1);
      if (size === 0 || end < start) return Readable.from([]);
      const first = Math.floor(start / per);
      const last = Math.floor(end / per);
      async function* chunks(): AsyncGenerator<Buffer> {
        for (let from = first; from <= last; from += CHUNKS_PER_READ) {
          const to = Math.min(from + CHUNKS_PER_READ - 1, last);
          const { rows } = await db(pool.query<{ n: number; data: Buffer }>(
            'SELECT n, data FROM natter_file_chunks WHERE upload = $1 AND n BETWEEN $2 AND $3 ORDER BY n', [blob!.upload, from, to],
          ));
          // Deleted while being read (a sweep, a replace): the reader gets an error, not a short file.
          if (rows.length !== to - from + 1) throw new ChatError('FILE_NOT_FOUND');
          for (const { n, data } of rows) {
            const lo = n === first ? start - n * per : 0;
            const hi = n === last ? end - n * per + 1 : data.length;
            yield data.subarray(lo, hi);
          }
        }
      }
      return Readable.from(chunks(), { objectMode: false });
    },

    async delete(key) {
      // One statement: the file and its chunks go together.
      await pool.query(
        `WITH gone AS (DELETE FROM natter_file_blobs WHERE key = $1 RETURNING upload)
         DELETE FROM natter_file_chunks c USING gone WHERE c.upload = gone.upload`,
        [key],
      );
    },

    async sweepTemporaries(before) {
      const stale = await pool.query<{ upload: string }>('SELECT upload FROM natter_file_uploads WHERE touched_at < $1', [before]);
      for (const { upload } of stale.rows) await discard(upload);
      return stale.rows.length;
    },

    async close() {
      await pool.end();
    },
  };
}
