import { after, before, describe } from 'node:test';
import type { ChatServerOptions } from '../../../src/server/options.js';
import { createMemoryStore } from '../../../src/server/store/memory-store.js';
import { dropRedisKeys, freshSchema, REDIS_URL, requirePostgres, requireRedis, uniqueName, type Schema } from './services.js';
import { startServer, type TestServer } from './test-server.js';

/** Where a test server keeps its data: in memory, SQLite in its temp data dir, or a fresh PostgreSQL schema (with a fresh Redis prefix). */
export type ServerStore = 'memory' | 'sqlite' | 'postgres' | 'postgres+redis';

/**
 * A server on `store`; its `stop()` also drops the PostgreSQL schema and the Redis keys it had.
 * A missing PostgreSQL or Redis fails the call with how to start it (services.ts).
 */
export async function startServerOn(store: ServerStore, options: Partial<ChatServerOptions> = {}): Promise<TestServer> {
  if (store === 'memory') return startServer({ ...options, store: createMemoryStore() });
  if (store === 'sqlite') return startServer(options);
  return (await startServerOnPostgres(options, { redis: store === 'postgres+redis' })).t;
}

/**
 * A server on a fresh PostgreSQL schema (with a fresh Redis prefix if `redis`), and the schema,
 * for a test that reads or locks its tables; the server's `stop()` drops the schema and the keys.
 */
export async function startServerOnPostgres(options: Partial<ChatServerOptions> = {}, { redis = false } = {}): Promise<{ t: TestServer; schema: Schema }> {
  await requirePostgres();
  const redisPrefix = redis ? `${uniqueName('natter_test')}:` : undefined;
  if (redisPrefix) await requireRedis();
  const schema = await freshSchema();
  const dropAll = async () => {
    await schema.drop();
    if (redisPrefix) await dropRedisKeys(redisPrefix);
  };
  let t: TestServer;
  try {
    t = await startServer({ ...options, databaseUrl: schema.url, ...(redisPrefix && { redisUrl: REDIS_URL, redisPrefix }) });
  } catch (err) {
    await dropAll();
    throw err;
  }
  const stop = t.stop;
  t.stop = async (wipe) => {
    await stop(wipe);
    await dropAll();
  };
  return { t, schema };
}

/**
 * The same suite once per store (SQLite and PostgreSQL unless `stores` says otherwise), as
 * `describe('<title> (<store>)')`: `body` registers its hooks and tests, reading the suite's
 * server through `server()` in them. The server starts before the suite's own hooks and stops
 * (its schema dropped) after its tests.
 */
export function serverOnEachStore(
  title: string,
  body: (server: () => TestServer) => void,
  { stores = ['sqlite', 'postgres'], ...options }: Partial<ChatServerOptions> & { stores?: readonly ServerStore[] } = {},
): void {
  for (const store of stores) {
    describe(`${title} (${store})`, () => {
      let t: TestServer | undefined;
      before(async () => {
        t = await startServerOn(store, options);
      });
      after(async () => {
        await t?.stop();
      });
      body(() => t!);
    });
  }
}
