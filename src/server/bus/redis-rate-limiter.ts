import type { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../core/logger.js';
import { createMemoryRateLimiter, type RateLimiter } from '../core/rate-limiter.js';
import { closeRedis, connectRedis } from './redis-connection.js';

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
 * node counts against one budget. Check and count run in one script, atomically. The window
 * is measured with the caller's `now`, exactly as the memory limiter does (so both pass one
 * contract with a test clock); nodes' clocks only need to agree to within the tolerance one
 * wants on retryAfterMs. PEXPIRE only reclaims the hash after its window (Redis' own clock).
 */
const CONSUME = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local start = tonumber(redis.call('HGET', KEYS[1], 'start'))
if start == nil or now - start >= window then
  start = now
  redis.call('HSET', KEYS[1], 'start', ARGV[1], 'count', 0)
  redis.call('PEXPIRE', KEYS[1], window)
end
if tonumber(redis.call('HGET', KEYS[1], 'count')) >= limit then
  return math.max(1, start + window - now)
end
redis.call('HINCRBY', KEYS[1], 'count', 1)
return 0
`;

type WithConsume = Redis & { natterConsume(key: string, now: number, windowMs: number, limit: number): Promise<number> };

/**
 * A RateLimiter shared by the cluster. It lives in bus/ beside the Redis bus because it shares
 * its connection code; store/ holds Store adapters and the limiter is not one.
 *
 * If Redis cannot answer, this node falls back to its own memory limiter with the same budget
 * rather than refusing every send: sends keep working and are still limited per node.
 */
export async function createRedisRateLimiter(options: RedisRateLimiterOptions): Promise<RateLimiter> {
  const log = options.logger ?? silentLogger;
  const windowMs = options.windowMs ?? 60_000;
  const prefix = `${options.prefix ?? 'natter:'}rate:`;
  // No offline queue and a short timeout: during an outage, fall back now rather than hold a send.
  // Auto-pipelining writes the checks of one event-loop turn (a batch of sends) in one write.
  const redis = (await connectRedis(options.url, `${options.prefix ?? 'natter:'}rate`, log, { enableOfflineQueue: false, commandTimeout: 1000, maxRetriesPerRequest: 1, enableAutoPipelining: true })) as WithConsume;
  redis.defineCommand('natterConsume', { numberOfKeys: 1, lua: CONSUME });
  const local = createMemoryRateLimiter(options.limit, windowMs);
  let fallingBack = false;

  return {
    async consume(key, now, limit = options.limit) {
      try {
        const retryAfterMs = await redis.natterConsume(prefix + key, now, windowMs, limit);
        fallingBack = false;
        return retryAfterMs === 0 ? { ok: true } : { ok: false, retryAfterMs };
      } catch (err) {
        if (!fallingBack) log.error({ err }, 'redis rate limiter: unavailable, counting on this node only');
        fallingBack = true;
        return local.consume(key, now, limit);
      }
    },
    async close() {
      await closeRedis(redis);
    },
  };
}
