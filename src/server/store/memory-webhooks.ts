import type { OutboxEvent, OutboxRow, WebhookEndpoint, WebhookStore } from '../webhooks/types.js';

/**
 * The webhook part of the memory store: endpoints and the outbox in arrays, the same behaviour
 * as the SQL stores. `enqueueNow` is what a commit calls inside its (synchronous) transaction.
 */
export function createMemoryWebhooks(): { api: WebhookStore; enqueueNow(events: OutboxEvent[]): void } {
  const endpoints = new Map<string, WebhookEndpoint>();
  /** Ascending by seq. */
  let outbox: (OutboxRow & { nextAt: number; lease?: { owner: string; until: number } })[] = [];
  let lastSeq = 0;
  const strip = ({ nextAt: _n, lease: _l, ...row }: (typeof outbox)[number]): OutboxRow => structuredClone(row);

  const enqueueNow = (events: OutboxEvent[]): void => {
    for (const e of events) outbox.push({ ...e, seq: ++lastSeq, state: 'pending', attempts: 0, retryFrom: e.time, nextAt: e.time });
  };

  const api: WebhookStore = {
    async createWebhookEndpoint(e) {
      endpoints.set(e.id, structuredClone(e));
    },
    async listWebhookEndpoints() {
      return [...endpoints.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map((e) => structuredClone(e));
    },
    async deleteWebhookEndpoint(id) {
      outbox = outbox.filter((r) => r.endpointId !== id);
      return endpoints.delete(id);
    },
    async enqueueWebhooks(events) {
      enqueueNow(events);
    },
    async claimWebhooks(owner, now, leaseMs, limit, perKey = 1) {
      /** Per (endpoint, key): how many rows of it this claim takes (-1: its head is not due). */
      const taken = new Map<string, number>();
      const claimed: OutboxRow[] = [];
      let groups = 0;
      for (const r of outbox) {
        if (r.state !== 'pending') continue;
        const group = `${r.endpointId}\n${r.key}`;
        let n = taken.get(group);
        if (n === undefined) {
          const due = groups < limit && r.nextAt <= now && !(r.lease && r.lease.until > now);
          if (due) groups++;
          taken.set(group, (n = due ? 0 : -1));
        }
        if (n < 0 || n >= perKey) continue;
        taken.set(group, n + 1);
        r.lease = { owner, until: now + leaseMs };
        claimed.push(strip(r));
      }
      return claimed;
    },
    async settleWebhooks(owner, settlements) {
      for (const { seq, outcome } of settlements) {
        const i = outbox.findIndex((r) => r.seq === seq);
        const r = outbox[i];
        if (!r || r.lease?.owner !== owner) continue;
        if (outcome.status === 'delivered') {
          outbox.splice(i, 1);
          continue;
        }
        delete r.lease;
        if (outcome.status === 'released') continue;
        r.attempts++;
        r.lastError = outcome.error;
        if (outcome.status === 'failed') r.state = 'failed';
        else r.nextAt = outcome.nextAt;
      }
    },
    async listFailedWebhooks(limit, afterSeq = 0) {
      return outbox.filter((r) => r.state === 'failed' && r.seq > afterSeq).slice(0, limit).map(strip);
    },
    async retryWebhooks(now, seqs) {
      let n = 0;
      for (const r of outbox) {
        if (r.state !== 'failed' || (seqs && !seqs.includes(r.seq))) continue;
        r.state = 'pending';
        r.attempts = 0;
        r.retryFrom = now;
        r.nextAt = now;
        n++;
      }
      return n;
    },
  };
  return { api, enqueueNow };
}
