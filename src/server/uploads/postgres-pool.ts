import type { Pool, PoolClient, PoolConfig } from 'pg';
import { silentLogger, type Logger } from '../core/logger.js';
import { quoteIdent } from '../store/postgres-schema.js';

export interface UploadsPoolOptions {
  connectionString: string;
  poolSize?: number;
  /** Tables go in this schema (created by the caller), else the connection's search path. */
  schema?: string;
  logger?: Logger;
  /** Names the pool in the log: `postgres file index`, `postgres file storage`. */
  what: string;
  types?: PoolConfig['types'];
}

/**
 * A small pool for the uploads' own PostgreSQL tables (the file index's, the file storage's),
 * apart from the store's so that file traffic never queues behind message commits, and its first
 * connection for the caller's setup transaction. The pool is ended when that connection cannot
 * be had, so a failed start leaves nothing open.
 */
export async function openUploadsPool(options: UploadsPoolOptions): Promise<{ pool: Pool; client: PoolClient }> {
  const pg = (await import('pg')).default;
  const config: PoolConfig = { connectionString: options.connectionString, max: options.poolSize ?? 4, connectionTimeoutMillis: 5000 };
  if (options.types) config.types = options.types;
  if (options.schema) config.options = `-c search_path=${quoteIdent(options.schema)}`;
  const pool: Pool = new pg.Pool(config);
  const log = options.logger ?? silentLogger;
  pool.on('error', (err) => log.error({ err }, `${options.what}: idle connection failed`));
  const client = await pool.connect().catch(async (err: unknown) => {
    await pool.end();
    throw err;
  });
  return { pool, client };
}
