import type { MessageDraft } from '../core/types.js';

/**
 * Runs for unread counts (postgres-unread-count.ts), as sqlite-unread-count.ts: `messages.run_start` is the seq of the first
 * row of the unbroken stretch of rows of its conversation, up to it, of one class ('' for a row
 * that counts for nobody in the walk: excluded, as every change row is, or seen by one or two
 * members only; else its sender). Migration 36 adds it, fills it for every row, and adds
 * `messages_targeted` (the rows for one member of a group) and `messages_mentions` (the rows that
 * mention someone; the mentions table replaced it in migration 37), both partial: most commits
 * write neither.
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

/**
 * Each conversation's last row's class and run (`conversations.last_cls`, `last_run`; NULL: not
 * known, its next row starts a run of its own), kept by the commit that raises `last_seq`, which
 * also leaves the ones before it in `prev_cls`, `prev_run` for its RETURNING: a batch's first rows
 * take their run from there. Reading the row before each conversation's first row of a batch
 * instead cost a commit 2 of its 30 buffers a message (7 %) and some 8 % of the backend's CPU.
 */
export const CONVERSATION_RUNS_MIGRATION = `
ALTER TABLE conversations ADD COLUMN last_cls text COLLATE "C", ADD COLUMN last_run bigint, ADD COLUMN prev_cls text COLLATE "C", ADD COLUMN prev_run bigint;
UPDATE conversations c SET last_cls = CASE WHEN m.excl_unread OR m.visible_to IS NOT NULL THEN '' ELSE m.sender END, last_run = m.run_start
  FROM messages m WHERE m.conv_key = c.key AND m.seq = c.last_seq;`;

/** The class of a row for its run: '' when it counts for nobody in the walk, else its sender. */
const classOf = (d: MessageDraft): string => (d.message.isExcludedFromUnreadCount || d.visibleTo ? '' : d.message.sender);

/** A batch's runs as the commit needs them (postgres-commit.ts). */
export interface BatchRuns {
  /** Each draft's class. */
  classes: string[];
  /** Where each draft's run starts among its conversation's drafts of the batch, 1 first (1: it may go on from the row before the batch). */
  starts: number[];
  /** Each conversation's last draft's class, and where its run starts. */
  lastClass: Map<string, string>;
  lastStart: Map<string, number>;
}

/** The runs within a batch, in batch order (the order of their seqs). */
export function batchRuns(drafts: MessageDraft[]): BatchRuns {
  const classes: string[] = [];
  const starts: number[] = [];
  const lastClass = new Map<string, string>();
  const lastStart = new Map<string, number>();
  const seen = new Map<string, number>();
  for (const d of drafts) {
    const cls = classOf(d);
    const j = (seen.get(d.key) ?? 0) + 1;
    seen.set(d.key, j);
    const start = j === 1 || lastClass.get(d.key) !== cls ? j : lastStart.get(d.key)!;
    classes.push(cls);
    starts.push(start);
    lastClass.set(d.key, cls);
    lastStart.set(d.key, start);
  }
  return { classes, starts, lastClass, lastStart };
}
