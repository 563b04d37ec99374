import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createChatServer } from '../../../src/server/index.js';
import { createMemoryBus } from '../../../src/server/bus/memory-bus.js';
import { createMemoryStore } from '../../../src/server/store/memory-store.js';

const SECRET = 'a-secret-of-enough-length';

describe('createChatServer options', () => {
  const impossible: [string, Parameters<typeof createChatServer>[0]][] = [
    ['no dataDir and no store', { secret: SECRET }],
    ['no secret outside dev mode', { dataDir: '/tmp/x' }],
    ['a short secret', { dataDir: '/tmp/x', secret: 'short' }],
    ['the admin key equal to the secret', { dataDir: '/tmp/x', secret: SECRET, adminKey: SECRET }],
    ['a zero rate limit', { dataDir: '/tmp/x', secret: SECRET, sendsPerMinute: 0 }],
    ['a fractional replay limit', { dataDir: '/tmp/x', secret: SECRET, replayLimit: 1.5 }],
    ['a hard frame cap below LIMITS.frameBytes', { dataDir: '/tmp/x', secret: SECRET, maxPayload: 1000 }],
    ['a zero request body deadline', { dataDir: '/tmp/x', secret: SECRET, requestBodyTimeoutMs: 0 }],
    ['a request body deadline past Node\'s longest timer (it would fire after 1 ms)', { dataDir: '/tmp/x', secret: SECRET, requestBodyTimeoutMs: 2 ** 31 }],
    ['a heartbeat past Node\'s longest timer', { dataDir: '/tmp/x', secret: SECRET, pingIntervalMs: 2 ** 31 }],
    ['a zero shutdown grace', { dataDir: '/tmp/x', secret: SECRET, shutdownGraceMs: 0 }],
    ['a static dir that does not exist', { dataDir: '/tmp/x', secret: SECRET, staticDir: '/no/such/dir' }],
    ['both a store and a databaseUrl', { store: createMemoryStore(), databaseUrl: 'postgres://127.0.0.1/x', secret: SECRET }],
    ['both a bus and a redisUrl', { dataDir: '/tmp/x', bus: createMemoryBus(), redisUrl: 'redis://127.0.0.1', secret: SECRET }],
    ['a databaseUrl that is not postgres://', { databaseUrl: 'mysql://127.0.0.1/x', secret: SECRET }],
    ['a redisUrl that is not redis://', { dataDir: '/tmp/x', redisUrl: '127.0.0.1:6379', secret: SECRET }],
  ];
  for (const [what, options] of impossible) {
    it(`throws a TypeError for ${what}`, async () => {
      await assert.rejects(createChatServer(options), TypeError);
    });
  }

  it('runs on an injected store without a data dir, and in dev mode without a secret', async () => {
    const server = await createChatServer({ store: createMemoryStore(), dev: true });
    const { port, url } = await server.listen(0);
    assert.ok(port > 0);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    await server.close();
  });

  it('refuses to start, naming the service, when PostgreSQL or Redis is unreachable', async () => {
    await assert.rejects(createChatServer({ databaseUrl: 'postgres://postgres@127.0.0.1:1/test', secret: SECRET }), /PostgreSQL at .* is unreachable/);
    await assert.rejects(createChatServer({ store: createMemoryStore(), redisUrl: 'redis://127.0.0.1:1', secret: SECRET }), /Redis at .* is unreachable/);
  });
});
