import type { RedisBusOptions } from './bus/redis-bus.js';
import type { RedisPresenceOptions } from './bus/redis-presence.js';
import type { RedisRateLimiterOptions } from './bus/redis-rate-limiter.js';
import type { Bus } from './core/bus.js';
import type { Presence } from './core/presence.js';
import type { RateLimiter } from './core/rate-limiter.js';
import type { Store } from './core/store.js';
import type { PostgresStoreOptions } from './store/postgres-store.js';
import type { FileIndex } from './uploads/file-index.js';
import type { FileStorage } from './uploads/file-storage.js';
import type { PostgresFileIndexOptions } from './uploads/postgres-file-index.js';
import type { PostgresFileStorageOptions } from './uploads/postgres-file-storage.js';
import type { S3FileStorageOptions } from './uploads/s3-file-storage.js';

/*
 * The backends a configuration may not use, each imported on its first call: the PostgreSQL
 * store alone is some 20 modules, the S3 adapter brings the AWS SDK, and a server on SQLite
 * with the memory bus (and every test file that imports this package) need none of them.
 * Same signatures as the modules' own factories, which are all async already.
 */

export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  return (await import('./store/postgres-store.js')).createPostgresStore(options);
}

export async function createPostgresFileIndex(options: PostgresFileIndexOptions): Promise<FileIndex> {
  return (await import('./uploads/postgres-file-index.js')).createPostgresFileIndex(options);
}

export async function createPostgresFileStorage(options: PostgresFileStorageOptions): Promise<FileStorage & { close(): Promise<void> }> {
  return (await import('./uploads/postgres-file-storage.js')).createPostgresFileStorage(options);
}

export async function createS3FileStorage(options: S3FileStorageOptions): Promise<FileStorage & { close(): Promise<void> }> {
  return (await import('./uploads/s3-file-storage.js')).createS3FileStorage(options);
}

export async function createRedisBus(options: RedisBusOptions): Promise<Bus> {
  return (await import('./bus/redis-bus.js')).createRedisBus(options);
}

export async function createRedisPresence(options: RedisPresenceOptions): Promise<Presence> {
  return (await import('./bus/redis-presence.js')).createRedisPresence(options);
}

export async function createRedisRateLimiter(options: RedisRateLimiterOptions): Promise<RateLimiter> {
  return (await import('./bus/redis-rate-limiter.js')).createRedisRateLimiter(options);
}
