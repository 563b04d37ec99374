import { after, before } from 'node:test';
import type { ChatServerOptions } from '../../../src/server/options.js';
import { dropRedisKeys, freshSchema, REDIS_URL, uniqueName } from './services.js';
import { startServer, type TestServer } from './test-server.js';

export interface TwoNodes {
  a: TestServer;
  b: TestServer;
  /** The Redis key prefix both nodes use. */
  readonly redisPrefix: string;
  /** The URL of the PostgreSQL schema both nodes use (for a test's own connection). */
  databaseUrl: string;
}

/**
 * Two server nodes configured only by URL, as `natter-server` is with NATTER_DATABASE_URL and
 * NATTER_REDIS_URL: one PostgreSQL schema and one Redis prefix, both fresh for the suite. Call it
 * in a `describe`: the nodes start in a `before` hook registered here (so read `a` and `b` in a
 * later hook or test) and are stopped, the schema dropped and the keys deleted after the suite.
 */
export function twoNodes(options: Partial<ChatServerOptions> = {}): TwoNodes {
  const redisPrefix = `${uniqueName('natter_test')}:`;
  const nodes = { redisPrefix } as TwoNodes;
  let db: Awaited<ReturnType<typeof freshSchema>> | undefined;
  before(async () => {
    db = await freshSchema();
    nodes.databaseUrl = db.url;
    const o = { databaseUrl: db.url, redisUrl: REDIS_URL, redisPrefix, ...options };
    [nodes.a, nodes.b] = await Promise.all([startServer(o), startServer(o)]);
  });
  after(async () => {
    await nodes.a?.stop();
    await nodes.b?.stop();
    await db?.drop();
    await dropRedisKeys(redisPrefix);
  });
  return nodes;
}
