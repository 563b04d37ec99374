import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/logger.js';
import type { Store } from '../core/store.js';
import type { Clock } from '../core/types.js';
import type { WebhookEndpoints } from './endpoints.js';
import type { WebhookOptions } from './options.js';
import { postSigned } from './signature.js';
import type { OutboxRow, WebhookSettlement } from './types.js';

/** The delivery settings are those of {@link WebhookOptions} (documented there, with their defaults). */
export interface WebhookDelivererOptions
  extends Pick<WebhookOptions, 'timeoutMs' | 'retryForMs' | 'backoffMs' | 'backoffMaxMs' | 'pollMs' | 'concurrency' | 'chain'> {
  store: Store;
  endpoints: WebhookEndpoints;
  clock: Clock;
  logger: Logger;
  /** Counts outcomes (the Prometheus adapter). */
  onOutcome?(outcome: 'delivered' | 'retry' | 'failed', seconds: number): void;
  /** True for an event no longer worth sending (an unread reminder whose stretch was read meanwhile): dropped unsent. */
  stale?(row: OutboxRow): Promise<boolean>;
}

/**
 * Sends the outbox: claims due rows (a lease of `timeoutMs` + 5 s, so a node that dies mid-call
 * loses its rows to another node after that), POSTs each signed, and settles it. One conversation's
 * events go out one at a time, in commit order (the store hands out only the oldest pending row
 * of each endpoint and conversation). Nothing here runs on a send's path: a slow or dead endpoint
 * holds a delivery slot, never a commit.
 */
/** Least time between two looks at the queue that commits asked for. */
const POKE_MS = 200;
/** Longest a settlement waits to be written with others. */
const FLUSH_MS = 200;

export class WebhookDeliverer {
  readonly owner = `deliverer-${randomUUID()}`;
  readonly #o: Required<Omit<WebhookDelivererOptions, 'onOutcome' | 'stale'>> & Pick<WebhookDelivererOptions, 'onOutcome' | 'stale'>;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #again = false;
  #stopped = false;
  /** A look is scheduled within POKE_MS. */
  #soon = false;
  #lastTick = -Infinity;
  /** The last look found nothing due: pokes before this wait for the poll. */
  #idleUntil = 0;
  readonly #settled: { seq: number; outcome: WebhookSettlement }[] = [];
  #flushTimer: NodeJS.Timeout | undefined;

  constructor(o: WebhookDelivererOptions) {
    this.#o = { timeoutMs: 10_000, retryForMs: 86_400_000, backoffMs: 1000, backoffMaxMs: 300_000, pollMs: 500, concurrency: 16, chain: 20, ...o };
  }

  get leaseMs(): number {
    return this.#o.timeoutMs + 5000;
  }

  start(): void {
    this.#schedule(0);
  }

