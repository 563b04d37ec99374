import assert from 'node:assert/strict';
import { after, describe, it, mock } from 'node:test';
import { Redis } from 'ioredis';
import { createRedisPresence } from '../../../src/server/bus/redis-presence.js';
import { dropRedisKeys, REDIS_URL, requireRedis, uniqueName } from '../helpers/services.js';
import { presenceContract } from './presence-contract.js';

await requireRedis();

const prefixes: string[] = [];
const fresh = () => {
  const prefix = `${uniqueName('natter_test')}:`;
  prefixes.push(prefix);
  return prefix;
};
after(async () => {
  for (const p of prefixes) await dropRedisKeys(p);
});

// Nodes of one contract run share a prefix; no other run does.
presenceContract('redis', async () => {
  const prefix = fresh();
  return () => createRedisPresence({ url: REDIS_URL, prefix });
}, true);

describe('Redis presence', () => {
  it("stops counting a node's entries once they expire (a node that died refreshes nothing)", async () => {
    const prefix = fresh();
    const node = await createRedisPresence({ url: REDIS_URL, prefix, ttlMs: 60_000 });
    const redis = new Redis(REDIS_URL);
    // An entry left by a node that died 10 s after its last refresh.
    await redis.zadd(`${prefix}presence:ghost`, Date.now() - 10_000, 'dead-node');
    await node.online('alive');
    assert.deepEqual(await node.offlineAmong(['ghost', 'alive']), ['ghost']);
    const ttl = await redis.pttl(`${prefix}presence:alive`);
    assert.ok(ttl > 50_000 && ttl <= 60_000, `key expires by itself (${ttl} ms)`);
    redis.disconnect();
    await node.close();
  });

  it("keeps a user's last seen written while online, so a node that dies leaves one", async () => {
    const prefix = fresh();
    const node = await createRedisPresence({ url: REDIS_URL, prefix, ttlMs: 60_000 });
    const redis = new Redis(REDIS_URL);
    const before = Date.now();
    await node.online('doomed');
    const written = Number(await redis.hget(`${prefix}lastseen`, 'doomed'));
    assert.ok(written >= before - 1000 && written <= Date.now(), `written at online (${written})`);
    // The node dies: nothing withdraws its entry, which expires (removed here as the expiry would).
    await redis.del(`${prefix}presence:doomed`);
    assert.deepEqual(await node.states(['doomed']), [{ online: false, lastSeen: written }]);
    redis.disconnect();
    await node.close();
  });

  it('refreshes its entries before they expire', async () => {
    const prefix = fresh();
    const node = await createRedisPresence({ url: REDIS_URL, prefix, ttlMs: 300 });
    await node.online('steady');
    await new Promise((r) => setTimeout(r, 900));
    assert.deepEqual(await node.offlineAmong(['steady']), []);
    await node.close();
  });

  it('a node whose host clock runs 10 minutes behind shows its users online to the other nodes, and last seen at the time they left', async () => {
    const prefix = fresh();
    const a = await createRedisPresence({ url: REDIS_URL, prefix });
    /** Runs `work` on a host whose clock is 10 minutes behind (Date is the node's only clock here). */
    const behind = async <T>(work: () => Promise<T>): Promise<T> => {
      mock.timers.enable({ apis: ['Date'], now: Date.now() - 600_000 });
      try {
        return await work();
      } finally {
        mock.timers.reset();
      }
    };
    const b = await behind(() => createRedisPresence({ url: REDIS_URL, prefix }));
    try {
      await behind(() => b.online('skewed'));
      assert.deepEqual(await a.states(['skewed']), [{ online: true }]);
      const left = Date.now();
      await behind(() => b.offline('skewed'));
      const [state] = await a.states(['skewed']);
      assert.equal(state!.online, false);
      assert.ok(Math.abs(state!.lastSeen! - left) < 5000, `last seen ${left - state!.lastSeen!} ms before leaving`);
    } finally {
      await a.close();
      await behind(() => b.close());
    }
  });
});
