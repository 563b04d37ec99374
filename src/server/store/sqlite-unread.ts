import type Database from 'better-sqlite3';
import { idFloor, type UnreadCandidate, type UnreadReminderStore } from '../webhooks/unread-types.js';
import type { WriterStatement } from './sqlite-writer.js';
import { INSERT_OUTBOX } from './sqlite-webhooks.js';

/** Unread reminders (src/server/webhooks/unread-types.ts): the mark of each member's reminded stretch, and the scan's watermark. */
export const UNREAD_SCHEMA = `
CREATE TABLE IF NOT EXISTS unread_marks (
  user_id TEXT NOT NULL,
  conv_key TEXT NOT NULL,
  read_seq INTEGER NOT NULL,
  PRIMARY KEY (user_id, conv_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS unread_watermark (id INTEGER PRIMARY KEY CHECK (id = 1), upto INTEGER NOT NULL);`;

/** Marks the stretch if the member still reads from it and it was not marked; 1 change when it went through. */
const MARK = `INSERT INTO unread_marks (user_id, conv_key, read_seq)
  SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM memberships WHERE user_id = ? AND conv_key = ? AND read_seq = ?)
  ON CONFLICT (user_id, conv_key) DO UPDATE SET read_seq = excluded.read_seq WHERE read_seq <> excluded.read_seq`;
/** The outbox row of a mark that went through: `changes()` is the mark's (or the previous row's, 1 after a mark that went through). */
const OUTBOX_IF_MARKED = INSERT_OUTBOX.replace(' VALUES (?, ?, ?, ?, ?, ?, ?, ?)', ' SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE changes() = 1');

type Row = Record<string, unknown>;

/**
 * Reads on the main connection; the marks, their outbox rows and the watermark are written by the
 * writer thread (`exec`: one transaction each), so the event loop never waits for the write lock.
 */
export function createSqliteUnread(db: Database.Database, exec: (statements: WriterStatement[]) => Promise<number[]>): UnreadReminderStore {
  const q = {
    watermark: db.prepare('SELECT upto FROM unread_watermark WHERE id = 1').pluck(),
    // The newest message of each sender in each conversation in the window (an index range of
    // ids), then the members who have one from someone else after their read position and whose
    // mark is not at that position.
    candidates: db.prepare(
      `SELECT m.user_id, m.conv_key, m.read_seq, max(w.seq) AS seq FROM
         (SELECT conv_key, sender, max(seq) AS seq FROM messages WHERE id >= :from AND id < :to GROUP BY conv_key, sender) w
       JOIN memberships m ON m.conv_key = w.conv_key AND m.read_seq < w.seq AND m.user_id <> w.sender
       LEFT JOIN unread_marks r ON r.user_id = m.user_id AND r.conv_key = m.conv_key
       WHERE r.read_seq IS NULL OR r.read_seq <> m.read_seq
       GROUP BY m.user_id, m.conv_key, m.read_seq`),
  };
  return {
    async unreadWatermark(initial) {
      const upto = q.watermark.get() as number | undefined;
      if (upto !== undefined) return upto;
      await exec([['INSERT OR IGNORE INTO unread_watermark (id, upto) VALUES (1, ?)', [initial]]]);
      return q.watermark.get() as number;
    },
    async raiseUnreadWatermark(to) {
      await exec([['UPDATE unread_watermark SET upto = max(upto, ?) WHERE id = 1', [to]]]);
    },
    async unreadCandidates(from, to) {
      return (q.candidates.all({ from: idFloor(from), to: idFloor(to) }) as Row[]).map((r): UnreadCandidate => ({
        userId: r['user_id'] as string, key: r['conv_key'] as string, readSeq: Number(r['read_seq']), toSeq: Number(r['seq']),
      }));
    },
    async claimUnreadReminders(claims) {
      const statements: WriterStatement[] = [];
      const at: number[] = [];
      for (const c of claims) {
        at.push(statements.length);
        statements.push([MARK, [c.userId, c.key, c.readSeq, c.userId, c.key, c.readSeq]]);
        for (const e of c.events) statements.push([OUTBOX_IF_MARKED, [e.eventId, e.endpointId, e.type, e.key, e.time, e.payload, e.time, e.time]]);
      }
      if (statements.length === 0) return [];
      const changes = await exec(statements);
      return at.map((i) => changes[i]! > 0);
    },
  };
}