  /**
   * Something was queued: look soon instead of at the next poll. At most one look per
   * POKE_MS however many commits poke, so a burst of sends costs the queue a few reads.
   */
  poke(): void {
    if (this.#stopped) return;
    if (this.#ticking) this.#again = true;
    else if (!this.#soon && performance.now() >= this.#idleUntil) {
      this.#soon = true;
      this.#schedule(Math.max(0, this.#lastTick + POKE_MS - performance.now()));
    }
  }

  /** Stops claiming and waits for the deliveries in flight (each ends by its timeout). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await Promise.allSettled([...this.#inFlight]);
    await this.#flush();
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tick(), ms);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    if (this.#stopped || this.#ticking) return;
    this.#ticking = true;
    this.#again = false;
    const poked = this.#soon;
    this.#soon = false;
    this.#lastTick = performance.now();
    let full = false;
    let found = true;
    try {
      const free = this.#o.concurrency - this.#inFlight.size;
      // No endpoint anywhere: nothing can be queued, so no query every poll.
      if (free > 0 && this.#o.endpoints.all().length > 0) {
        // What was settled goes first: the claim must not find delivered rows again.
        await this.#flush();
        // The store may reckon the lease by its own clock (PostgreSQL's); reckoned by this node's
        // from before the claim, the chain's end comes no later than the store's.
        const claimedAt = this.#o.clock();
        const rows = await this.#o.store.claimWebhooks(this.owner, claimedAt, this.leaseMs, free, this.#o.chain);
        const chains = new Map<string, OutboxRow[]>();
        for (const row of rows) {
          const k = `${row.endpointId}\n${row.key}`;
          const chain = chains.get(k);
          if (chain) chain.push(row);
          else chains.set(k, [row]);
        }
        full = chains.size === free;
        found = chains.size > 0;
        for (const chain of chains.values()) {
          const p = this.#deliverChain(chain, claimedAt + this.leaseMs).finally(() => {
            this.#inFlight.delete(p);
            // A slot is free and this conversation may have more events waiting.
            this.poke();
          });
          this.#inFlight.add(p);
        }
      }
    } catch (err) {
      this.#o.logger.warn({ err }, 'webhooks: claiming from the outbox failed');
    } finally {
      this.#ticking = false;
      // Events were queued but none is due (their conversations wait for a retry): further pokes
      // wait for the next poll, or an endpoint that is down would have the queue read after
      // every commit.
      this.#idleUntil = found || !poked ? 0 : performance.now() + this.#o.pollMs;
      if (this.#again || (full && this.#inFlight.size < this.#o.concurrency)) this.poke();
      // Unless that poke scheduled a look, the poll goes on: a poke within the idle window just
      // set schedules none, and this tick's timer has fired, so nothing would look at the queue
      // again until the next commit of this node (never, for events other nodes hold leases on).
      if (!this.#soon) this.#schedule(this.#o.pollMs);
    }
  }

  /**
   * One conversation's claimed events for one endpoint, in order, one at a time. It stops at the
   * first that is to be retried (the later ones must not overtake it), or when the lease would
   * run out during the next attempt; what it did not attempt is released for the next claim.
   */
  async #deliverChain(rows: OutboxRow[], leaseUntil: number): Promise<void> {
    let i = 0;
    for (; i < rows.length; i++) {
      if (i > 0 && this.#o.clock() + this.#o.timeoutMs + 1000 > leaseUntil) break;
      const outcome = await this.#deliver(rows[i]!);
      if (outcome.status === 'retry') {
        i++;
        break;
      }
    }
    for (const row of rows.slice(i)) this.#settle(row, { status: 'released' });
  }

  async #deliver(row: OutboxRow): Promise<WebhookSettlement> {
    const started = performance.now();
    let outcome: WebhookSettlement;
    if (this.#o.stale && (await this.#o.stale(row).catch(() => false))) {
      // Settled as delivered: the row goes, nothing is sent, nothing counted.
      this.#settle(row, { status: 'delivered' });
      return { status: 'delivered' };
    }
    const endpoint = this.#o.endpoints.get(row.endpointId) ?? (await this.#o.endpoints.refresh().then(() => this.#o.endpoints.get(row.endpointId), () => undefined));
    if (!endpoint) {
      outcome = { status: 'failed', error: 'endpoint no longer configured' };
    } else {
      let error: string | undefined;
      try {
        const { status } = await postSigned(endpoint.url, endpoint.secret, envelope(row), {
          timeoutMs: this.#o.timeoutMs, now: this.#o.clock(),
          headers: { 'x-natter-event-id': row.eventId, 'x-natter-event-type': row.type, 'x-natter-attempt': String(row.attempts + 1) },
        });
        if (status < 200 || status > 299) error = status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
      } catch (err) {
        error = (err as Error).name === 'TimeoutError' ? `timed out after ${this.#o.timeoutMs} ms` : `${(err as Error).message}${(err as { cause?: Error }).cause ? `: ${(err as { cause: Error }).cause.message}` : ''}`;
      }
      outcome = error === undefined ? { status: 'delivered' } : this.#retryOrFail(row, error);
    }
    if (outcome.status !== 'released') this.#o.onOutcome?.(outcome.status, (performance.now() - started) / 1000);
    if (outcome.status === 'failed') this.#o.logger.warn({ event: row.eventId, endpoint: row.endpointId, error: outcome.error }, 'webhooks: delivery failed for good');
    this.#settle(row, outcome);
    return outcome;
  }

  /**
   * Settlements are written in batches (`#flush`): one transaction for many deliveries, and, for
   * SQLite, few writes on the event loop's connection next to the writer thread's commits. A row
   * settled but not yet written stays leased to this node, so nobody sends it meanwhile; should
   * the node die first, the lease runs out and it is sent again (at least once).
   */
  #settle(row: OutboxRow, outcome: WebhookSettlement): void {
    this.#settled.push({ seq: row.seq, outcome });
    this.#flushTimer ??= setTimeout(() => void this.#flush(), FLUSH_MS);
  }

  async #flush(): Promise<void> {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const batch = this.#settled.splice(0);
    if (batch.length === 0) return;
    try {
      await this.#o.store.settleWebhooks(this.owner, batch, this.#o.clock());
    } catch (err) {
      this.#o.logger.warn({ err }, 'webhooks: settling deliveries failed');
    }
  }

  #retryOrFail(row: OutboxRow, error: string): WebhookSettlement {
    const now = this.#o.clock();
    const base = Math.min(this.#o.backoffMs * 2 ** row.attempts, this.#o.backoffMaxMs);
    const nextAt = now + Math.round(base * (0.8 + Math.random() * 0.4));
    if (nextAt > row.retryFrom + this.#o.retryForMs) return { status: 'failed', error };
    return { status: 'retry', nextAt, error };
  }
}

/** The body POSTed: the same bytes at every attempt. */
export function envelope(row: Pick<OutboxRow, 'eventId' | 'type' | 'time' | 'payload'>): string {
  return `{"id":${JSON.stringify(row.eventId)},"type":${JSON.stringify(row.type)},"time":${row.time},"data":${row.payload}}`;
}
