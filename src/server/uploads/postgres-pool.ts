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
  /** Names the advisory lock that nodes starting together take turns on (with the schema). */
  lock: string;
  /** Creates the caller's tables, in the setup transaction (after the lock and the schema). */
  setup(client: PoolClient): Promise<void>;
}

/**
 * A small pool for the uploads' own PostgreSQL tables (the file index's, the file storage's),
 * apart from the store's so that file traffic never queues behind message commits, with the
 * caller's tables made in one setup transaction: nodes starting together take turns on an
 * advisory lock instead of colliding on CREATE TABLE. A failed setup ends the pool, so a failed
 * start leaves nothing open.
 */
export async function openUploadsPool(options: UploadsPoolOptions): Promise<Pool> {
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
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${options.lock}:${options.schema ?? ''}`]);
    if (options.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)}`);
    await options.setup(client);
    await client.query('COMMIT');
    client.release();
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(true);
    await pool.end();
    throw err;
  }
  return pool;
}
