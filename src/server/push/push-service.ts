import { createECDH } from 'node:crypto';
import type https from 'node:https';
import webPush from 'web-push';
import { ChatError } from '../../protocol/index.js';
import { keyOf } from '../core/conversation-key.js';
import type { Logger } from '../core/logger.js';
import type { OfflineMessageEvent } from '../core/offline-push.js';
import type { Store } from '../core/store.js';
import type { Clock } from '../core/types.js';
import { assertPublicTarget, guardedAgents, TargetRefusedError, type TargetPolicy } from '../net/public-target.js';
import { pushPayload, pushTopic } from './push-payload.js';
import { endpointPolicy, PushQueue } from './push-queue.js';

/** Web Push settings (`push` of createChatServer; env `NATTER_PUSH*`, `NATTER_VAPID_*`). */
export interface PushOptions {
  /** VAPID key pair, base64url; both or neither. Default: generated once and kept in the store. */
  vapidPublicKey?: string;
  vapidPrivateKey?: string;
  /** VAPID `sub`: a `mailto:` or `https:` contact for push services. Default `mailto:webpush@natter.invalid`. */
  vapidSubject?: string;
  /** Show the message's text in the push; false: "New message" (`offlinePushInfo` still wins). Default true. */
  preview?: boolean;
  /** How long a push service keeps an undelivered push, seconds. Default 86400. */
  ttlSeconds?: number;
  /** Accept loopback endpoints (any port): tests only. Default false. */
  allowLoopback?: boolean;
  /** Extra TLS options of the push agent (a test's own `ca`). */
  agentOptions?: https.AgentOptions;
  /** Subscriptions one user may hold (one per device). Default 10. */
  maxSubscriptionsPerUser?: number;
  /** Pushes waiting at most (then dropped). Default 10000. */
  maxQueued?: number;
  /** Pushes in flight at once. Default 8. */
  concurrency?: number;
  /** Tries of one push on 429, 5xx and network errors. Default 4. */
  maxAttempts?: number;
  /** First retry delay, doubled each try (or Retry-After when longer). Default 2000. */
  retryBaseMs?: number;
  /** Time limit of one request to a push service. Default 10000. */
  timeoutMs?: number;
}

/** A browser's `PushSubscription.toJSON()` and the device it belongs to. */
export interface SubscriptionInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  deviceId?: string;
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Web Push (SPEC §10): the VAPID keys, subscriptions per device (endpoints checked to be https
 * on public addresses before they are stored, and again when connecting), and one encrypted
 * push per subscription of each recipient who is offline everywhere and has not muted the
 * conversation. Sending never holds up a message: pushes go through a bounded queue.
 */
export class PushService {
  readonly publicKey: string;
  readonly queue: PushQueue;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #o: PushOptions;
  readonly #policy: TargetPolicy;
  readonly #agent: https.Agent;

  private constructor(store: Store, clock: Clock, options: PushOptions, vapid: { publicKey: string; privateKey: string; subject: string }, logger: Logger) {
    this.#store = store;
    this.#clock = clock;
    this.#o = options;
    this.publicKey = vapid.publicKey;
    this.#policy = { allowLoopback: options.allowLoopback === true };
    this.#agent = guardedAgents(this.#policy, { keepAlive: true, maxSockets: 16, ...options.agentOptions }).https;
    this.queue = new PushQueue({
      vapid, agent: this.#agent, policy: this.#policy, logger, onGone: (endpoint) => store.dropPushEndpoint(endpoint),
      maxQueued: options.maxQueued ?? 10_000, concurrency: options.concurrency ?? 8, maxAttempts: options.maxAttempts ?? 4,
      retryBaseMs: options.retryBaseMs ?? 2000, timeoutMs: options.timeoutMs ?? 10_000,
    });
  }

