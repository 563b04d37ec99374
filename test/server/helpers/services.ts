import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';

/**
 * The real PostgreSQL and Redis the cluster suites run against (RECIPES.md: both run on this
 * machine and in CI). A suite that needs one calls require*() at the top of its file: when the
 * service is absent the file fails with the reason and how to start it, never skips quietly.
 */
export const POSTGRES_URL = process.env['NATTER_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env['NATTER_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export async function requirePostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new Error(
      `PostgreSQL suites need a server at ${POSTGRES_URL} (${(err as Error).message}). ` +
        'Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function requireRedis(): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(
      `Redis suites need a server at ${REDIS_URL} (${(err as Error).message}). ` +
        'Start it: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no',
    );
  } finally {
    if (redis.status !== 'end') redis.disconnect();
  }
}

/** A name no other run uses, so parallel runs never share tables, keys or channels. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/**
 * A fresh schema for one test run. `url` selects it for every connection (libpq `options`),
 * so code that only takes a database URL lands in it too; `drop` removes it and all its tables.
 */
export async function freshSchema(): Promise<{ schema: string; url: string; drop(): Promise<void> }> {
  const schema = uniqueName('natter_test');
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    schema,
    url,
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** Deletes every Redis key under `prefix` (channels leave nothing behind). */
export async function dropRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
