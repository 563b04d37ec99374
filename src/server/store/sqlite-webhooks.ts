import type Database from 'better-sqlite3';
import type { OutboxEvent, OutboxRow, WebhookEndpoint, WebhookStore } from '../webhooks/types.js';

type Row = Record<string, unknown>;

/** The INSERT of one outbox row; the writer thread's commit has its own copy of the same columns. */
export const INSERT_OUTBOX =
  'INSERT INTO webhook_outbox (event_id, endpoint_id, type, conv_key, time, payload, next_at, retry_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';

export function toOutboxRow(r: Row): OutboxRow {
  const row: OutboxRow = {
    seq: Number(r['seq']), eventId: r['event_id'] as string, endpointId: r['endpoint_id'] as string, type: r['type'] as OutboxRow['type'],
    key: r['conv_key'] as string, time: Number(r['time']), payload: r['payload'] as string,
    state: r['failed'] === 1 || r['failed'] === true ? 'failed' : 'pending', attempts: Number(r['attempts']), retryFrom: Number(r['retry_from']),
  };
  if (r['last_error'] != null) row.lastError = r['last_error'] as string;
  return row;
}

/**
 * Webhooks on the main connection (the table is in sqlite-schema.ts, so the writer thread can
 * fill it in its message commits). One node per file, so the lease only guards against a
 * deliverer of this process claiming a row twice.
 */
export function createSqliteWebhooks(db: Database.Database): WebhookStore {
  const q = {
    insertEndpoint: db.prepare('INSERT OR REPLACE INTO webhook_endpoints (id, url, secret, events, created_at) VALUES (?, ?, ?, ?, ?)'),
    endpoints: db.prepare('SELECT * FROM webhook_endpoints ORDER BY created_at, id'),
    deleteEndpoint: db.prepare('DELETE FROM webhook_endpoints WHERE id = ?'),
    dropQueued: db.prepare('DELETE FROM webhook_outbox WHERE endpoint_id = ?'),
    insert: db.prepare(INSERT_OUTBOX),
    // The heads (oldest pending row of each endpoint and conversation, from the index alone)
    // that are due and free, then up to :perKey rows of each of those pairs from its head on.
    due: db.prepare(
      `WITH ready AS (
         SELECT o.endpoint_id, o.conv_key FROM (SELECT min(seq) AS seq FROM webhook_outbox WHERE failed = 0 GROUP BY endpoint_id, conv_key) h
         JOIN webhook_outbox o ON o.seq = h.seq
         WHERE o.next_at <= :now AND (o.lease_until IS NULL OR o.lease_until <= :now) ORDER BY o.seq LIMIT :limit)
       SELECT * FROM (
         SELECT o.*, row_number() OVER (PARTITION BY o.endpoint_id, o.conv_key ORDER BY o.seq) AS n
         FROM webhook_outbox o JOIN ready r ON o.endpoint_id = r.endpoint_id AND o.conv_key = r.conv_key WHERE o.failed = 0)
       WHERE n <= :perKey ORDER BY seq`),
    anyDue: db.prepare(
      `SELECT 1 FROM (SELECT min(seq) AS seq FROM webhook_outbox WHERE failed = 0 GROUP BY endpoint_id, conv_key) h
       JOIN webhook_outbox o ON o.seq = h.seq WHERE o.next_at <= :now AND (o.lease_until IS NULL OR o.lease_until <= :now) LIMIT 1`),
    lease: db.prepare('UPDATE webhook_outbox SET lease_owner = ?, lease_until = ? WHERE seq = ? AND failed = 0 AND (lease_until IS NULL OR lease_until <= ?)'),
    release: db.prepare('UPDATE webhook_outbox SET lease_owner = NULL, lease_until = NULL WHERE seq = ? AND lease_owner = ?'),
    delivered: db.prepare('DELETE FROM webhook_outbox WHERE seq = ? AND lease_owner = ?'),
    retry: db.prepare('UPDATE webhook_outbox SET attempts = attempts + 1, last_error = ?, next_at = ?, lease_owner = NULL, lease_until = NULL WHERE seq = ? AND lease_owner = ?'),
    failed: db.prepare('UPDATE webhook_outbox SET attempts = attempts + 1, last_error = ?, failed = 1, lease_owner = NULL, lease_until = NULL WHERE seq = ? AND lease_owner = ?'),
    listFailed: db.prepare('SELECT * FROM webhook_outbox WHERE failed = 1 AND seq > ? ORDER BY seq LIMIT ?'),
    retryAll: db.prepare('UPDATE webhook_outbox SET failed = 0, attempts = 0, retry_from = :now, next_at = :now WHERE failed = 1'),
    retryOne: db.prepare('UPDATE webhook_outbox SET failed = 0, attempts = 0, retry_from = :now, next_at = :now WHERE failed = 1 AND seq = :seq'),
  };
  const enqueueNow = (events: OutboxEvent[]) => {
    for (const e of events) q.insert.run(e.eventId, e.endpointId, e.type, e.key, e.time, e.payload, e.time, e.time);
  };
  const enqueue = db.transaction(enqueueNow);
  // The rows were read outside it; this takes each one still free. Only this process leases
  // (one node per file) and its deliverer claims once at a time, so they are still the heads.
  const lease = db.transaction((owner: string, now: number, leaseMs: number, rows: Row[]) =>
    rows.filter((r) => q.lease.run(owner, now + leaseMs, r['seq'], now).changes > 0).map(toOutboxRow));
  const retry = db.transaction((now: number, seqs?: number[]) => {
    if (!seqs) return q.retryAll.run({ now }).changes;
    let n = 0;
    for (const seq of seqs) n += q.retryOne.run({ now, seq }).changes;
    return n;
  });
  const deleteEndpoint = db.transaction((id: string) => {
    q.dropQueued.run(id);
    return q.deleteEndpoint.run(id).changes > 0;
  });
  return {
    async createWebhookEndpoint(e) {
      q.insertEndpoint.run(e.id, e.url, e.secret, JSON.stringify(e.events), e.createdAt);
    },
    async listWebhookEndpoints() {
      return (q.endpoints.all() as Row[]).map((r): WebhookEndpoint => ({
        id: r['id'] as string, url: r['url'] as string, secret: r['secret'] as string,
        events: JSON.parse(r['events'] as string) as string[], createdAt: r['created_at'] as number,
      }));
    },
    async deleteWebhookEndpoint(id) {
      return deleteEndpoint.immediate(id);
    },
    async enqueueWebhooks(events) {
      enqueue.immediate(events);
    },
    async claimWebhooks(owner, now, leaseMs, limit, perKey = 1) {
      // Read outside any write transaction: most looks find nothing due, and the write lock is
      // the writer thread's, to commit messages with; it is taken only to lease what was found.
      if (q.anyDue.get({ now }) === undefined) return [];
      const rows = q.due.all({ now, limit, perKey }) as Row[];
      return rows.length === 0 ? [] : lease.immediate(owner, now, leaseMs, rows);
    },
    async settleWebhook(seq, owner, outcome) {
      if (outcome.status === 'delivered') q.delivered.run(seq, owner);
      else if (outcome.status === 'released') q.release.run(seq, owner);
      else if (outcome.status === 'retry') q.retry.run(outcome.error, outcome.nextAt, seq, owner);
      else q.failed.run(outcome.error, seq, owner);
    },
    async listFailedWebhooks(limit, afterSeq = 0) {
      return (q.listFailed.all(afterSeq, limit) as Row[]).map(toOutboxRow);
    },
    async retryWebhooks(now, seqs) {
      return retry.immediate(now, seqs);
    },
  };
}
