/**
 * Runs for unread counts (postgres-unread-count.ts), as sqlite-unread-count.ts: `messages.run_start` is the seq of the first
 * row of the unbroken stretch of rows of its conversation, up to it, of one class ('' for a row
 * that counts for nobody in the walk: excluded, as every change row is, or seen by one or two
 * members only; else its sender). Migration 36 adds it, fills it for every row, and adds
 * `messages_targeted` (the rows for one member of a group) and `messages_mentions` (the rows that
 * mention someone), both partial: most commits write neither.
 */
export const UNREAD_RUNS_MIGRATION = `
ALTER TABLE messages ADD COLUMN run_start bigint;
UPDATE messages SET run_start = r.start FROM (
  SELECT conv_key, seq, max(CASE WHEN prev IS NULL OR prev <> cls THEN seq END) OVER (PARTITION BY conv_key ORDER BY seq) AS start FROM (
    SELECT conv_key, seq, cls, lag(cls) OVER (PARTITION BY conv_key ORDER BY seq) AS prev FROM (
      SELECT conv_key, seq, CASE WHEN excl_unread OR visible_to IS NOT NULL THEN '' ELSE sender END AS cls FROM messages) c) l) r
  WHERE messages.conv_key = r.conv_key AND messages.seq = r.seq;
CREATE INDEX messages_targeted ON messages (conv_key, (visible_to[2]), seq) WHERE visible_to[2] IS NOT NULL AND NOT excl_unread;
CREATE INDEX messages_mentions ON messages (conv_key, seq) WHERE mentions IS NOT NULL;`;

/** The class of a row (columns of `m`) for its run. */
const classOf = (m: string) => `CASE WHEN ${m}.excl_unread OR ${m}.visible_to IS NOT NULL THEN '' ELSE ${m}.sender END`;

/** The run of a row of key `k`, seq `s`, class `cls`, from the row before it (a row made before the runs: a run of its own). */
export const runStartOf = (k: string, s: string, cls: string) =>
  `coalesce((SELECT p.run_start FROM messages p WHERE p.conv_key = ${k} AND p.seq = ${s} - 1 AND ${classOf('p')} = ${cls}), ${s})`;

/**
 * The rows of `source` (a commit's: k, s, snd, vis, eu, …) with their `run_start`: a batch's run
 * goes on from the row before it, in the table or in the batch.
 */
export const withRuns = (source: string) => `
  classed AS (SELECT n.*, CASE WHEN n.eu OR n.vis IS NOT NULL THEN '' ELSE n.snd END AS cls FROM ${source} n),
  marked AS (SELECT c.*, CASE WHEN lag(c.cls) OVER w IS NULL THEN ${runStartOf('c.k', 'c.s', 'c.cls')}
    WHEN lag(c.cls) OVER w <> c.cls THEN c.s END AS mark FROM classed c WINDOW w AS (PARTITION BY c.k ORDER BY c.s)),
  runs AS (SELECT m.*, max(m.mark) OVER (PARTITION BY m.k ORDER BY m.s) AS run_start FROM marked m)`;
