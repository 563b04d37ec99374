/**
 * Services of the cluster benchmark that only it uses, so that what they count is its own:
 * a private redis-server (its CPU, commands and bytes are the benchmark's, not other suites')
 * and a database of its own on the shared PostgreSQL (pg_stat_database's commits are its own).
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { Redis } from 'ioredis';
import { POSTGRES_URL, uniqueName } from '../../test/server/helpers/services.js';
import { freePort, stop } from './spawn.js';

export const REDIS_SERVER = process.env['NATTER_REDIS_SERVER'] ?? 'redis-server';

export interface PrivateRedis {
  url: string;
  pid: number;
  /** A connection for INFO (its own commands are left out of the counts). */
  client: Redis;
  stop(): Promise<void>;
}

/** Starts redis-server on a free loopback port, without persistence. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`cannot start ${REDIS_SERVER} (apt-get install -y redis-server, or set NATTER_REDIS_SERVER): ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`${REDIS_SERVER} exited with ${code}`)));
  });
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { retryStrategy: (n) => (n > 50 ? null : 100), maxRetriesPerRequest: null });
  client.on('error', () => undefined);
  await Promise.race([client.ping(), failed]);
  return {
    url,
    pid: child.pid!,
    client,
    async stop() {
      client.disconnect();
      await stop(child);
    },
  };
}

export interface BenchDatabase {
  name: string;
  url: string;
  /** A connection to the server's default database, for pg_stat_* (not counted in `name`'s commits). */
  admin: pg.Client;
  drop(): Promise<void>;
}

/** Creates a database of its own on the PostgreSQL of the test suites. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = uniqueName('natter_bench');
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.href,
    admin,
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
