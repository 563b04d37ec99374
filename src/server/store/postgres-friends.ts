import type { PoolClient, QueryResultRow } from 'pg';
import type { FriendPerson, FriendRequestView, FriendStore } from '../friends/friend-store.js';

interface Deps {
  query<R extends QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T>;
  /** Awaited after a friendship committed (the node's held facts, postgres-facts.ts). */
  changed?(a: string, b: string): Promise<void>;
}

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Migration 14 (postgres-schema.ts): the same model as sqlite-friends.ts. */
export const FRIENDS_MIGRATION_SQL = `
CREATE TABLE friend_requests (
  from_id text COLLATE "C" NOT NULL,
  to_id text COLLATE "C" NOT NULL,
  message text,
  created_at bigint NOT NULL,
  PRIMARY KEY (from_id, to_id)
);
CREATE INDEX friend_requests_to ON friend_requests (to_id, from_id);
`;

const person = (r: Row): FriendPerson => ({ id: r.id, ...(r.name != null && { name: r.name }), ...(r.avatar != null && { avatar: r.avatar }) });

/**
 * FriendStore on PostgreSQL. A request's count checks and insert run under transaction advisory
 * locks on both users (taken in id order, so two requests between the same people cannot
 * deadlock), so two nodes storing requests at once cannot both pass the limit.
 */
export function createPostgresFriends({ query, transaction, changed }: Deps): FriendStore {
  const requests = (other: string, me: string) => `SELECT u.id, u.name, u.avatar, r.message, r.created_at
    FROM friend_requests r JOIN users u ON u.id = r.${other} AND NOT u.deleted
    WHERE r.${me} = $1 AND r.${other} > $2 ORDER BY r.${other} LIMIT $3`;
  return {
    async listFriends(userId, after, limit) {
      const rows = await query<Row>(
        `SELECT u.id, u.name, u.avatar FROM friends f JOIN users u ON u.id = f.b AND NOT u.deleted
         WHERE f.a = $1 AND f.b > $2 ORDER BY f.b LIMIT $3`, [userId, after ?? '', limit]);
      return rows.map(person);
    },
    putFriendRequest: (r, max) => transaction(async (c) => {
      for (const id of [r.from, r.to].sort()) await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`natter.friends:${id}`]);
      const { rows: [found] } = await c.query('SELECT 1 FROM friend_requests WHERE from_id = $1 AND to_id = $2', [r.from, r.to]);
      if (found) return 'exists';
      const { rows: [n] } = await c.query<Row>(
        `SELECT (SELECT count(*) FROM friend_requests WHERE from_id = $1)::int AS sent, (SELECT count(*) FROM friend_requests WHERE to_id = $2)::int AS received`,
        [r.from, r.to]);
      if (n!.sent >= max || n!.received >= max) return 'limit';
      await c.query('INSERT INTO friend_requests (from_id, to_id, message, created_at) VALUES ($1, $2, $3, $4)', [r.from, r.to, r.message ?? null, r.createdAt]);
      return 'created';
    }),
    async getFriendRequest(from, to) {
      const [r] = await query<Row>('SELECT message, created_at FROM friend_requests WHERE from_id = $1 AND to_id = $2', [from, to]);
      if (!r) return undefined;
      return { from, to, createdAt: Number(r.created_at), ...(r.message != null && { message: r.message }) };
    },
    async deleteFriendRequest(from, to) {
      return (await query('DELETE FROM friend_requests WHERE from_id = $1 AND to_id = $2 RETURNING 1', [from, to])).length > 0;
    },
    async acceptFriendRequest(from, to) {
      const accepted = await transaction(async (c) => {
        const { rowCount } = await c.query('DELETE FROM friend_requests WHERE from_id = $1 AND to_id = $2', [from, to]);
        if (!rowCount) return false;
        await c.query('DELETE FROM friend_requests WHERE from_id = $1 AND to_id = $2', [to, from]);
        await c.query('INSERT INTO friends (a, b) VALUES ($1, $2), ($2, $1) ON CONFLICT DO NOTHING', [from, to]);
        return true;
      });
      if (accepted) await changed?.(from, to);
      return accepted;
    },
    async listFriendRequests(userId, direction, after, limit) {
      const sql = direction === 'in' ? requests('from_id', 'to_id') : requests('to_id', 'from_id');
      const rows = await query<Row>(sql, [userId, after ?? '', limit]);
      return rows.map((r): FriendRequestView => ({ ...person(r), time: Number(r.created_at), ...(r.message != null && { message: r.message }) }));
    },
  };
}
