/**
 * What a Natter node over PostgreSQL + Redis needs to run in a benchmark: a scratch database of
 * its own (created through the `test` database, dropped afterwards) and a Redis prefix of its
 * own (its keys deleted afterwards). The environment it returns goes to `startNatterServer`.
 */
import pg from 'pg';
import { cpuSeconds } from './stats.js';
import { dropRedisKeys, POSTGRES_URL, REDIS_URL, requirePostgres, requireRedis, uniqueName } from '../../test/server/helpers/services.js';

export interface PgNodeBacking {
  /** NATTER_DATABASE_URL, NATTER_REDIS_URL and NATTER_REDIS_PREFIX for the node. */
  env: Record<string, string>;
  /** Drops the scratch database and the Redis keys. */
  drop(): Promise<void>;
  /**
   * CPU seconds so far of each PostgreSQL server process serving the node (by pid, from /proc:
   * the server runs on this machine): its backends, told apart from other clients' by the
   * application name, autovacuum's workers on its database, and the server's WAL writer,
   * checkpointer and background writer (shared with other databases: idle but for the node
   * during a benchmark on a quiet machine); with the database's commits so far.
   */
  databaseStats(): Promise<DatabaseStats>;
}

export interface DatabaseStats {
  cpu: Map<number, number>;
  /** `xact_commit` of the node's database (pg_stat_database). */
  commits: number;
}

let trials = 0;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: POSTGRES_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/**
 * A fresh database `<prefix>_<n>` (n counts the trials of this process, after the process id so
 * two runs never collide) on the server of the `test` database, and a fresh Redis prefix.
 */
export async function pgNodeBacking(prefix = 'natter_bench'): Promise<PgNodeBacking> {
  await requirePostgres();
  await requireRedis();
  const name = `${prefix}_${process.pid}_${++trials}`;
  await admin(`DROP DATABASE IF EXISTS ${name}`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  url.searchParams.set('application_name', name);
  const redisPrefix = `${uniqueName(name)}:`;
  return {
    env: { NATTER_DATABASE_URL: url.toString(), NATTER_REDIS_URL: REDIS_URL, NATTER_REDIS_PREFIX: redisPrefix },
    async databaseStats() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      try {
        const { rows } = await c.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE application_name = $1 OR (datname = $1 AND backend_type = 'autovacuum worker')
             OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`,
          [name],
        );
        // Counters are flushed by each backend at most once a second: a step's delta is close enough.
        const { rows: [stat] } = await c.query<{ commits: string }>('SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = $1', [name]);
        // A process that ended between the listing and the read counts nothing.
        const cpu = new Map(rows.map((r) => [r.pid, (() => { try { return cpuSeconds(r.pid); } catch { return 0; } })()]));
        return { cpu, commits: Number(stat?.commits ?? 0) };
      } finally {
        await c.end();
      }
    },
    async drop() {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropRedisKeys(redisPrefix);
    },
  };
}
