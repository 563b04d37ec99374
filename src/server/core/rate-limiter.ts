/** The answer of a rate limiter: allowed, or refused with the time until the window resets. */
export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Counts events per key in fixed windows. May answer with a promise, so a shared (Redis) limiter
 * fits the same shape and every node of a cluster counts against one budget; the in-memory one
 * answers at once (it runs on every send).
 */
export interface RateLimiter {
  /**
   * Counts one event of `key` at `now`. `limit`, when given, is this key's budget per window
   * instead of the limiter's own (one limiter, one connection, serves every frame class).
   */
  consume(key: string, now: number, limit?: number): RateDecision | Promise<RateDecision>;
  close?(): Promise<void>;
}

/** The answer to every allowed event (one object, not one per send). */
const ALLOWED: RateDecision = Object.freeze({ ok: true });

/**
 * In-memory fixed-window limiter: a window opens at the first event of a key and lasts
 * `windowMs`; up to `limit` events pass in it. Windows are dropped lazily when they end.
 */
export function createMemoryRateLimiter(limit: number, windowMs = 60_000): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = 0;
  return {
    consume(key, now, max = limit) {
      // Sweep at most once per window so an idle server does not keep every key forever.
      if (now - lastSweep > windowMs) {
        for (const [k, w] of windows) if (now - w.start >= windowMs) windows.delete(k);
        lastSweep = now;
      }
      let w = windows.get(key);
      if (!w || now - w.start >= windowMs) {
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      if (w.count >= max) return { ok: false, retryAfterMs: Math.max(1, w.start + windowMs - now) };
      w.count++;
      return ALLOWED;
    },
  };
}
