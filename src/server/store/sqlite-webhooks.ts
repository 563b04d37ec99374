import type Database from 'better-sqlite3';
import type { OutboxEvent, OutboxRow, WebhookEndpoint, WebhookSettlement, WebhookStore } from '../webhooks/types.js';
import type { WriterStatement } from './sqlite-writer.js';

type Row = Record<string, unknown>;

/** The INSERT of one outbox row; the writer thread's commit has its own copy of the same columns. */
export const INSERT_OUTBOX =
  'INSERT INTO webhook_outbox (event_id, endpoint_id, type, conv_key, time, payload, next_at, retry_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';

const LEASE = 'UPDATE webhook_outbox SET lease_owner = ?, lease_until = ? WHERE seq = ? AND failed = 0 AND (lease_until IS NULL OR lease_until <= ?)';

/** The statement settling one claimed row (only while `owner` holds its lease). */
function settlement(seq: number, owner: string, o: WebhookSettlement): WriterStatement {
  if (o.status === 'delivered') return ['DELETE FROM webhook_outbox WHERE seq = ? AND lease_owner = ?', [seq, owner]];
  if (o.status === 'released') return ['UPDATE webhook_outbox SET lease_owner = NULL, lease_until = NULL WHERE seq = ? AND lease_owner = ?', [seq, owner]];
  return [
    'UPDATE webhook_outbox SET attempts = attempts + 1, last_error = ?, failed = ?, next_at = coalesce(?, next_at), lease_owner = NULL, lease_until = NULL WHERE seq = ? AND lease_owner = ?',
    [o.error, o.status === 'failed' ? 1 : 0, o.status === 'retry' ? o.nextAt : null, seq, owner],
  ];
}

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
export function createSqliteWebhooks(db: Database.Database, exec: (statements: WriterStatement[]) => Promise<number[]>): WebhookStore {
  const q = {
    insertEndpoint: db.prepare('INSERT OR REPLACE INTO webhook_endpoints (id, url, secret, events, created_at) VALUES (?, ?, ?, ?, ?)'),
    endpoints: db.prepare('SELECT * FROM webhook_endpoints ORDER BY created_at, id'),
    deleteEndpoint: db.prepare('DELETE FROM webhook_endpoints WHERE id = ?'),
    dropQueued: db.prepare('DELETE FROM webhook_outbox WHERE endpoint_id = ?'),
    insert: db.prepare(INSERT_OUTBOX),
    // The heads (oldest pending row of each endpoint and conversation, from the index alone)
    // that are due and free; then the first :perKey rows of each such pair (an index range).
    ready: db.prepare(
      `SELECT o.endpoint_id, o.conv_key FROM (SELECT min(seq) AS seq FROM webhook_outbox WHERE failed = 0 GROUP BY endpoint_id, conv_key) h
       JOIN webhook_outbox o ON o.seq = h.seq
       WHERE o.next_at <= :now AND (o.lease_until IS NULL OR o.lease_until <= :now) ORDER BY o.seq LIMIT :limit`),
    chain: db.prepare('SELECT * FROM webhook_outbox WHERE failed = 0 AND endpoint_id = ? AND conv_key = ? ORDER BY seq LIMIT ?'),

    listFailed: db.prepare('SELECT * FROM webhook_outbox WHERE failed = 1 AND seq > ? ORDER BY seq LIMIT ?'),
    retryAll: db.prepare('UPDATE webhook_outbox SET failed = 0, attempts = 0, retry_from = :now, next_at = :now WHERE failed = 1'),
    retryOne: db.prepare('UPDATE webhook_outbox SET failed = 0, attempts = 0, retry_from = :now, next_at = :now WHERE failed = 1 AND seq = :seq'),
  };
  const enqueueNow = (events: OutboxEvent[]) => {
    for (const e of events) q.insert.run(e.eventId, e.endpointId, e.type, e.key, e.time, e.payload, e.time, e.time);
  };
  const enqueue = db.transaction(enqueueNow);
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
      // Read here (no lock), leased by the writer thread, queued with its commits: the event loop
      // never waits for the write lock, which the writer holds most of the time under load. Only
      // this process leases (one node per file) and its deliverer claims once at a time, so the
      // rows read are still the heads; each lease re-checks that its row is free.
      const ready = q.ready.all({ now, limit }) as Row[];
      if (ready.length === 0) return [];
      const rows = ready.flatMap((r) => q.chain.all(r['endpoint_id'], r['conv_key'], perKey) as Row[]);
      const changes = await exec(rows.map((r) => [LEASE, [owner, now + leaseMs, r['seq'] as number, now]]));
      return rows.filter((_, i) => changes[i]! > 0).map(toOutboxRow);
    },
    async settleWebhooks(owner, settlements) {
      if (settlements.length > 0) await exec(settlements.map(({ seq, outcome }) => settlement(seq, owner, outcome)));
    },
    async listFailedWebhooks(limit, afterSeq = 0) {
      return (q.listFailed.all(afterSeq, limit) as Row[]).map(toOutboxRow);
    },
    async retryWebhooks(now, seqs) {
      return retry.immediate(now, seqs);
    },
  };
}
