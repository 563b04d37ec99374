import type { PoolClient, QueryResultRow } from 'pg';
import { insertOutbox } from './postgres-webhooks.js';
import { BROADCAST_WINDOW_MS, type BroadcastRecord, type BroadcastStore, type DeviceRef } from '../core/broadcast-store.js';

/** What the broadcast queries need from the PostgreSQL store (its pool helpers). */
export interface PostgresAccess {
  query<R extends QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  /** One transaction, retried from the start on serialization failures and deadlocks. */
  transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T>;
}

// Rows are read by column name; the SQL below is what types them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

const toRecord = (r: Row): BroadcastRecord => {
  const b: BroadcastRecord = { seq: r.seq, id: r.id, content: r.content, time: r.time, offline: r.offline };
  if (r.withdrawn) b.withdrawn = true;
  if (r.sender != null) b.from = r.sender;
  if (r.expires_at != null) b.expiresAt = r.expires_at;
  return b;
};

const RAISE = `INSERT INTO broadcast_cursors (user_id, device_id, seq, updated_at)
  SELECT u, d, $3, $4 FROM unnest($1::text[], $2::text[]) AS t(u, d)
  ON CONFLICT (user_id, device_id) DO UPDATE
  SET seq = greatest(broadcast_cursors.seq, EXCLUDED.seq), updated_at = EXCLUDED.updated_at`;

/** The broadcast part of the PostgreSQL store (tables from migration 2). */
export function createPostgresBroadcasts(db: PostgresAccess): BroadcastStore {
  return {
    async addBroadcast(b, { now, perMinute, perDay, keep, outbox }) {
      return db.transaction(async (c) => {
        // The counter row is the lock: quota checks of every node take turns behind it.
        await c.query('SELECT last_seq FROM broadcast_counter WHERE id = 1 FOR UPDATE');
        await c.query('DELETE FROM broadcast_sends WHERE time <= $1', [now - BROADCAST_WINDOW_MS.day]);
        for (const [window, max] of [['minute', perMinute], ['day', perDay]] as const) {
          const since = now - BROADCAST_WINDOW_MS[window];
          const count = (await c.query<{ n: number }>('SELECT count(*) AS n FROM broadcast_sends WHERE time > $1', [since])).rows[0]!.n;
          if (count >= max) {
            const nth = await c.query<{ time: number }>('SELECT time FROM broadcast_sends WHERE time > $1 ORDER BY time LIMIT 1 OFFSET $2', [since, count - max]);
            return { ok: false as const, window, max, resetAt: nth.rows[0]!.time + BROADCAST_WINDOW_MS[window] };
          }
        }
        await c.query('INSERT INTO broadcast_sends (time) VALUES ($1)', [now]);
        const seq = (await c.query<{ last_seq: number }>('UPDATE broadcast_counter SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq')).rows[0]!.last_seq;
        await c.query(
          'INSERT INTO broadcasts (seq, id, sender, content, time, expires_at, offline) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [seq, b.id, b.from ?? null, b.content, b.time, b.expiresAt ?? null, b.offline],
        );
        await c.query('DELETE FROM broadcasts WHERE offline AND expires_at <= $1', [now]);
        await c.query(
          `DELETE FROM broadcasts WHERE offline = $1 AND seq NOT IN (SELECT seq FROM broadcasts WHERE offline = $1 ORDER BY seq DESC LIMIT $2)`,
          [true, keep],
        );
        await c.query(
          `DELETE FROM broadcasts WHERE offline = $1 AND seq NOT IN (SELECT seq FROM broadcasts WHERE offline = $1 ORDER BY seq DESC LIMIT $2)`,
          [false, keep],
        );
        // A device last seen before the oldest valid offline broadcast has received none of them:
        // forgetting its cursor changes nothing, and keeps the table from growing forever.
        await c.query('DELETE FROM broadcast_cursors WHERE updated_at < coalesce((SELECT min(time) FROM broadcasts WHERE offline), $1)', [now]);
        await insertOutbox(c, outbox ?? []);
        return { ok: true as const, seq };
      });
    },
    async listBroadcasts(now) {
      return (await db.query<Row>('SELECT * FROM broadcasts WHERE NOT withdrawn AND (NOT offline OR expires_at > $1) ORDER BY seq DESC', [now])).map(toRecord);
    },
    async withdrawBroadcast(id) {
      return db.transaction(async (c) => {
        // A tombstone takes the next seq, so devices whose cursor passed the broadcast hear of it.
        await c.query('SELECT last_seq FROM broadcast_counter WHERE id = 1 FOR UPDATE');
        const live = await c.query('SELECT 1 FROM broadcasts WHERE id = $1 AND NOT withdrawn', [id]);
        if (live.rowCount === 0) return false;
        const seq = (await c.query<{ last_seq: number }>('UPDATE broadcast_counter SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq')).rows[0]!.last_seq;
        await c.query('UPDATE broadcasts SET withdrawn = true, seq = $2 WHERE id = $1', [id, seq]);
        return true;
      });
    },
    async takeBroadcasts(d, now) {
      return db.transaction(async (c) => {
        // Lock this device's cursor so two sessions of one device opening at once take turns.
        await c.query(
          'INSERT INTO broadcast_cursors (user_id, device_id, seq, updated_at) VALUES ($1, $2, 0, $3) ON CONFLICT DO NOTHING',
          [d.userId, d.deviceId, now],
        );
        const cursor = (await c.query<{ seq: number }>(
          'SELECT seq FROM broadcast_cursors WHERE user_id = $1 AND device_id = $2 FOR UPDATE',
          [d.userId, d.deviceId],
        )).rows[0]!.seq;
        // Seqs are handed out under the counter lock and committed with it, so every seq up to
        // the counter's value is visible now: reading it first bounds the read below exactly.
        const last = (await c.query<{ last_seq: number }>('SELECT last_seq FROM broadcast_counter WHERE id = 1')).rows[0]!.last_seq;
        const due = await c.query<Row>(
          'SELECT * FROM broadcasts WHERE seq > $1 AND seq <= $2 AND (withdrawn OR (offline AND expires_at > $3)) ORDER BY seq',
          [cursor, last, now],
        );
        await c.query('UPDATE broadcast_cursors SET seq = greatest(seq, $3), updated_at = $4 WHERE user_id = $1 AND device_id = $2', [
          d.userId, d.deviceId, last, now,
        ]);
        const rows = due.rows.map(toRecord);
        return { added: rows.filter((b) => !b.withdrawn), withdrawn: rows.filter((b) => b.withdrawn).map((b) => b.id) };
      });
    },
    async markBroadcastsReceived(devices, seq, now) {
      // One row per device (a statement may not update a row twice), in key order so that
      // nodes marking overlapping sets lock rows in the same order.
      const unique = [...new Map(devices.map((d): [string, DeviceRef] => [`${d.userId}\n${d.deviceId}`, d])).entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, d]) => d);
      if (unique.length === 0) return;
      await db.transaction((c) => c.query(RAISE, [unique.map((d) => d.userId), unique.map((d) => d.deviceId), seq, now]));
    },
  };
}
