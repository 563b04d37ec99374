import type Database from 'better-sqlite3';
import { UNREAD_COUNT_MAX, type UnreadState } from '../core/types.js';
import { NOT_HIDDEN } from './sqlite-schema.js';

/**
 * A message's run (`messages.run_start`): the seq of the first row of the unbroken stretch of rows
 * of its conversation, up to it, of one audience class: '' for a row that counts as unread for
 * nobody in the main walk (excluded from unread counts, as every change row is, or seen by one or
 * two members only), else its sender (counts for everyone else). The writer gives each row its
 * run from the row before it: RUN_AT_SQL reads that row's class and run (key, seq) once a
 * conversation. A row without a run (made before the column) is a run of its own.
 */
export const RUN_AT_SQL = `SELECT CASE WHEN excl_unread = 1 OR vis1 IS NOT NULL THEN '' ELSE sender END AS cls, run_start FROM messages WHERE conv_key = ? AND seq = ?`;

/**
 * The run column and `messages_targeted` (2026-12-07), and each existing row's run: without them a
 * count read every row after the reader's mark, 100,000 reactions or messages the reader cannot see
 * included. Partial: only messages for one member of a group cost their commit an index page.
 * Returns the rows given a run, or undefined when the column existed.
 */
export function upgradeUnreadRuns(db: Database.Database): number | undefined {
  const columns = db.prepare(`SELECT name FROM pragma_table_info('messages')`).pluck().all() as string[];
  if (columns.includes('run_start')) return undefined;
  return db.transaction(() => {
    db.exec('ALTER TABLE messages ADD COLUMN run_start INTEGER');
    db.exec('CREATE INDEX IF NOT EXISTS messages_targeted ON messages (conv_key, vis2, seq) WHERE vis2 IS NOT NULL AND excl_unread = 0');
    // Gaps and islands: a run starts where the class differs from the row before's.
    return db.prepare(`UPDATE messages SET run_start = r.start FROM (
        SELECT rid, max(CASE WHEN prev IS NULL OR prev <> cls THEN seq END) OVER (PARTITION BY conv_key ORDER BY seq) AS start FROM (
          SELECT rid, conv_key, seq, cls, lag(cls) OVER (PARTITION BY conv_key ORDER BY seq) AS prev FROM (
            SELECT rowid AS rid, conv_key, seq, CASE WHEN excl_unread = 1 OR vis1 IS NOT NULL THEN '' ELSE sender END AS cls FROM messages))) r
      WHERE messages.rowid = r.rid`).run().changes;
  }).immediate();
}

/** Test seam: runs for each message row a count reads. */
export interface UnreadCountSeams {
  read?: () => void;
}

type Row = Record<string, unknown>;

/** Rows after the mark read in one statement first: all of them, for most counts. */
export const HEAD_ROWS = 64;

const MENTIONED = `(instr(mentions, ',' || :viewer || ',') > 0 OR instr(mentions, ',@all,') > 0)`;

/**
 * Unread counts that read a bounded number of rows: the rows after the reader's mark, newest
 * first, where a row that does not count for the reader (the reader's own, excluded, or for one or
 * two members) skips its whole run in one step; the messages for the reader alone come from
 * `messages_targeted`. At most about 2 × UNREAD_COUNT_MAX rows whoever wrote the others (runs of
 * rows the reader deleted for themselves aside, which are read each), exact below the cap.
 */
export function createSqliteUnreadCount(db: Database.Database, seams: UnreadCountSeams = {}): (key: string, viewer: string, readSeq: number) => UnreadState {
  const walk = db.prepare(
    `SELECT seq, sender, excl_unread AS excl, vis1, run_start AS runStart, ${MENTIONED} AS mentioned, NOT ${NOT_HIDDEN} AS hidden
     FROM messages WHERE conv_key = :key AND seq > :read AND seq <= :top ORDER BY seq DESC`);
  const targeted = db.prepare(
    `SELECT seq, ${MENTIONED} AS mentioned FROM messages INDEXED BY messages_targeted
     WHERE conv_key = :key AND vis2 = :viewer AND vis2 IS NOT NULL AND excl_unread = 0 AND seq > :read AND sender <> :viewer AND ${NOT_HIDDEN}
     ORDER BY seq DESC LIMIT ${UNREAD_COUNT_MAX}`);
  // A mention among the rows below where the count stopped: the mentions index, its rows only.
  const olderMention = db.prepare(
    `SELECT 1 FROM messages INDEXED BY messages_mentions WHERE conv_key = :key AND seq > :read AND seq < :below AND mentions IS NOT NULL
     AND CASE WHEN ${MENTIONED} THEN sender <> :viewer AND excl_unread = 0 AND (vis1 IS NULL OR vis1 = :viewer OR vis2 = :viewer) AND ${NOT_HIDDEN} END LIMIT 1`,
  ).pluck();
  // Most counts: fewer than HEAD_ROWS rows after the mark, counted in one statement (as a walk
  // they cost some 4 times as much: a statement and a row object a row in JavaScript).
  const head = db.prepare(
    `SELECT count(*) AS scanned, coalesce(sum(counts), 0) AS unread, coalesce(max(counts AND mentioned), 0) AS mentioned FROM (
       SELECT sender <> :viewer AND excl_unread = 0 AND (vis1 IS NULL OR vis1 = :viewer OR vis2 = :viewer) AND ${NOT_HIDDEN} AS counts, coalesce(${MENTIONED}, 0) AS mentioned
       FROM messages WHERE conv_key = :key AND seq > :read ORDER BY seq DESC LIMIT ${HEAD_ROWS})`);
  const read = seams.read ?? (() => {});

  return (key, viewer, readSeq) => {
    const h = head.get({ key, viewer, read: readSeq }) as Row;
    for (let i = 0; i < (h['scanned'] as number); i++) read();
    if ((h['scanned'] as number) < HEAD_ROWS) return { unread: h['unread'] as number, mentioned: h['mentioned'] === 1 };
    let unread = 0;
    let mentioned = false;
    // Below these seqs nothing was looked at (readSeq + 1: everything was).
    let walkBelow = readSeq + 1;
    let top = Number.MAX_SAFE_INTEGER;
    walking: while (top > readSeq) {
      let next = readSeq;
      for (const r of walk.iterate({ key, viewer, read: readSeq, top }) as IterableIterator<Row>) {
        read();
        const seq = r['seq'] as number;
        if (r['excl'] === 1 || r['vis1'] !== null || r['sender'] === viewer) {
          const start = r['runStart'] as number | null;
          if (start !== null && start < seq) {
            next = start - 1;
            break;
          }
          continue;
        }
        if (r['hidden'] === 1) continue;
        unread++;
        if (r['mentioned'] === 1) mentioned = true;
        if (unread === UNREAD_COUNT_MAX) {
          walkBelow = seq;
          break walking;
        }
      }
      top = next;
    }
    const mine = targeted.all({ key, viewer, read: readSeq }) as Row[];
    for (const r of mine) {
      read();
      if (r['mentioned'] === 1) mentioned = true;
    }
    const targetedBelow = mine.length === UNREAD_COUNT_MAX ? (mine[mine.length - 1]!['seq'] as number) : readSeq + 1;
    const below = Math.max(walkBelow, targetedBelow);
    if (!mentioned && below > readSeq + 1) mentioned = olderMention.get({ key, viewer, read: readSeq, below }) === 1;
    return { unread: Math.min(UNREAD_COUNT_MAX, unread + mine.length), mentioned };
  };
}
