import type { PoolClient, QueryResultRow } from 'pg';
import type { OutboxEvent, WebhookEndpoint, WebhookStore } from '../webhooks/types.js';
import { toOutboxRow } from './sqlite-webhooks.js';

interface Deps {
  query<R extends QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T>;
}

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * PostgreSQL's time in epoch ms, the transaction's start (the same for every row it touches); a
 * subquery, so it is computed once per statement, not per row filtered (2× the cost of a filter
 * on a constant over 1M rows, measured with EXPLAIN ANALYZE).
 */
const DB_NOW = '(SELECT (extract(epoch FROM now()) * 1000)::bigint)';

/**
 * Queues events inside the caller's transaction, in one round trip. Rows get their seq in the
 * order given; a commit that holds its conversations' row locks (commitBatch, commitChange)
 * inserts before it releases them, so one conversation's rows rise in commit order.
 */
export async function insertOutbox(client: PoolClient, events: OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  await client.query(
    `INSERT INTO webhook_outbox (event_id, endpoint_id, type, conv_key, time, payload, next_at, retry_from)
     SELECT event_id, endpoint_id, type, conv_key, time, payload, ${DB_NOW}, time
     FROM jsonb_to_recordset($1::jsonb) AS r(ord int, event_id text, endpoint_id text, type text, conv_key text, time bigint, payload text)
     ORDER BY ord`,
    [JSON.stringify(events.map((e, ord) => ({ ord, event_id: e.eventId, endpoint_id: e.endpointId, type: e.type, conv_key: e.key, time: e.time, payload: e.payload })))],
  );
}

/**
 * Webhooks in PostgreSQL, shared by every node. A claim leases the due head rows of each
 * (endpoint, conversation) with `FOR UPDATE SKIP LOCKED`: two nodes claiming at once never take
 * the same row, and a row another node leased is re-checked on its newest version (EvalPlanQual)
 * so its running lease keeps it out. A node that dies mid-delivery leaves its lease to run out;
 * then any node claims the row again (at least once).
 *
 * When a row is due (`next_at`) and until when it is leased are reckoned by PostgreSQL's clock,
 * the one every node shares (the callers' `now` is not used; a retry's `nextAt` counts from the
 * `now` it was settled with). By the nodes' own clocks, a node ahead would take over a lease
 * still running (a second sender while the first still sends) and cut retries' backoff short,
 * and one behind would wait past a dead node's lease, and for others' new events, by the difference.
 */
export function createPostgresWebhooks({ query, transaction }: Deps): WebhookStore {
  return {
    async createWebhookEndpoint(e) {
      await query(
        `INSERT INTO webhook_endpoints (id, url, secret, events, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET url = $2, secret = $3, events = $4`,
        [e.id, e.url, e.secret, e.events, e.createdAt],
      );
    },
    async listWebhookEndpoints() {
      const rows = await query<Row>('SELECT * FROM webhook_endpoints ORDER BY created_at, id');
      return rows.map((r): WebhookEndpoint => ({ id: r.id, url: r.url, secret: r.secret, events: r.events, createdAt: Number(r.created_at) }));
    },
    deleteWebhookEndpoint: (id) =>
      transaction(async (c) => {
        await c.query('DELETE FROM webhook_outbox WHERE endpoint_id = $1', [id]);
        return ((await c.query('DELETE FROM webhook_endpoints WHERE id = $1', [id])).rowCount ?? 0) > 0;
      }),
    enqueueWebhooks: (events) => transaction((c) => insertOutbox(c, events)),
    async claimWebhooks(owner, _now, leaseMs, limit, perKey = 1) {
      // The heads are locked (SKIP LOCKED: another node's claim in progress is passed over) and
      // re-checked on their newest version; the rows behind a head follow it into the lease.
      const rows = await query<Row>(
        `WITH heads AS (
           SELECT DISTINCT ON (endpoint_id, conv_key) seq FROM webhook_outbox WHERE NOT failed ORDER BY endpoint_id, conv_key, seq
         ), due AS (
           SELECT o.seq, o.endpoint_id, o.conv_key FROM webhook_outbox o WHERE o.seq IN (SELECT seq FROM heads)
             AND NOT o.failed AND o.next_at <= ${DB_NOW} AND (o.lease_until IS NULL OR o.lease_until <= ${DB_NOW})
           ORDER BY o.seq LIMIT $2 FOR UPDATE SKIP LOCKED
         ), chain AS (
           SELECT c.seq FROM due d CROSS JOIN LATERAL (
             SELECT o.seq FROM webhook_outbox o WHERE NOT o.failed AND o.endpoint_id = d.endpoint_id AND o.conv_key = d.conv_key
             ORDER BY o.seq LIMIT $4) c
         )
         UPDATE webhook_outbox w SET lease_owner = $1, lease_until = ${DB_NOW} + $3 FROM chain
         WHERE w.seq = chain.seq AND (w.lease_until IS NULL OR w.lease_until <= ${DB_NOW}) RETURNING w.*`,
        [owner, limit, leaseMs, perKey],
      );
      return rows.map(toOutboxRow).sort((a, b) => a.seq - b.seq);
    },
    async settleWebhooks(owner, settlements, now = Date.now()) {
      const delivered = settlements.filter((s) => s.outcome.status === 'delivered').map((s) => s.seq);
      const released = settlements.filter((s) => s.outcome.status === 'released').map((s) => s.seq);
      const attempted = settlements.flatMap(({ seq, outcome: o }) =>
        o.status === 'retry' || o.status === 'failed' ? [{ seq, error: o.error, failed: o.status === 'failed', delay: o.status === 'retry' ? o.nextAt - now : null }] : []);
      if (settlements.length === 0) return;
      // Each kind of settlement as one statement, all in one transaction.
      await transaction(async (c) => {
        if (delivered.length > 0) await c.query('DELETE FROM webhook_outbox WHERE seq = ANY($1::bigint[]) AND lease_owner = $2', [delivered, owner]);
        if (released.length > 0) {
          await c.query('UPDATE webhook_outbox SET lease_owner = NULL, lease_until = NULL WHERE seq = ANY($1::bigint[]) AND lease_owner = $2', [released, owner]);
        }
        if (attempted.length > 0) {
          await c.query(
            `UPDATE webhook_outbox w SET attempts = w.attempts + 1, last_error = a.error, failed = a.failed, next_at = coalesce(${DB_NOW} + a.delay, w.next_at),
             lease_owner = NULL, lease_until = NULL
             FROM jsonb_to_recordset($1::jsonb) AS a(seq bigint, error text, failed boolean, delay bigint)
             WHERE w.seq = a.seq AND w.lease_owner = $2`,
            [JSON.stringify(attempted), owner],
          );
        }
      });
    },
    async listFailedWebhooks(limit, afterSeq = 0) {
      return (await query<Row>('SELECT * FROM webhook_outbox WHERE failed AND seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit])).map(toOutboxRow);
    },
    async retryWebhooks(now, seqs) {
      const rows = await query<Row>(
        `UPDATE webhook_outbox SET failed = false, attempts = 0, retry_from = $1, next_at = ${DB_NOW}
         WHERE failed AND ($2::bigint[] IS NULL OR seq = ANY($2::bigint[])) RETURNING seq`,
        [now, seqs ?? null],
      );
      return rows.length;
    },
  };
}
