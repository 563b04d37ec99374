import type Database from 'better-sqlite3';
import type { FriendPerson, FriendRequestRecord, FriendRequestView, FriendStore } from '../friends/friend-store.js';

/**
 * Friend requests (SPEC §13). `CREATE … IF NOT EXISTS`: a file made before them gains the table
 * when it is opened. One row per pending request; answered ones are deleted.
 */
export const FRIENDS_SCHEMA = `
CREATE TABLE IF NOT EXISTS friend_requests (
  from_id TEXT NOT NULL,
  to_id TEXT NOT NULL,
  message TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (from_id, to_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS friend_requests_to ON friend_requests (to_id, from_id);`;

type Row = Record<string, unknown>;

const person = (r: Row): FriendPerson => ({
  id: r['id'] as string,
  ...(r['name'] != null && { name: r['name'] as string }),
  ...(r['avatar'] != null && { avatar: r['avatar'] as string }),
});

/**
 * FriendStore on the main SQLite connection. `changed` is called after a write that changes
 * friendships (an accept), so the store's cached permission facts are forgotten.
 */
export function createSqliteFriends(db: Database.Database, changed: () => void): FriendStore {
  db.exec(FRIENDS_SCHEMA);
  const PEOPLE = (join: string) => `SELECT u.id, u.name, u.avatar FROM ${join} JOIN users u ON u.id = x.other AND u.deleted = 0`;
  const q = {
    friends: db.prepare(`${PEOPLE('(SELECT b AS other FROM friends WHERE a = ? AND b > ?) x')} ORDER BY u.id LIMIT ?`),
    countOut: db.prepare('SELECT count(*) FROM friend_requests WHERE from_id = ?').pluck(),
    countIn: db.prepare('SELECT count(*) FROM friend_requests WHERE to_id = ?').pluck(),
    insert: db.prepare('INSERT OR IGNORE INTO friend_requests (from_id, to_id, message, created_at) VALUES (?, ?, ?, ?)'),
    get: db.prepare('SELECT * FROM friend_requests WHERE from_id = ? AND to_id = ?'),
    delete: db.prepare('DELETE FROM friend_requests WHERE from_id = ? AND to_id = ?'),
    addFriend: db.prepare('INSERT OR IGNORE INTO friends (a, b) VALUES (?, ?)'),
    incoming: db.prepare(`SELECT u.id, u.name, u.avatar, x.message, x.created_at FROM (SELECT from_id AS other, message, created_at FROM friend_requests WHERE to_id = ? AND from_id > ?) x
      JOIN users u ON u.id = x.other AND u.deleted = 0 ORDER BY u.id LIMIT ?`),
    outgoing: db.prepare(`SELECT u.id, u.name, u.avatar, x.message, x.created_at FROM (SELECT to_id AS other, message, created_at FROM friend_requests WHERE from_id = ? AND to_id > ?) x
      JOIN users u ON u.id = x.other AND u.deleted = 0 ORDER BY u.id LIMIT ?`),
  };
  const put = db.transaction((r: FriendRequestRecord, max: number) => {
    if (q.get.get(r.from, r.to)) return 'exists' as const;
    if ((q.countOut.get(r.from) as number) >= max || (q.countIn.get(r.to) as number) >= max) return 'limit' as const;
    q.insert.run(r.from, r.to, r.message ?? null, r.createdAt);
    return 'created' as const;
  });
  const accept = db.transaction((from: string, to: string) => {
    if (q.delete.run(from, to).changes === 0) return false;
    q.delete.run(to, from);
    q.addFriend.run(from, to);
    q.addFriend.run(to, from);
    return true;
  });
  return {
    async listFriends(userId, after, limit) {
      return (q.friends.all(userId, after ?? '', limit) as Row[]).map(person);
    },
    async putFriendRequest(req, maxPending) {
      return put.immediate(req, maxPending);
    },
    async getFriendRequest(from, to) {
      const r = q.get.get(from, to) as Row | undefined;
      if (!r) return undefined;
      return { from, to, createdAt: r['created_at'] as number, ...(r['message'] != null && { message: r['message'] as string }) };
    },
    async deleteFriendRequest(from, to) {
      return q.delete.run(from, to).changes > 0;
    },
    async acceptFriendRequest(from, to) {
      try {
        return accept.immediate(from, to);
      } finally {
        changed();
      }
    },
    async listFriendRequests(userId, direction, after, limit) {
      const rows = (direction === 'in' ? q.incoming : q.outgoing).all(userId, after ?? '', limit) as Row[];
      return rows.map((r): FriendRequestView => ({
        ...person(r), time: r['created_at'] as number, ...(r['message'] != null && { message: r['message'] as string }),
      }));
    },
  };
}
