import type https from 'node:https';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import webPush from 'web-push';
import type { Logger } from '../core/logger.js';
import type { PushSubscriptionRecord, VapidKeys } from '../core/push-store.js';
import { checkTargetUrl, type TargetPolicy } from '../net/public-target.js';

/** One push to one subscription. */
export interface PushJob {
  sub: PushSubscriptionRecord;
  payload: string;
  topic: string;
  ttlSeconds: number;
}

export interface PushQueueOptions {
  vapid: VapidKeys & { subject: string };
  /** Connects only to public addresses (the policy's), checked at connect time. */
  agent: https.Agent;
  policy: TargetPolicy;
  /** Called for an endpoint the push service says is gone (404, 410). */
  onGone(endpoint: string): Promise<void>;
  logger: Logger;
  /** Pushes waiting at most; past it new ones are dropped (and logged). */
  maxQueued: number;
  /** Pushes in flight at once. */
  concurrency: number;
  /** Tries of one push (429 and 5xx are retried). */
  maxAttempts: number;
  /** First retry delay; doubled each time, or the service's Retry-After when longer. */
  retryBaseMs: number;
  /** One request's time limit. */
  timeoutMs: number;
}

/** What happened to pushes, for tests and metrics. */
export interface PushCounts {
  sent: number;
  gone: number;
  failed: number;
  retried: number;
  dropped: number;
}

/**
 * A bounded in-memory queue of pushes, sent a few at a time off the send path. A full queue
 * drops new pushes rather than grow: a push is a courtesy, the message itself is stored and
 * delivered at the next session either way. Retries wait with exponential backoff.
 */
export class PushQueue {
  readonly counts: PushCounts = { sent: 0, gone: 0, failed: 0, retried: 0, dropped: 0 };
  readonly #o: PushQueueOptions;
  readonly #waiting: { job: PushJob; attempt: number }[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #running = 0;
  #closed = false;
  #idle: (() => void)[] = [];

  constructor(options: PushQueueOptions) {
    this.#o = options;
  }

  /** Queues a push; false when the queue is full or closed (the push is dropped). */
  add(job: PushJob): boolean {
    if (this.#closed || this.#pending() >= this.#o.maxQueued) {
      this.counts.dropped++;
      if (!this.#closed) this.#o.logger.warn({ queued: this.#pending() }, 'push queue full: push dropped');
      return false;
    }
    this.#waiting.push({ job, attempt: 1 });
    this.#pump();
    return true;
  }

  /** Pushes queued, waiting for a retry or in flight. */
  get queued(): number {
    return this.#pending();
  }

  /** Resolves when nothing is queued, waiting for a retry or in flight. */
  idle(): Promise<void> {
    if (this.#pending() === 0) return Promise.resolve();
    return new Promise((r) => this.#idle.push(r));
  }

  /** Stops: drops waiting pushes and retries, lets those in flight finish. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.counts.dropped += this.#waiting.length + this.#timers.size;
    this.#timers.clear();
    this.#waiting.length = 0;
    await this.idle();
  }

  #pending(): number {
    return this.#waiting.length + this.#timers.size + this.#running;
  }

  #pump(): void {
    while (this.#running < this.#o.concurrency && this.#waiting.length > 0) {
      const next = this.#waiting.shift()!;
      this.#running++;
      void this.#send(next.job, next.attempt).finally(() => {
        this.#running--;
        this.#pump();
        if (this.#pending() === 0) for (const r of this.#idle.splice(0)) r();
      });
    }
  }

  async #send(job: PushJob, attempt: number): Promise<void> {
    const o = this.#o;
    const endpoint = job.sub.endpoint;
    try {
      // A literal address never reaches the agent's lookup: checked here on every send.
      checkTargetUrl(endpoint, endpointPolicy(o.policy, endpoint));
      await webPush.sendNotification({ endpoint, keys: { p256dh: job.sub.p256dh, auth: job.sub.auth } }, job.payload, {
        vapidDetails: { subject: o.vapid.subject, publicKey: o.vapid.publicKey, privateKey: o.vapid.privateKey },
        TTL: job.ttlSeconds, topic: job.topic, urgency: 'normal', contentEncoding: 'aes128gcm', agent: o.agent, timeout: o.timeoutMs,
      });
      this.counts.sent++;
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) {
        this.counts.gone++;
        await o.onGone(endpoint).catch((e: unknown) => o.logger.error({ err: e }, 'push: dropping a gone subscription failed'));
        return;
      }
      const transient = status === 429 || (status !== undefined && status >= 500) || (status === undefined && isNetworkError(err));
      if (transient && attempt < o.maxAttempts && !this.#closed) {
        this.counts.retried++;
        const wait = Math.max(o.retryBaseMs * 2 ** (attempt - 1), retryAfterMs(err) ?? 0);
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          this.#waiting.push({ job, attempt: attempt + 1 });
          this.#pump();
        }, Math.min(wait, 3_600_000));
        timer.unref();
        this.#timers.add(timer);
        return;
      }
      this.counts.failed++;
      o.logger.warn({ status, err: status === undefined ? err : undefined, host: hostOf(endpoint), attempt }, 'push not delivered');
    }
  }
}

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ESOCKETTIMEDOUT']);

function isNetworkError(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code !== undefined && NETWORK.has(code);
}

/** A Retry-After header in seconds or as an HTTP date, in ms from now. */
function retryAfterMs(err: unknown): number | undefined {
  const raw = (err as { headers?: Record<string, string | undefined> }).headers?.['retry-after'];
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return '?';
  }
}

/**
 * The policy for one endpoint: with the loopback switch on, a loopback endpoint may use any port
 * (a test's receiver); every other endpoint keeps the policy's ports (443).
 */
export function endpointPolicy(policy: TargetPolicy, endpoint: string): TargetPolicy {
  if (!policy.allowLoopback) return policy;
  try {
    const url = new URL(endpoint);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (url.port !== '' && isIP(host) !== 0 && ipaddr.process(host).range() === 'loopback') return { ...policy, ports: [Number(url.port)] };
  } catch {
    // Not a URL: the check itself refuses it.
  }
  return policy;
}
