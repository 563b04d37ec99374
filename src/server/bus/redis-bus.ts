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
 * published while a node's subscriber is cut off does not reach it, so once the subscription is
 * live again the bus reports the gap (`onGap`) and the node makes its clients resync.
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

  // Every later 'ready' is a reconnect: whatever was published meanwhile is gone (pub/sub keeps
  // nothing). ioredis resubscribes on its own; subscribing again and awaiting the reply tells us
  // when the subscription is live, and only then may the node's clients resync.
  const gapListeners = new Set<() => void>();
  sub.on('ready', () => {
    sub.subscribe(channel).then(
      () => {
        if (closed) return;
        log.warn({ listeners: gapListeners.size }, 'redis bus: subscription restored; events published meanwhile were missed');
        for (const listener of gapListeners) listener();
      },
      (err: unknown) => log.error({ err }, 'redis bus: resubscribe failed'),
    );
  });

  return {
    async publish(event) {
      if (closed) throw new Error('bus closed');
      // `json` is for the publishing node's own fan-out (JSON.stringify leaves out undefined).
      await pub.publish(channel, JSON.stringify(event.kind === 'message' && event.json !== undefined ? { ...event, json: undefined } : event));
    },
    subscribe: subscribers.subscribe,
    async ping() {
      if (closed) throw new Error('bus closed');
      // A subscriber that is reconnecting misses events even while publishing still works.
      if (sub.status !== 'ready' || pub.status !== 'ready') throw new Error(`redis bus: pub ${pub.status}, sub ${sub.status}`);
      await pub.ping();
    },
    onGap(listener) {
      gapListeners.add(listener);
      return () => gapListeners.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      subscribers.clear();
      gapListeners.clear();
      await Promise.all([closeRedis(sub), closeRedis(pub)]);
    },
  };
}
