import assert from 'node:assert/strict';
import { after, describe, it, mock } from 'node:test';
import { createRedisRateLimiter } from '../../../src/server/bus/redis-rate-limiter.js';
import { rateLimiterContract } from '../core/rate-limiter-contract.js';
import { dropRedisKeys, REDIS_URL, requireRedis, uniqueName } from '../helpers/services.js';

await requireRedis();

// Each limiter gets its own prefix (a fresh, empty limiter); all are removed at the end.
const prefixes: string[] = [];
const prefix = () => {
  const p = `${uniqueName('natter_test')}:`;
  prefixes.push(p);
  return p;
};
after(async () => {
  for (const p of prefixes) await dropRedisKeys(p);
});

rateLimiterContract('redis', (limit, windowMs) => createRedisRateLimiter({ url: REDIS_URL, limit, windowMs, prefix: prefix() }));

describe('Redis rate limiter across nodes', () => {
  it('counts every node against one budget', async () => {
    const shared = prefix();
    const [a, b] = await Promise.all([0, 1].map(() => createRedisRateLimiter({ url: REDIS_URL, limit: 4, windowMs: 60_000, prefix: shared })));
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await (i % 2 === 0 ? a! : b!).consume('send:alice', 1000 + i));
    assert.deepEqual(results.map((r) => r.ok), [true, true, true, true, false, false]);
    await a!.close!();
    await b!.close!();
  });

  it('keeps one window for nodes whose host clocks are 10 minutes apart: the budget spent on one is refused on the other', async () => {
    const shared = prefix();
    const a = await createRedisRateLimiter({ url: REDIS_URL, limit: 2, windowMs: 60_000, prefix: shared });
    // Node b's host runs 10 minutes behind (Date is its only clock here) when it starts.
    const skew = 600_000;
    mock.timers.enable({ apis: ['Date'], now: Date.now() - skew });
    const b = await createRedisRateLimiter({ url: REDIS_URL, limit: 2, windowMs: 60_000, prefix: shared }).finally(() => mock.timers.reset());
    try {
      const t = Date.now();
      assert.deepEqual([await b.consume('send:carol', t - skew), await b.consume('send:carol', t - skew + 1)], [{ ok: true }, { ok: true }]);
      const onA = await a.consume('send:carol', t + 2);
      assert.equal(onA.ok, false, 'the window b started holds on a');
      const onB = await b.consume('send:carol', t - skew + 3);
      assert.ok(!onB.ok && onB.retryAfterMs! <= 60_000, `b's retry-after is within the window (${JSON.stringify(onB)})`);
    } finally {
      await a.close!();
      await b.close!();
    }
  });

  it('counts the events of one turn (one script call) in the order they came, a key more than once', async () => {
    const limiter = await createRedisRateLimiter({ url: REDIS_URL, limit: 2, windowMs: 60_000, prefix: prefix() });
    const decisions = await Promise.all([
      limiter.consume('send:a', 1000), limiter.consume('send:b', 1000), limiter.consume('send:a', 1001),
      limiter.consume('send:a', 1002), limiter.consume('send:b', 1003, 1),
    ]);
    assert.deepEqual(decisions, [{ ok: true }, { ok: true }, { ok: true }, { ok: false, retryAfterMs: 59_998 }, { ok: false, retryAfterMs: 59_997 }]);
    await limiter.close!();
  });

  it('fails to start with a clear message when Redis is unreachable', async () => {
    await assert.rejects(createRedisRateLimiter({ url: 'redis://127.0.0.1:1', limit: 1 }), /Redis at .* is unreachable/);
  });
});