  /** Resolves the VAPID keys (given, else the store's, generated on first use) and starts the queue. */
  static async create(store: Store, clock: Clock, options: PushOptions, logger: Logger): Promise<PushService> {
    const subject = options.vapidSubject ?? 'mailto:webpush@natter.invalid';
    let keys: { publicKey: string; privateKey: string };
    if (options.vapidPublicKey || options.vapidPrivateKey) {
      if (!options.vapidPublicKey || !options.vapidPrivateKey) throw new TypeError('createChatServer: give both `push.vapidPublicKey` and `push.vapidPrivateKey`, or neither.');
      keys = { publicKey: options.vapidPublicKey, privateKey: options.vapidPrivateKey };
    } else {
      keys = await store.vapidKeys(webPush.generateVAPIDKeys());
    }
    try {
      // Throws on a malformed key or subject, before the server listens.
      webPush.getVapidHeaders('https://push.invalid', subject, keys.publicKey, keys.privateKey, 'aes128gcm');
    } catch (err) {
      throw new TypeError(`createChatServer: the VAPID settings are invalid: ${(err as Error).message}`);
    }
    return new PushService(store, clock, options, { ...keys, subject }, logger);
  }

  /** Stores a device's subscription after checking its endpoint and keys. */
  async subscribe(userId: string, input: SubscriptionInput): Promise<void> {
    try {
      await assertPublicTarget(input.endpoint, endpointPolicy(this.#policy, input.endpoint));
    } catch (err) {
      if (err instanceof TargetRefusedError) throw new ChatError('PUSH_ENDPOINT_REFUSED', undefined, { cause: err });
      throw err;
    }
    const { p256dh, auth } = input.keys;
    if (!validPoint(p256dh) || !validKey(auth, 16)) throw new ChatError('PUSH_KEYS_INVALID');
    const stored = await this.#store.putPushSubscription(
      { userId, deviceId: input.deviceId ?? '', endpoint: input.endpoint, p256dh, auth, createdAt: this.#clock() },
      this.#o.maxSubscriptionsPerUser ?? 10,
    );
    if (!stored) throw new ChatError('PUSH_SUBSCRIPTIONS_LIMIT');
  }

  /** Removes the user's subscription with this endpoint; false when there was none. */
  unsubscribe(userId: string, endpoint: string): Promise<boolean> {
    return this.#store.deletePushSubscription(userId, endpoint);
  }

  /** The `onOfflineMessage` hook: queues the pushes of one message to its offline recipients. */
  readonly handle = async (event: OfflineMessageEvent): Promise<void> => {
    const { message } = event;
    const key = keyOf(event.recipients[0]!, message.conversationId).key;
    const muted = new Set(await this.#store.mutedAmong(key, event.recipients, this.#clock()));
    const wanted = event.recipients.filter((u) => !muted.has(u));
    if (wanted.length === 0) return;
    const subs = await this.#store.pushSubscriptionsOf(wanted);
    if (subs.length === 0) return;
    // One node pushes a message, once: a resend another node publishes again finds it claimed.
    if (!(await this.#store.claimPush(message.id, this.#clock()))) return;
    const payload = JSON.stringify(pushPayload(message, this.#o.preview !== false));
    const topic = pushTopic(key);
    const ttlSeconds = this.#o.ttlSeconds ?? 86_400;
    for (const sub of subs) this.queue.add({ sub, payload, topic, ttlSeconds });
  };

  /** Stops: drops waiting pushes and aborts those in flight (a push service that hangs must not hold up shutdown). */
  async close(): Promise<void> {
    const closing = this.queue.close();
    this.#agent.destroy();
    await closing;
  }
}

function validKey(value: string, bytes: number): boolean {
  return B64URL.test(value) && Buffer.from(value, 'base64url').length === bytes;
}

/** An uncompressed P-256 point that is on the curve (ECDH with it succeeds). */
function validPoint(value: string): boolean {
  if (!validKey(value, 65)) return false;
  try {
    const probe = createECDH('prime256v1');
    probe.generateKeys();
    probe.computeSecret(Buffer.from(value, 'base64url'));
    return true;
  } catch {
    return false;
  }
}
