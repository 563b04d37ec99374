import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric, type MetricValueWithName } from 'prom-client';
import type { CoreMetrics } from '../core/metrics.js';
import type { PushCounts } from '../push/push-queue.js';
import type { BeforeSendOutcome } from '../webhooks/before-send.js';

export interface MetricsSources {
  /** Open WebSockets of this node (authenticated or not). */
  connections(): number;
  /** Connections with an open session. */
  sessions(): number;
  /** Resolve when the store / bus answers; reject when not (probed at each scrape). */
  pingStore(): Promise<void>;
  pingBus(): Promise<void>;
  /** Web Push's running totals and queue length; undefined when push is off. */
  push?(): { counts: Readonly<PushCounts>; queued: number } | undefined;
}

export interface ServerMetrics {
  /** This server's own registry: two servers in one process never share a metric. */
  readonly registry: Registry;
  /** What the core reports into. */
  readonly core: CoreMetrics;
  /** One webhook delivery attempt ended (src/server/webhooks/deliverer.ts). */
  webhook(outcome: 'delivered' | 'retry' | 'failed', seconds: number): void;
  /** One before-send hook call ended (src/server/webhooks/before-send.ts). */
  beforeSend(outcome: BeforeSendOutcome, seconds: number): void;
}

/** Scrapes must answer even when a dependency hangs: a probe gives up after this. */
const PROBE_TIMEOUT_MS = 2000;

/**
 * The Prometheus metrics of one server node (`GET /metrics`), on a registry of its own plus
 * prom-client's default process metrics. Names follow Prometheus conventions: `_total`
 * counters, `_seconds` histograms, base units.
 */
