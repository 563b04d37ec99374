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

/**
 * How long the probe waits for PostgreSQL's answer. An absent server refuses the connection at
 * once; on a loaded machine (two cores at load 20+, test files two at a time) the answer can sit
 * unread for seconds while the process waits for a core, which is not absence: with 3 s,
 * file-storage.test.ts failed "timeout expired" in a run of the server suites at load 28.
 */
const PROBE_MS = 60_000;

export async function requirePostgres(url = POSTGRES_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new Error(
      `PostgreSQL suites need a server at ${url} (${(err as Error).message}). ` +
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
export interface Schema {
  /** Its name. */
  schema: string;
  /** The database URL whose connections land in it. */
  url: string;
  /** Drops it and all its tables. */
  drop(): Promise<void>;
}

export async function freshSchema(): Promise<Schema> {
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

/** A transaction of its own holding a table locked: every other read of it waits until `release`. */
export interface TableLock {
  /** How many other connections wait on the lock now. */
  waiting(): Promise<number>;
  /** Rolls the transaction back (the waiting reads go on) and closes the connection; again does nothing. */
  release(): Promise<void>;
}

/**
 * Locks `users` of `schema` (ACCESS EXCLUSIVE, in an open transaction on a client of its own),
 * so a store's connections that read it stay busy: how the pool-timeout tests saturate the pool.
 */
export async function lockUsers(schema: { schema: string }): Promise<TableLock> {
  const table = `${schema.schema}.users`;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  } catch (err) {
    await client.end();
    throw err;
  }
  let released: Promise<void> | undefined;
  return {
    async waiting() {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = $1::regclass', [table]);
      return rows[0]!.n;
    },
    release() {
      released ??= client.query('ROLLBACK').then(() => client.end(), async (err) => {
        await client.end();
        throw err;
      });
      return released;
    },
  };
}

/**
 * Takes the rows every table of `schema` holds now (what its migrations seeded) and returns a
 * function that puts the schema back to them: every table emptied, those rows inserted again,
 * sequences restarted. A store opened after it finds the schema as just migrated, at a
 * fifteenth of the cost of migrating a fresh one. Triggers (and foreign keys) stay quiet meanwhile.
 */
export async function schemaRestorer(schema: { schema: string; url: string }): Promise<() => Promise<void>> {
  const seeds = await withClient(schema.url, async (c) => {
    const rows = new Map<string, string>();
    for (const table of await tablesOf(c, schema.schema)) {
      const { rows: [taken] } = await c.query(`SELECT coalesce(json_agg(t), '[]')::text AS json FROM ${table} t`);
      if (taken.json !== '[]') rows.set(table, taken.json);
    }
    return rows;
  });
  return () => withClient(schema.url, async (c) => {
    const sequences = (await c.query<{ name: string }>('SELECT quote_ident(sequencename) AS name FROM pg_sequences WHERE schemaname = $1', [schema.schema])).rows;
    await c.query('BEGIN');
    await c.query('SET LOCAL session_replication_role = replica');
    // Tables read again each time: any the store made after its migrations are emptied too.
    for (const table of await tablesOf(c, schema.schema)) await c.query(`DELETE FROM ${table}`);
    for (const { name } of sequences) await c.query(`ALTER SEQUENCE ${name} RESTART`);
    for (const [table, json] of seeds) await c.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(null::${table}, $1)`, [json]);
    await c.query('COMMIT');
  });
}

async function tablesOf(c: pg.Client, schema: string): Promise<string[]> {
  const { rows } = await c.query<{ name: string }>('SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = $1', [schema]);
  return rows.map((r) => r.name);
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
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
