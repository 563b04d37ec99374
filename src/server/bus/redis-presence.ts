import { randomUUID } from 'node:crypto';
import { silentLogger, type Logger } from '../core/logger.js';
import type { Presence, PresenceState } from '../core/presence.js';
import { closeRedis, connectRedis, redisClockOffset } from './redis-connection.js';

export interface RedisPresenceOptions {
  url: string;
  /** Prefix of every Redis name, one per deployment. Default `natter:`. */
  prefix?: string;
  /** How long a node's entry outlives its last refresh (a node that died stops refreshing). Default 30 000 ms. */
  ttlMs?: number;
  logger?: Logger;
}

/** Largest number of users one pipeline asks about. */
const CHUNK = 1000;

/**
 * Cluster-wide presence in Redis: one sorted set per user, `<prefix>presence:<userId>`, whose
 * members are the ids of the nodes holding a session of that user, scored with when the entry
 * expires. A node refreshes its entries every ttl/3, so those of a node that died (no close, no
 * refresh) stop counting after `ttlMs`, and the key itself expires when nobody refreshes it.
 * A lookup counts unexpired entries per user, all users of one lookup in one pipeline. Scores
 * and last-seen times are in Redis's time (this node's clock corrected by the difference
 * measured with TIME at each refresh), so nodes whose host clocks disagree by more than the ttl
 * still agree on who is online: by their own clocks, a node behind would write entries already
 * expired for the others, and one ahead entries that outlive its death by the difference.
 *
 * Commands of one node go out on one connection in call order, so a user's `offline` issued
 * before a reconnect's `online` is applied before it.
 *
 * Last seen lives in one hash, `<prefix>lastseen` (user id -> ms), with no expiry: each refresh
 * writes its users' time, and so does the node letting a user go, so after a node dies its users
 * read as last seen at its last refresh.
 */
export async function createRedisPresence(options: RedisPresenceOptions): Promise<Presence> {
  const log = options.logger ?? silentLogger;
  const prefix = options.prefix ?? 'natter:';
  const ttlMs = options.ttlMs ?? 30_000;
  const node = randomUUID();
  const redis = await connectRedis(options.url, `${prefix}presence`, log);
  const key = (userId: string) => `${prefix}presence:${userId}`;
  const seenKey = `${prefix}lastseen`;
  const local = new Set<string>();
  let closed = false;
  /** Redis's clock minus this node's, measured again before each refresh. */
  let offset = await redisClockOffset(redis);
  const now = () => Date.now() + offset;

  const refresh = async (users: Iterable<string>) => {
    const expires = now() + ttlMs;
    const pipe = redis.pipeline();
    let n = 0;
    for (const u of users) {
      pipe.zadd(key(u), expires, node).pexpire(key(u), ttlMs).hset(seenKey, u, expires - ttlMs);
      n++;
    }
    if (n > 0) await pipe.exec();
  };
  const timer = setInterval(() => {
    redisClockOffset(redis).then((measured) => {
      offset = measured;
      return refresh(local);
    }).catch((err: unknown) => log.error({ err }, 'redis presence: refresh failed'));
  }, Math.max(1, Math.floor(ttlMs / 3)));
  timer.unref();

  return {
    async online(userId) {
      if (closed) return;
      local.add(userId);
      await refresh([userId]);
    },
    async offline(userId) {
      if (closed || !local.delete(userId)) return;
      await redis.pipeline().zrem(key(userId), node).hset(seenKey, userId, now()).exec();
    },
    async offlineAmong(userIds) {
      const offline: string[] = [];
      for (let i = 0; i < userIds.length; i += CHUNK) {
        const chunk = userIds.slice(i, i + CHUNK);
        const pipe = redis.pipeline();
        const cutoff = now();
        for (const u of chunk) pipe.zcount(key(u), `(${cutoff}`, '+inf');
        const results = (await pipe.exec()) ?? [];
        chunk.forEach((u, j) => {
          const [err, count] = results[j] ?? [new Error('no reply')];
          if (err) throw err;
          if (count === 0) offline.push(u);
        });
      }
      return offline;
    },
    async states(userIds) {
      const states: PresenceState[] = [];
      for (let i = 0; i < userIds.length; i += CHUNK) {
        const chunk = userIds.slice(i, i + CHUNK);
        if (chunk.length === 0) break;
        const pipe = redis.pipeline();
        const cutoff = now();
        for (const u of chunk) pipe.zcount(key(u), `(${cutoff}`, '+inf');
        pipe.hmget(seenKey, ...chunk);
        const results = (await pipe.exec()) ?? [];
        const [seenErr, seen] = results[chunk.length] ?? [new Error('no reply')];
        if (seenErr) throw seenErr;
        chunk.forEach((u, j) => {
          const [err, count] = results[j] ?? [new Error('no reply')];
          if (err) throw err;
          const at = (seen as (string | null)[])[j];
          states.push(count !== 0 ? { online: true } : at ? { online: false, lastSeen: Number(at) } : { online: false });
        });
      }
      return states;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      try {
        const pipe = redis.pipeline();
        const at = now();
        for (const u of local) pipe.zrem(key(u), node).hset(seenKey, u, at);
        if (local.size > 0) await pipe.exec();
      } catch (err) {
        log.error({ err }, 'redis presence: could not withdraw this node (its entries expire by themselves)');
      }
      local.clear();
      await closeRedis(redis);
    },
  };
}
