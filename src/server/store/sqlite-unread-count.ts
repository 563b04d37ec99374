import type Database from 'better-sqlite3';
import { UNREAD_COUNT_MAX, type UnreadState } from '../core/types.js';
import { AT_ALL } from '../../protocol/ids.js';
import { NOT_HIDDEN } from './sqlite-schema.js';
import { mentionTargets } from './mention-targets.js';

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

/**
 * The rows that mention someone, one a user (or '@all') they count for (mention-targets.ts), by
 * conversation and user: "a mention of me after my read mark" is one probe. Written only for
 * messages that mention someone: a message without costs its commit nothing here.
 */
export const MENTIONS_TABLE = `CREATE TABLE message_mentions (
  conv_key TEXT NOT NULL, who TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (conv_key, who, seq)
) WITHOUT ROWID`;

/** A `mentions` column (`,a,b,`) as its list. */
export const mentionList = (column: string | null): string[] | null => (column === null ? null : column.slice(1, -1).split(','));

/**
 * The mentions table (2026-12-07), filled from the rows that mention someone, in place of the
 * index `messages_mentions` (conv_key, seq): past the unread cap, a count looked for a mention of
 * the reader among every row that mentions anyone (100,000 messages mentioning someone else were
 * all read). Returns the rows written, or undefined when the table existed.
 */
export function upgradeMentionTable(db: Database.Database): number | undefined {
  if (db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'message_mentions'`).get() !== undefined) return undefined;
  return db.transaction(() => {
    db.exec(MENTIONS_TABLE);
    const insert = db.prepare('INSERT OR IGNORE INTO message_mentions (conv_key, who, seq) VALUES (?, ?, ?)');
    let written = 0;
    // In pages by rowid (a connection cannot write while it iterates).
    const page = db.prepare('SELECT rowid, conv_key, seq, sender, vis1, vis2, excl_unread, mentions FROM messages WHERE rowid > ? AND mentions IS NOT NULL AND excl_unread = 0 ORDER BY rowid LIMIT 10000').raw();
    for (let after = 0, rows; (rows = page.all(after) as [number, string, number, string, string | null, string | null, number, string][]).length > 0; ) {
      for (const [rowid, key, seq, sender, vis1, vis2, excl, mentions] of rows) {
        const visibleTo = vis1 === null ? null : vis2 === null ? [vis1] : [vis1, vis2];
        for (const who of mentionTargets(sender, visibleTo, excl === 1, mentionList(mentions)) ?? []) written += insert.run(key, who, seq).changes;
        after = rowid;
      }
    }
    db.exec('DROP INDEX IF EXISTS messages_mentions');
    return written;
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
  const read = seams.read ?? (() => {});
  const walk = db.prepare(
    `SELECT seq, sender, excl_unread AS excl, vis1, run_start AS runStart, ${MENTIONED} AS mentioned, NOT ${NOT_HIDDEN} AS hidden
     FROM messages WHERE conv_key = :key AND seq > :read AND seq <= :top ORDER BY seq DESC`);
  const targeted = db.prepare(
    `SELECT seq, ${MENTIONED} AS mentioned FROM messages INDEXED BY messages_targeted
     WHERE conv_key = :key AND vis2 = :viewer AND vis2 IS NOT NULL AND excl_unread = 0 AND seq > :read AND sender <> :viewer AND ${NOT_HIDDEN}
     ORDER BY seq DESC LIMIT ${UNREAD_COUNT_MAX}`);
  // A mention among the rows below where the count stopped: the viewer's rows of the mentions
  // table, then '@all''s, newest first; only the viewer's own '@all' and rows they deleted for
  // themselves are passed over.
  const olderMention = db.prepare(
    `SELECT m.sender = :viewer AS own, NOT ${NOT_HIDDEN} AS hidden FROM message_mentions x JOIN messages m ON m.conv_key = x.conv_key AND m.seq = x.seq
     WHERE x.conv_key = :key AND x.who = :who AND x.seq > :read AND x.seq < :below ORDER BY x.seq DESC`);
  const mentionBelow = (key: string, viewer: string, readSeq: number, below: number): boolean => {
    for (const who of [viewer, AT_ALL]) {
      for (const r of olderMention.iterate({ key, viewer, who, read: readSeq, below }) as IterableIterator<Row>) {
        read();
        if (r['own'] === 0 && r['hidden'] === 0) return true;
      }
    }
    return false;
  };
  // Most counts: fewer than HEAD_ROWS rows after the mark, counted in one statement (as a walk
  // they cost some 4 times as much: a statement and a row object a row in JavaScript).
  const head = db.prepare(
    `SELECT count(*) AS scanned, coalesce(sum(counts), 0) AS unread, coalesce(max(counts AND mentioned), 0) AS mentioned FROM (
       SELECT sender <> :viewer AND excl_unread = 0 AND (vis1 IS NULL OR vis1 = :viewer OR vis2 = :viewer) AND ${NOT_HIDDEN} AS counts, coalesce(${MENTIONED}, 0) AS mentioned
       FROM messages WHERE conv_key = :key AND seq > :read ORDER BY seq DESC LIMIT ${HEAD_ROWS})`);

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
    if (!mentioned && below > readSeq + 1) mentioned = mentionBelow(key, viewer, readSeq, below);
    return { unread: Math.min(UNREAD_COUNT_MAX, unread + mine.length), mentioned };
  };
}
