import { createDiskFileStorage } from '../../../src/server/uploads/disk-file-storage.js';
import type { FileIndex } from '../../../src/server/uploads/file-index.js';
import type { FileStorage } from '../../../src/server/uploads/file-storage.js';
import { createPostgresFileIndex } from '../../../src/server/uploads/postgres-file-index.js';
import { createPostgresFileStorage } from '../../../src/server/uploads/postgres-file-storage.js';
import { createS3FileStorage } from '../../../src/server/uploads/s3-file-storage.js';
import { createSqliteFileIndex } from '../../../src/server/uploads/sqlite-file-index.js';
import { S3RVER_KEY } from './s3-server.js';

/** Where a sweep test keeps its index and bytes: plain data, so a child process opens the same ones. */
export interface SweepStores {
  index: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  storage: { kind: 'disk'; dir: string } | { kind: 'postgres'; url: string } | { kind: 's3'; endpoint: string; bucket: string };
}

export async function openSweepStores(s: SweepStores): Promise<{ index: FileIndex; storage: FileStorage; close(): Promise<void> }> {
  const index = s.index.kind === 'sqlite' ? createSqliteFileIndex(s.index.file) : await createPostgresFileIndex({ connectionString: s.index.url });
  const storage = s.storage.kind === 'disk'
    ? createDiskFileStorage(s.storage.dir)
    : s.storage.kind === 'postgres'
      ? await createPostgresFileStorage({ connectionString: s.storage.url })
      : await createS3FileStorage({ endpoint: s.storage.endpoint, bucket: s.storage.bucket, forcePathStyle: true, ...S3RVER_KEY });
  return {
    index,
    storage,
    async close() {
      await index.close();
      await storage.close?.();
    },
  };
}
