import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ChatError } from '../../protocol/index.js';
import type { Logger } from '../core/logger.js';
import { createDiskFileStorage } from './disk-file-storage.js';
import type { FileStorage } from './file-storage.js';
import { createMemoryFileStorage } from './memory-file-storage.js';
import { createPostgresFileStorage, createS3FileStorage } from '../optional-backends.js';
import type { S3FileStorageOptions } from './s3-file-storage.js';

/** A FileStorage, or a function making one (called once, at start). */
export type FileStorageFactory = () => FileStorage | Promise<FileStorage>;

/** Which adapter holds the uploads, as the server's start log and the tests name it. */
export type FileStorageKind = 'given' | 's3' | 'disk' | 'postgres' | 'memory';

export interface FileStorageChoice {
  fileStorage?: FileStorage | FileStorageFactory | undefined;
  s3?: S3FileStorageOptions | undefined;
  uploadDir?: string | undefined;
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
}

/**
 * Opens where uploads live. In order: the `fileStorage` given; S3 with `s3`; disk in
 * `uploadDir` when given; PostgreSQL with `databaseUrl` (so the nodes of a cluster share files
 * without a shared directory); disk in `<dataDir>/uploads`; memory. `owned` says whether the
 * server opened it (and so closes it).
 *
 * A node that kept its files on disk before PostgreSQL became the default finds them still:
 * when `<dataDir>/uploads` exists, a file PostgreSQL does not have is read from there (new
 * uploads go to PostgreSQL; the old ones expire there, or stay while messages need them).
 */
export async function openFileStorage(c: FileStorageChoice, logger: Logger): Promise<{ storage: FileStorage; kind: FileStorageKind; owned: boolean }> {
  if (c.fileStorage) return { storage: typeof c.fileStorage === 'function' ? await c.fileStorage() : c.fileStorage, kind: 'given', owned: false };
  if (c.s3) return { storage: await createS3FileStorage(c.s3), kind: 's3', owned: true };
  if (c.uploadDir) return { storage: createDiskFileStorage(c.uploadDir), kind: 'disk', owned: true };
  if (c.databaseUrl) {
    const storage = await createPostgresFileStorage({ connectionString: c.databaseUrl, logger });
    const legacy = c.dataDir ? join(c.dataDir, 'uploads') : undefined;
    if (legacy && existsSync(legacy)) {
      logger.info({ dir: legacy }, 'uploads: new files in PostgreSQL; files not found there are read from the upload directory of before');
      return { storage: withEarlierFiles(storage, createDiskFileStorage(legacy)), kind: 'postgres', owned: true };
    }
    return { storage, kind: 'postgres', owned: true };
  }
  if (c.dataDir) return { storage: createDiskFileStorage(join(c.dataDir, 'uploads')), kind: 'disk', owned: true };
  return { storage: createMemoryFileStorage(), kind: 'memory', owned: true };
}

/** `current` for everything, with reads (and deletes) of what it lacks going to `earlier`. */
export function withEarlierFiles(current: FileStorage, earlier: FileStorage): FileStorage {
  const storage: FileStorage = {
    put: (key, body) => current.put(key, body),
    async get(key, range) {
      try {
        return await current.get(key, range);
      } catch (err) {
        if (!(err instanceof ChatError) || err.name !== 'FILE_NOT_FOUND') throw err;
        return earlier.get(key, range);
      }
    },
    async delete(key) {
      await current.delete(key);
      await earlier.delete(key);
    },
    async sweepTemporaries(before) {
      return (await current.sweepTemporaries?.(before) ?? 0) + (await earlier.sweepTemporaries?.(before) ?? 0);
    },
  };
  if (current.close) storage.close = () => current.close!();
  return storage;
}
