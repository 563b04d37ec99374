import { oneCallAtATime } from './one-call-at-a-time.js';
import type { Bus, BusEvent } from '../core/bus.js';
import { createSubscribers } from './subscribers.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { closeRedis, connectRedis } from './redis-connection.js';
import { randomUUID } from 'node:crypto';

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
 * order (Redis delivers a connection's messages in order). The events published during one
 * event-loop turn (a commit batch's messages) go out as one PUBLISH of a JSON array, tagged
 * with this node's id: one Redis command and one parse per batch, not per message. A node
 * hands its own events to its subscribers itself, once Redis has taken them (the ack still
 * implies the publish), as the objects it published: no JSON round trip through Redis, and its
 * own fan-out keeps the stored body a commit returned (`json`). Pub/sub is at most once: an event
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

  /** Tags this node's batches, so its subscriber skips them (they were delivered here already). */
  const node = randomUUID();
  const head = `{"from":${JSON.stringify(node)},"events":[`;

  // As bytes: this node's own batches (all of them on a node alone) are told by their head and
  // dropped without being decoded.
  const channelBytes = Buffer.from(channel);
  const headBytes = Buffer.from(head);
  sub.on('messageBuffer', (from: Buffer, data: Buffer) => {
    if (!from.equals(channelBytes) || (data.length >= headBytes.length && headBytes.equals(data.subarray(0, headBytes.length)))) return;
    let events: BusEvent[];
    try {
      events = (JSON.parse(data.toString()) as { events: BusEvent[] }).events;
    } catch (err) {
      log.error({ err }, 'redis bus: dropped a batch of events that is not JSON');
      return;
    }
    for (const event of events) subscribers.deliver(event);
  });
  // Subscribed once for the node's lifetime, so subscribe() below is live as soon as it returns.
  await sub.subscribe(channel);

  // Every later 'ready' is a reconnect: whatever was published meanwhile is gone (pub/sub keeps
  // nothing). ioredis resubscribes on its own; subscribing again and awaiting the reply tells us
  // when the subscription is live, and only then may the node's clients resync.
  const gapListeners = new Set<() => void>();
  const cutListeners = new Set<() => void>();
  // 'close' comes once per lost connection (ioredis then reconnects and says 'ready' again).
  sub.on('close', () => {
    if (!closed) for (const listener of cutListeners) listener();
  });
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

  /**
   * Publishes what queued as one batch; on success delivers it here, in order. One PUBLISH at a
   * time (`oneCallAtATime`): each PUBLISH is a write, a reply to read and its own batch to read
   * back on the subscriber.
   */
  const queue = oneCallAtATime<{ event: BusEvent; resolve(): void; reject(err: unknown): void }>((batch) =>
    pub.publish(channel, head + batch.map((q) => wireJson(q.event)).join(',') + ']}').then(
      () => {
        for (const q of batch) {
          subscribers.deliver(q.event);
          q.resolve();
        }
      },
      (err: unknown) => {
        for (const q of batch) q.reject(err);
      },
    ),
  );

  return {
    publish(event) {
      if (closed) return Promise.reject(new Error('bus closed'));
      return new Promise<void>((resolve, reject) => queue({ event, resolve, reject }));
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
    onCut(listener) {
      cutListeners.add(listener);
      return () => cutListeners.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      subscribers.clear();
      gapListeners.clear();
      cutListeners.clear();
      await Promise.all([closeRedis(sub), closeRedis(pub)]);
    },
  };
}

/** What other nodes receive of a message event besides its message: every field but `message` and `json`. */
type MessageEvent = Extract<BusEvent, { kind: 'message' }>;
const WIRED: Record<keyof Omit<MessageEvent, 'message' | 'json'>, true> = { kind: true, key: true, recipients: true, origin: true };
void WIRED; // A field added to the event and not named here fails to compile: name it in wireJson too.

/**
 * An event as other nodes receive it. A message's `json` (its stored body) is spliced in as
 * the message instead of serialising the message again; `json` itself is local to this node.
 * Its other fields are named (an object rest copy is V8's slow path, once per message).
 */
function wireJson(event: BusEvent): string {
  if (event.kind !== 'message' || event.json === undefined) return JSON.stringify(event);
  const { kind, key, recipients, origin } = event;
  return `${JSON.stringify({ kind, key, recipients, origin }).slice(0, -1)},"message":${event.json}}`;
}
