import { oneCallAtATime } from './one-call-at-a-time.js';
import type { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../core/logger.js';
import { createMemoryRateLimiter, type RateDecision, type RateLimiter } from '../core/rate-limiter.js';
import { closeRedis, connectRedis, redisClockOffset } from './redis-connection.js';

export interface RedisRateLimiterOptions {
  url: string;
  /** Events allowed per key and window. */
  limit: number;
  windowMs?: number;
  /** Key prefix, one per deployment. Default `natter:`. */
  prefix?: string;
  logger?: Logger;
}

/**
 * The memory limiter's fixed window, kept in one Redis hash per key ({start, count}) so every
 * node counts against one budget. Check and count run in one script, atomically, for every
 * event of one event-loop turn in the order they came (KEYS[i] with the i-th pair of ARGV[2], a
 * space-separated list of now and limit, each event's; ARGV[1] the window; a key may come more
 * than once: two script arguments a turn besides the keys, not three an event, each of which
 * ioredis would write out on the event loop). The window is measured with the caller's `now`,
 * as the memory limiter does (so both pass one contract with a test clock), moved into Redis's
 * time by the difference of the clocks measured every CLOCK_MS: by the nodes' own clocks, a
 * window another node started would look over to a node ahead of it (which would start a fresh
 * one: the budget spent twice) and a retry-after from a node behind would be longer by the
 * difference. PEXPIRE only reclaims the hash after its window (Redis' own clock).
 */
const CONSUME = `
local out = {}
local window = tonumber(ARGV[1])
local given = {}
for n in string.gmatch(ARGV[2], '%S+') do given[#given + 1] = tonumber(n) end
for i, key in ipairs(KEYS) do
  local now = given[2 * i - 1]
  local limit = given[2 * i]
  local start = tonumber(redis.call('HGET', key, 'start'))
  if start == nil or now - start >= window then
    start = now
    redis.call('HSET', key, 'start', now, 'count', 0)
    redis.call('PEXPIRE', key, window)
  end
  if tonumber(redis.call('HGET', key, 'count')) >= limit then
    out[i] = math.max(1, start + window - now)
  else
    redis.call('HINCRBY', key, 'count', 1)
    out[i] = 0
  end
end
return out
`;

/** How often the difference between this node's clock and Redis's is measured again. */
const CLOCK_MS = 10_000;

type WithConsume = Redis & { natterConsume(keyCount: number, ...keysThenArgs: (string | number)[]): Promise<number[]> };

/** The answer to every allowed event (one object, not one per send). */
const ALLOWED: RateDecision = Object.freeze({ ok: true });

/**
 * A RateLimiter shared by the cluster. It lives in bus/ beside the Redis bus because it shares
 * its connection code; store/ holds Store adapters and the limiter is not one.
 *
 * The events of one event-loop turn (a batch of sends), or of every turn while the previous call
 * is on its way, are counted by one script call: not one Redis command a send (issue 23: each
 * command is an object, a promise, a write and a parsed reply on the node's event loop).
 *
 * If Redis cannot answer, this node falls back to its own memory limiter with the same budget
 * rather than refusing every send: sends keep working and are still limited per node.
 */
export async function createRedisRateLimiter(options: RedisRateLimiterOptions): Promise<RateLimiter> {
  const log = options.logger ?? silentLogger;
  const windowMs = options.windowMs ?? 60_000;
  const prefix = `${options.prefix ?? 'natter:'}rate:`;
  // No offline queue and a short timeout: during an outage, fall back now rather than hold a send.
  const redis = (await connectRedis(options.url, `${options.prefix ?? 'natter:'}rate`, log, { enableOfflineQueue: false, commandTimeout: 1000, maxRetriesPerRequest: 1 })) as WithConsume;
  redis.defineCommand('natterConsume', { lua: CONSUME });
  const local = createMemoryRateLimiter(options.limit, windowMs);
  let fallingBack = false;
  let offset = await redisClockOffset(redis);
  const clock = setInterval(() => {
    // Unmeasured (Redis down), the last difference stays; the fallback does not use it.
    redisClockOffset(redis).then((measured) => (offset = measured), () => undefined);
  }, CLOCK_MS);
  clock.unref();

  /** Counts what is pending in one script call; one call at a time, what comes meanwhile goes in the next. */
  const count = oneCallAtATime<{ key: string; now: number; limit: number; resolve(d: RateDecision): void }>((batch) => {
    const args: (string | number)[] = batch.map((e) => prefix + e.key);
    args.push(windowMs, batch.map((e) => `${e.now + offset} ${e.limit}`).join(' '));
    return redis.natterConsume(batch.length, ...args).then(
      (waits) => {
        fallingBack = false;
        for (const [i, e] of batch.entries()) {
          const retryAfterMs = waits[i]!;
          e.resolve(retryAfterMs === 0 ? ALLOWED : { ok: false, retryAfterMs });
        }
      },
      async (err: unknown) => {
        if (!fallingBack) log.error({ err }, 'redis rate limiter: unavailable, counting on this node only');
        fallingBack = true;
        for (const e of batch) e.resolve(await local.consume(e.key, e.now, e.limit));
      },
    );
  });

  return {
    consume(key, now, limit = options.limit) {
      return new Promise<RateDecision>((resolve) => count({ key, now, limit, resolve }));
    },
    async close() {
      clearInterval(clock);
      await closeRedis(redis);
    },
  };
}
