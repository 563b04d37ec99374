import type { Bus, BusEvent } from '../core/bus.js';
import { createSubscribers } from './subscribers.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { closeRedis, connectRedis } from './redis-connection.js';

export interface RedisBusOptions {
  /** `redis://host:port`. */
  url: string;
  /** Prefix of the channel (and of every Redis name Natter uses); one per deployment. Default `natter:`. */
  prefix?: string;
  logger?: Logger;
}

/**
 * Fan-out between nodes over Redis pub/sub. Every node publishes and subscribes to one channel,
 * `<prefix>events`: the Bus contract says every node receives every event, and a node filters
 * by the sockets it holds, so per-user channels would only add SUBSCRIBE churn on every login.
 *
 * Publishing and subscribing use separate connections because a subscribed Redis connection
 * can run no other command. One publishing connection keeps this node's events in publish
 * order (Redis delivers a connection's messages in order). Pub/sub is at most once: an event
 * published while a node is cut off does not reach it; its clients catch up by seq when they
 * see a gap or reconnect.
 */
export async function createRedisBus(options: RedisBusOptions): Promise<Bus> {
  const log = options.logger ?? silentLogger;
  const prefix = options.prefix ?? 'natter:';
  const channel = `${prefix}events`;
  // Connection names carry the prefix, so CLIENT LIST tells deployments apart.
  const pub = await connectRedis(options.url, `${prefix}bus-pub`, log);
  const sub = await connectRedis(options.url, `${prefix}bus-sub`, log).catch(async (err: unknown) => {
    await closeRedis(pub);
    throw err;
  });
  const subscribers = createSubscribers();
  let closed = false;

  sub.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    let event: BusEvent;
    try {
      event = JSON.parse(text) as BusEvent;
    } catch (err) {
      log.error({ err }, 'redis bus: dropped an event that is not JSON');
      return;
    }
    subscribers.deliver(event);
  });
  // Subscribed once for the node's lifetime, so subscribe() below is live as soon as it returns.
  await sub.subscribe(channel);

  return {
    async publish(event) {
      if (closed) throw new Error('bus closed');
      await pub.publish(channel, JSON.stringify(event));
    },
    subscribe: subscribers.subscribe,
    async ping() {
      if (closed) throw new Error('bus closed');
      // A subscriber that is reconnecting misses events even while publishing still works.
      if (sub.status !== 'ready' || pub.status !== 'ready') throw new Error(`redis bus: pub ${pub.status}, sub ${sub.status}`);
      await pub.ping();
    },
    async close() {
      if (closed) return;
      closed = true;
      subscribers.clear();
      await Promise.all([closeRedis(sub), closeRedis(pub)]);
    },
  };
}