export function createServerMetrics(sources: MetricsSources): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  new Gauge({
    name: 'natter_connections', help: 'Open WebSocket connections on this node.', registers,
    collect() { this.set(sources.connections()); },
  });
  new Gauge({
    name: 'natter_sessions', help: 'Connections with an open session on this node.', registers,
    collect() { this.set(sources.sessions()); },
  });
  const acks = new AckCounts([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  // Counted as plain numbers on each ack and handed to Prometheus at each scrape (AckCounts).
  new Counter({
    name: 'natter_messages_total', help: 'Sends acknowledged by this node (rate() gives messages/s), by outcome.',
    labelNames: ['outcome'] as const, registers,
    collect() {
      for (const [i, outcome] of OUTCOMES.entries()) this.inc({ outcome }, acks.takeOutcome(i));
    },
  });
  registry.registerMetric(acks.histogram('natter_ack_latency_seconds', 'From a send reaching the core to its ack (after the commit), committed and duplicate sends.'));
  const refused = new Counter({
    name: 'natter_send_errors_total', help: 'Sends refused, by error name (UNAVAILABLE: nothing committed, the client resends).',
    labelNames: ['error'] as const, registers,
  });
  const busErrors = new Counter({
    name: 'natter_bus_errors_total', help: 'Bus failures: publish (an event was not sent), gap (the subscription was cut and events were missed), ping.',
    labelNames: ['operation'] as const, registers,
  });
  const storeErrors = new Counter({
    name: 'natter_store_errors_total', help: 'Store failures: commit, read (before a commit), ping.',
    labelNames: ['operation'] as const, registers,
  });
  const resynced = new Counter({
    name: 'natter_resync_connections_total', help: 'Connections closed (1012) so their clients resync after the bus missed events.', registers,
  });
  // Pre-set the label values, so a dashboard sees zeros rather than absent series.
  for (const op of ['publish', 'gap', 'ping']) busErrors.inc({ operation: op }, 0);
  for (const op of ['commit', 'read', 'ping']) storeErrors.inc({ operation: op }, 0);

  const webhookAttempts = new Counter({
    name: 'natter_webhook_attempts_total', help: 'Webhook delivery attempts by outcome: delivered, retry (to be tried again), failed (kept for admins).',
    labelNames: ['outcome'] as const, registers,
  });
  for (const outcome of ['delivered', 'retry', 'failed']) webhookAttempts.inc({ outcome }, 0);
  const webhookLatency = new Histogram({
    name: 'natter_webhook_attempt_seconds', help: 'Duration of one webhook delivery attempt (the POST, up to its timeout).', registers,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });

  const beforeSendLatency = new Histogram({
    name: 'natter_before_send_seconds', help: 'Before-send hook calls by outcome (allow, reject, rewrite; timeout and error: the fallback applied).',
    labelNames: ['outcome'] as const, registers, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });

  pushMetrics(sources, registers);

  const up = (name: string, help: string, ping: () => Promise<void>, errors: Counter<'operation'>) =>
    new Gauge({
      name, help, registers,
      async collect() {
        const ok = await probe(ping);
        if (!ok) errors.inc({ operation: 'ping' });
        this.set(ok ? 1 : 0);
      },
    });
  up('natter_store_up', '1 when the store answered a ping during this scrape.', sources.pingStore, storeErrors);
  up('natter_bus_up', '1 when the bus answered a ping during this scrape.', sources.pingBus, busErrors);

  return {
    registry,
    core: {
      acked: (seconds, outcome) => acks.add(seconds, outcome),
      refused: (error) => refused.inc({ error }),
      busError: (operation) => busErrors.inc({ operation }),
      storeError: (operation) => storeErrors.inc({ operation }),
      resynced: (n) => resynced.inc(n),
    },
    beforeSend: (outcome, seconds) => beforeSendLatency.observe({ outcome }, seconds),
    webhook(outcome, seconds) {
      webhookAttempts.inc({ outcome });
      webhookLatency.observe(seconds);
    },
  };
}

const OUTCOMES = ['committed', 'duplicate', 'online-only'] as const;

/**
 * Acked sends by outcome and the ack latency of those stored, as plain numbers: one call per ack
 * adds to them, and Prometheus reads them at each scrape. prom-client's own `inc` and `observe`
 * build label objects, hash them and find the bucket by its bound as a property name on every
 * call: about 2 % of the event loop's time and 2.6 % of what a send allocated at 16,000 msg/s
 * (issue 23), for figures read every few seconds.
 */
class AckCounts {
  readonly #bounds: readonly number[];
  /** Per outcome (OUTCOMES' order), acks not yet handed to the counter. */
  readonly #outcomes = new Float64Array(OUTCOMES.length);
  /** Latencies per bucket (not cumulative; the last one past every bound), their sum and count, since the start. */
  readonly #buckets: Float64Array;
  #sum = 0;
  #count = 0;

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.#buckets = new Float64Array(bounds.length + 1);
  }

  add(seconds: number, outcome: (typeof OUTCOMES)[number]): void {
    if (outcome === 'online-only') return void this.#outcomes[2]++;
    this.#outcomes[outcome === 'committed' ? 0 : 1]++;
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]!) i++;
    this.#buckets[i]++;
    this.#sum += seconds;
    this.#count++;
  }

  /** Acks of outcome `i` since the last call (the counter adds them at its scrape). */
  takeOutcome(i: number): number {
    const n = this.#outcomes[i]!;
    this.#outcomes[i] = 0;
    return n;
  }

  /**
   * The latency histogram as a registry entry: what prom-client's `Histogram.get()` answers
   * (cumulative `le` buckets, `+Inf`, `_sum`, `_count`), which the registry formats as it does
   * its own. A histogram never goes down, so there is nothing to take: it is read as it stands.
   */
  histogram(name: string, help: string): Metric {
    const read = () => {
      const values: MetricValueWithName<string>[] = [];
      let cumulative = 0;
      for (const [i, bound] of this.#bounds.entries()) {
        cumulative += this.#buckets[i]!;
        values.push({ labels: { le: bound }, value: cumulative, metricName: `${name}_bucket` });
      }
      values.push({ labels: { le: '+Inf' }, value: this.#count, metricName: `${name}_bucket` });
      values.push({ labels: {}, value: this.#sum, metricName: `${name}_sum` });
      values.push({ labels: {}, value: this.#count, metricName: `${name}_count` });
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    };
    // The registry needs only a name and `get()` of what it holds (registry.js), not a prom-client class.
    return { name, get: async () => read() } as unknown as Metric;
  }
}

const PUSH_OUTCOMES = ['sent', 'gone', 'failed', 'retried', 'dropped'] as const;

/**
 * Web Push's counters, read from the queue's own running totals at each scrape (the queue keeps
 * them for tests too): each scrape adds what happened since the last one.
 */
function pushMetrics(sources: MetricsSources, registers: Registry[]): void {
  const seen: PushCounts = { sent: 0, gone: 0, failed: 0, retried: 0, dropped: 0 };
  new Counter({
    name: 'natter_pushes_total', labelNames: ['outcome'] as const, registers,
    help: 'Web Push attempts by outcome: sent, gone (404/410: subscription dropped), failed (gave up), retried (429/5xx/network, tried again), dropped (queue full or closing).',
    collect() {
      const counts = sources.push?.()?.counts;
      for (const outcome of PUSH_OUTCOMES) {
        const now = counts?.[outcome] ?? seen[outcome];
        this.inc({ outcome }, Math.max(0, now - seen[outcome]));
        seen[outcome] = Math.max(seen[outcome], now);
      }
    },
  });
  new Gauge({
    name: 'natter_push_queue', help: 'Pushes queued, waiting for a retry or in flight on this node.', registers,
    collect() { this.set(sources.push?.()?.queued ?? 0); },
  });
}

async function probe(check: () => Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS)));
  try {
    await Promise.race([check(), late]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
