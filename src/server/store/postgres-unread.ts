import type { PoolClient, QueryResultRow } from 'pg';
import { idFloor, type UnreadReminderStore } from '../webhooks/unread-types.js';
import { insertOutbox } from './postgres-webhooks.js';

interface Deps {
  query<R extends QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T>;
}

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Migration 32: the mark of each member's reminded stretch, and the scan's watermark (one row). */
export const UNREAD_MIGRATION_SQL = `
CREATE TABLE unread_marks (
  user_id text COLLATE "C" NOT NULL,
  conv_key text COLLATE "C" NOT NULL,
  read_seq bigint NOT NULL,
  PRIMARY KEY (user_id, conv_key)
);
CREATE TABLE unread_watermark (id int PRIMARY KEY CHECK (id = 1), upto bigint NOT NULL);
`;

/**
 * Unread reminders in PostgreSQL, shared by every node. Nodes scan the same windows; a claim
 * locks the member's row (FOR SHARE: a read committing meanwhile is seen, or waits for the claim)
 * and upserts the mark only when it is not at the read position already, so of two nodes
 * claiming the same stretch at once the second finds the first's mark and queues nothing.
 */
export function createPostgresUnread({ query, transaction }: Deps): UnreadReminderStore {
  return {
    async unreadWatermark(initial) {
      await query('INSERT INTO unread_watermark (id, upto) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [initial]);
      return Number((await query<Row>('SELECT upto FROM unread_watermark WHERE id = 1'))[0]!.upto);
    },
    async raiseUnreadWatermark(to) {
      await query('UPDATE unread_watermark SET upto = greatest(upto, $1) WHERE id = 1', [to]);
    },
    async unreadCandidates(from, to) {
      const rows = await query<Row>(
        `SELECT m.user_id, m.conv_key, m.read_seq, max(w.seq) AS seq FROM
           (SELECT conv_key, sender, max(seq) AS seq FROM messages WHERE id >= $1 AND id < $2 GROUP BY conv_key, sender) w
         JOIN memberships m ON m.conv_key = w.conv_key AND m.read_seq < w.seq AND m.user_id <> w.sender
         LEFT JOIN unread_marks r ON r.user_id = m.user_id AND r.conv_key = m.conv_key
         WHERE r.read_seq IS NULL OR r.read_seq <> m.read_seq
         GROUP BY m.user_id, m.conv_key, m.read_seq`,
        [idFloor(from), idFloor(to)],
      );
      return rows.map((r) => ({ userId: r.user_id, key: r.conv_key, readSeq: Number(r.read_seq), toSeq: Number(r.seq) }));
    },
    async claimUnreadReminders(claims) {
      if (claims.length === 0) return [];
      return transaction(async (c) => {
        const { rows } = await c.query<Row>(
          `WITH c AS (
             SELECT * FROM jsonb_to_recordset($1::jsonb) AS c(ord int, user_id text, conv_key text, read_seq bigint)
           ), live AS (
             SELECT c.ord, c.user_id, c.conv_key, c.read_seq FROM c
             JOIN memberships m ON m.user_id = c.user_id AND m.conv_key = c.conv_key AND m.read_seq = c.read_seq
             ORDER BY c.ord FOR SHARE OF m
           )
           INSERT INTO unread_marks (user_id, conv_key, read_seq) SELECT user_id, conv_key, read_seq FROM live ORDER BY ord
           ON CONFLICT (user_id, conv_key) DO UPDATE SET read_seq = excluded.read_seq WHERE unread_marks.read_seq <> excluded.read_seq
           RETURNING user_id, conv_key`,
          [JSON.stringify(claims.map((x, ord) => ({ ord, user_id: x.userId, conv_key: x.key, read_seq: x.readSeq })))],
        );
        const won = new Set(rows.map((r) => `${r.user_id}\n${r.conv_key}`));
        const ok = claims.map((x) => won.has(`${x.userId}\n${x.key}`));
        await insertOutbox(c, claims.filter((_, i) => ok[i]).flatMap((x) => x.events));
        return ok;
      });
    },
  };
}
