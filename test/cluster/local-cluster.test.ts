/**
 * The cluster helper after a failed test: nginx's error.log is kept (it goes with the temp dir
 * otherwise) and its tail printed, so a failover failure shows what nginx saw of the nodes.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dropRedisKeys, freshSchema, REDIS_URL, requirePostgres, requireRedis, uniqueName } from '../server/helpers/services.js';
import { requireNginx, startLocalCluster } from './lib/local-cluster.js';

await requirePostgres();
await requireRedis();
requireNginx();

test('a cluster stopped after a failure keeps nginx\'s error.log and prints its tail; after a pass the dir is removed', { timeout: 120_000 }, async (t) => {
  const db = await freshSchema();
  const redisPrefix = `${uniqueName('natter_test')}:`;
  const env = { NATTER_SECRET: 'cluster-secret-0123456789abcdef', NATTER_ADMIN_KEY: 'cluster-admin-key-0123456789', NATTER_DATABASE_URL: db.url, NATTER_REDIS_URL: REDIS_URL, NATTER_REDIS_PREFIX: redisPrefix };
  try {
    const failed = await startLocalCluster({ nodes: 1, env });
    // The only node gone: nginx logs the refused upstream in its error.log.
    await failed.nodes[0]!.kill();
    assert.equal((await fetch(`${failed.url}/healthz`)).status, 502);
    const printed = t.mock.method(console, 'error');
    await failed.stop(true);
    const log = join(failed.dir, 'error.log');
    assert.ok(existsSync(log), 'error.log kept');
    assert.match(readFileSync(log, 'utf8'), /connect\(\) failed/);
    const said = printed.mock.calls.map((c) => String(c.arguments[0])).join('\n');
    assert.match(said, /nginx error\.log \(kept in .*natter-cluster-/);
    assert.match(said, /connect\(\) failed \(111: Connection refused\)/, 'its tail printed');
    printed.mock.restore();
    rmSync(failed.dir, { recursive: true, force: true });

    const passed = await startLocalCluster({ nodes: 1, env });
    await passed.stop();
    assert.equal(existsSync(passed.dir), false, 'removed after a pass');
  } finally {
    await db.drop();
    await dropRedisKeys(redisPrefix);
  }
});
