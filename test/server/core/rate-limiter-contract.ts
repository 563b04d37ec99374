import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { RateLimiter } from '../../../src/server/core/rate-limiter.js';

/**
 * The behaviour every RateLimiter must have: a fixed window that opens at a key's first event
 * and lasts `windowMs`, with `limit` events in it. `factory` returns a fresh, empty limiter.
 * Time is passed explicitly, so no case waits for a real window to pass.
 */
export function rateLimiterContract(name: string, factory: (limit: number, windowMs: number) => Promise<RateLimiter>): void {
  describe(`RateLimiter contract: ${name}`, () => {
    const made: RateLimiter[] = [];
    const make = async (limit: number, windowMs: number) => {
      const l = await factory(limit, windowMs);
      made.push(l);
      return l;
    };
    after(async () => {
      for (const l of made) await l.close?.();
    });

    it('allows `limit` events per window starting at the first event, then reports the time left', async () => {
      const limiter = await make(3, 60_000);
      for (const t of [1000, 2000, 3000]) assert.deepEqual(await limiter.consume('u', t), { ok: true });
      assert.deepEqual(await limiter.consume('u', 31_000), { ok: false, retryAfterMs: 30_000 });
      assert.deepEqual(await limiter.consume('other', 31_000), { ok: true });
      assert.deepEqual(await limiter.consume('u', 61_000), { ok: true });
    });

    it('opens the next window at the first event after the old one ends, not at the end of the old one', async () => {
      const limiter = await make(1, 10_000);
      assert.deepEqual(await limiter.consume('k', 0), { ok: true });
      assert.deepEqual(await limiter.consume('k', 25_000), { ok: true });
      assert.deepEqual(await limiter.consume('k', 34_999), { ok: false, retryAfterMs: 1 });
      assert.deepEqual(await limiter.consume('k', 35_000), { ok: true });
    });

    it('does not count refused events, so a caller who keeps trying is let in when the window ends', async () => {
      const limiter = await make(2, 1000);
      await limiter.consume('k', 0);
      await limiter.consume('k', 1);
      for (let t = 2; t < 12; t++) assert.equal((await limiter.consume('k', t)).ok, false);
      assert.deepEqual(await limiter.consume('k', 1000), { ok: true });
      assert.deepEqual(await limiter.consume('k', 1001), { ok: true });
      assert.deepEqual(await limiter.consume('k', 1002), { ok: false, retryAfterMs: 998 });
    });

    it('takes a per-call limit instead of its own, per key (one limiter serves every frame class)', async () => {
      const limiter = await make(100, 60_000);
      for (let i = 0; i < 2; i++) assert.deepEqual(await limiter.consume('blocklist:u', 10 + i, 2), { ok: true });
      assert.deepEqual(await limiter.consume('blocklist:u', 20, 2), { ok: false, retryAfterMs: 59_990 });
      for (let i = 0; i < 5; i++) assert.deepEqual(await limiter.consume('send:u', 20 + i), { ok: true });
    });

    it('counts concurrent events exactly: of many at once, `limit` pass', async () => {
      const limiter = await make(10, 60_000);
      const results = await Promise.all(Array.from({ length: 30 }, () => limiter.consume('burst', 5)));
      assert.equal(results.filter((r) => r.ok).length, 10);
    });
  });
}
