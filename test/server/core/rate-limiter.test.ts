import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryRateLimiter } from '../../../src/server/core/rate-limiter.js';

describe('memory rate limiter', () => {
  it('allows `limit` events per window starting at the first event, then reports the time left', async () => {
    const limiter = createMemoryRateLimiter(3, 60_000);
    for (const t of [1000, 2000, 3000]) assert.deepEqual(await limiter.consume('u', t), { ok: true });
    assert.deepEqual(await limiter.consume('u', 31_000), { ok: false, retryAfterMs: 30_000 });
    assert.deepEqual(await limiter.consume('other', 31_000), { ok: true });
    assert.deepEqual(await limiter.consume('u', 61_000), { ok: true });
  });
});
