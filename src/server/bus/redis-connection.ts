import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from '../core/logger.js';

/**
 * Opens one ioredis connection and waits until it is ready, so a node whose Redis is absent
 * fails at start instead of running as a silent one-node island. `ioredis` is imported here
 * only, so installs without Redis never load it. Once up, ioredis reconnects by itself (and
 * re-subscribes a subscriber); each outage is logged once, and so is the recovery.
 */
export async function connectRedis(url: string, name: string, logger: Logger, extra: RedisOptions = {}): Promise<Redis> {
  const { Redis } = await import('ioredis');
  let started = false;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectionName: name,
    // No retry before the first success (start fails fast); after it, back off up to 2 s,
    // forever: a cluster node should outlive a Redis restart.
    retryStrategy: (attempt) => (started ? Math.min(attempt * 100, 2000) : null),
    ...extra,
  });
  let lastError: Error | undefined;
  let down = false;
  // A server-side close brings 'reconnecting' without any 'error', so both count as an outage.
  const lost = () => {
    if (!started || down) return;
    down = true;
    logger.error({ err: lastError, connection: name }, 'redis: connection lost, reconnecting');
  };
  redis.on('error', (err: Error) => {
    lastError = err;
    lost();
  });
  redis.on('reconnecting', lost);
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    lastError = undefined;
    logger.info({ connection: name }, 'redis: reconnected');
  });
  try {
    await redis.connect();
  } catch (err) {
    // Already 'end' (no retry before the first success); disconnecting a closed socket would
    // only leave ioredis' 2 s destroy timer holding the process open.
    if (redis.status !== 'end') redis.disconnect();
    const why = lastError?.message ?? (err as Error).message;
    throw new Error(`Redis at ${redact(url)} is unreachable: ${why}`, { cause: lastError ?? err });
  }
  started = true;
  return redis;
}

/**
 * Redis's clock minus this host's, in ms, measured with TIME. Times that other nodes compare
 * (presence expiries, rate-limit windows) are written in Redis's time (the host's clock plus
 * this), so the hosts' clocks need not agree. A difference within the measurement's own
 * uncertainty (half the round trip) is taken as none.
 */
export async function redisClockOffset(redis: Redis): Promise<number> {
  const before = Date.now();
  const [s, us] = await redis.time();
  const after = Date.now();
  const measured = Number(s) * 1000 + Math.floor(Number(us) / 1000) - Math.round((before + after) / 2);
  return Math.abs(measured) <= (after - before) / 2 + 1 ? 0 : measured;
}

/** Closes politely when connected (queued commands go out first), at once otherwise. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}

/** The URL without its password, for error messages. */
function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]*):[^@]*@/, '$1:***@');
}
