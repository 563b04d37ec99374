import { createRequire } from 'node:module';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { Message } from '../../protocol/index.js';
import { parseKey } from '../core/conversation-key.js';
import type { CommitOutcome, MessageDraft } from '../core/types.js';
import { VOCABULARY_MIN_UNITS, indexWords, searchKindOf, searchTextOf } from '../core/search-text.js';
import { sharedNow, traceSample, tracing } from '../core/latency-trace.js';
import { MERGE_STEP, PENDING_MAX, PENDING_QUIET_MS, SET_MARK } from './sqlite-search.js';
import { RUN_AT_SQL } from './sqlite-unread-count.js';
import { mentionTargets } from './mention-targets.js';

/**
 * Commits messages from a worker thread with its own connection, so the event loop keeps
 * serving while SQLite writes the WAL and fsyncs it (`synchronous = FULL`: a few milliseconds
 * per commit that used to block every socket of the node).
 *
 * Why this is safe:
 * - Durable before visible. In WAL mode a commit becomes visible to other connections when the
 *   writer updates the WAL index, which SQLite does after the WAL fsync. The main connection
 *   reads in autocommit (one snapshot per statement), so it sees a message only once it is
 *   durable, and sees every message whose commit has resolved (the sender's ack, a duplicate's
 *   lookup, the replay read after it).
 * - Sequencing and idempotency are decided inside the worker's one transaction per batch, the
 *   same statements as before. The worker takes batches from its message queue in the order they
 *   were posted, every batch queued when a transaction starts into that one (so CommitBatcher
 *   posts each turn's batch without waiting for the last to be answered: `commitsInCallOrder`,
 *   `coalescesQueuedCommits`), and handles each batch's messages in order.
 * - The main connection's own writes (users, groups, read positions, broadcasts) wait for the
 *   write lock (busy timeout) and use IMMEDIATE transactions where they read before writing.
 *
 * A worker that dies fails the commits in flight (their senders resend: idempotent) and the
 * next commit starts a new one.
 */
export interface SqliteWriter {
  commit(drafts: MessageDraft[]): Promise<CommitOutcome[]>;
  /**
   * Commits one change (SPEC §9) on the writer thread, in the next job posted: with the next
   * batch of messages, else with the other changes waiting at the end of the turn (a busy writer
   * commits that job with the others queued beside it).
   */
  change(change: ChangeWire): Promise<ChangeWireOutcome>;
  /**
   * Runs statements in one transaction on the writer thread, queued with the commits: the event
   * loop never waits for the write lock (which the writer holds most of the time under load).
   * Resolves with each statement's number of changed rows.
   */
  exec(statements: WriterStatement[]): Promise<number[]>;
  /** Finishes what was posted, then closes the worker's connection. */
  stop(): Promise<void>;
}

export interface SqliteWriterOptions {
  synchronous: 'FULL' | 'NORMAL';
  /** WAL pages after which the writer checkpoints itself (the checkpointer does most of it). */
  autocheckpoint: number;
  /** Index messages for search (default true; off only to measure what the index costs). */
  search?: boolean;
  /** Called as a worker thread starts (with the first job, and with the first after one died). */
  onStart?: () => void;
}

/**
 * One draft as posted to the worker: [key, the message serialised without its seq, id, sender,
 * clientMsgId, vis1, vis2, exclUnread, exclLast, mentions, users who get a membership (1: both
 * sides of the 1:1 key), webhook
 * endpoints to queue a `message.created` event for, the message's time, other webhook events as
 * [eventId, endpointId, type, key, time, payload], the search kind, whom its @mentions count for
 * (mention-targets.ts; null: nobody)]. Strings only: the worker never parses a
 * message, it puts the seq in front of the body. (Posting the message objects cost a structured
 * clone of each on the event loop, and a JSON.stringify of each on the writer.) The calling
 * thread puts the same seq in front of its own copy of the body (`storedBody`), which is what
 * fan-out sends: a reply of numbers, not of bodies, costs both threads 0.4 µs less a message in
 * a micro-benchmark.
 */
type WireDraft = [string, string, string, string, string, string | null, string | null, 0 | 1, 0 | 1, string | null, 1 | string[] | null, string[] | null, number, [string, string, string, string, number, string][] | null, string | null, string[] | null];
/** Per draft: its seq when committed, the stored body of a duplicate, or null for a conflict. */
type WireOutcome = number | string | null;

/**
 * One change (SPEC §9) as posted to the worker, applied already by the calling thread to the
 * target body it read: [key, targetId, sender, clientMsgId, event id, the target body it was
 * applied to (the commit's precondition), the event serialised without its seq, the new target
 * serialised without its changeSeq, vis1, vis2, event mentions, target mentions, the word index's
 * change ([words indexed before, words now, new vocabulary], null: none), webhook event type, webhook endpoints, time, pin ([seq, by, time] to add,
 * 0 to remove, null: none), the pin count it was applied with (-1: not used), when applied
 * with the sender's group role that role (null: no member; undefined: not applied with it), and
 * when the target's @mentions count for others now, whom they counted for and count for
 * (mention-targets.ts; null: no change)].
 */
export type ChangeWire = [string, string, string, string, string, string, string, string, string | null, string | null,
  string | null, string | null, [was: string | null, now: string | null, vocabulary: string[] | null, kind: string | null] | null, string | null, string[] | null, number,
  [number, string, number] | 0 | null, number, string | null | undefined, [was: string[] | null, now: string[] | null] | null];
/**
 * Per change: its seq when committed; 0 when stale (the target or the pin count changed since it
 * was read: nothing written); [body, vis1, vis2] of a duplicate; null for a conflict.
 */
export type ChangeWireOutcome = number | [string, string | null, string | null] | null;

type CommitBatch = ((drafts: WireDraft[], changes?: ChangeWire[]) => [WireOutcome[], ChangeWireOutcome[]]) & {
  /** Rows above the search index's watermark. */
  pending(): number;
  /** Moves them into the index. */
  move(): void;
  /**
   * The words of the last batch's drafts for the search index, in draft order (`indexWords`; null:
   * none), posted after the batch (computed while the writer commits it); none of a batch that failed.
   */
  words(words: (string | null)[]): void;
};

/** One statement for `exec`: SQL and its parameters. */
export type WriterStatement = [sql: string, params: (string | number | null)[]];

interface Reply {
  id: number;
  outcomes?: WireOutcome[];
  changeOutcomes?: ChangeWireOutcome[];
  /**
   * A transaction that committed several jobs answers them all in this one reply: their ids, in
   * the order posted (`id` is the first), and each one's count of drafts and of changes, by
   * which the calling thread finds its outcomes in `outcomes` and `changeOutcomes`.
   */
  ids?: number[];
  counts?: number[];
  /** Where this job's outcomes start (set on the calling thread for one job of a shared reply). */
  from?: number;
  changesFrom?: number;
  changes?: number[];
  error?: string;
  /**
   * While tracing latency (latency-trace.ts): when the job started and ended on the writer (the
   * process's shared clock), and the milliseconds of search index moves and merges it ran since
   * its last reply (what a job posted meanwhile waited behind); on the first job of a
   * transaction, how many jobs it committed (0 on the others).
   */
  t?: [start: number, end: number, move: number, merge: number, jobsInTransaction: number];
}

/**
 * The commit itself, as JavaScript source: the body of a function of `db` (a better-sqlite3
 * connection) that returns the batch commit over wire drafts. One text for both places that
 * commit — the writer thread, and the calling thread for a `:memory:` database, which a second
 * connection cannot open (`commitOnThisThread`) — so the two can never drift apart.
 */
const COMMIT_SOURCE = `
const q = {
  byClientMsgId: db.prepare('SELECT conv_key, body FROM messages WHERE sender = ? AND client_msg_id = ?'),
  lastSeq: db.prepare('SELECT last_seq FROM conversations WHERE key = ?').pluck(),
  // A 1:1 chat's row is made by its first message. The batch's conversations as one JSON object,
  // key: last seq (one statement a batch, not one a conversation; WHERE true: an upsert's SELECT
  // needs a WHERE before its ON).
  setLastSeqs: db.prepare(
    'INSERT INTO conversations (key, last_seq) SELECT key, value FROM json_each(?) WHERE true ' +
    'ON CONFLICT (key) DO UPDATE SET last_seq = excluded.last_seq'),
  // A resend (the idempotency key is there already) inserts nothing: then it is looked up.
  insertMessage: db.prepare(
    // search_kind: the search's kind of the message (searchKindOf, sqlite-search.ts), null for most.
    // run_start: the row's run for unread counts (sqlite-unread-count.ts), from the row before.
    'INSERT INTO messages (conv_key, seq, id, sender, client_msg_id, vis1, vis2, excl_unread, excl_last, mentions, body, search_kind, run_start) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_msg_id, sender) DO NOTHING'),
  // The class and run of a conversation's row (runOf, below).
  runAt: db.prepare(${JSON.stringify(RUN_AT_SQL)}),
  // The search index (sqlite-search.ts): a commit writes nothing for it; the words wait in
  // memory (waiting, below) until the move writes them, and raises the watermark past their rows.
  index: db.prepare('INSERT INTO messages_words (rowid, words) VALUES (?, ?)'),
  // The move's rows as one JSON object, row: words (and its new vocabulary as one array): one
  // statement a move, where a statement a row cost its bindings and its result object each.
  indexAll: db.prepare('INSERT INTO messages_words (rowid, words) SELECT CAST(key AS INTEGER), value FROM json_each(?)'),
  setMark: db.prepare(${JSON.stringify(SET_MARK)}),
  lastRow: db.prepare('SELECT max(rowid) FROM messages').pluck(),
  vocab: db.prepare('INSERT OR IGNORE INTO messages_vocab (word) VALUES (?)'),
  vocabAll: db.prepare('INSERT OR IGNORE INTO messages_vocab (word) SELECT value FROM json_each(?)'),
  join: db.prepare('INSERT OR IGNORE INTO memberships (user_id, conv_key, read_seq) VALUES (?, ?, 0)'),
  // The mentions table (sqlite-unread-count.ts): a row a user (or '@all') a message's @mentions
  // count for; none for a message without. A batch's as one JSON array of [key, who, seq], one
  // statement a batch (two a message cost the writer some 3 µs a mentioning message more).
  mention: db.prepare('INSERT OR IGNORE INTO message_mentions (conv_key, who, seq) VALUES (?, ?, ?)'),
  mentionAll: db.prepare("INSERT OR IGNORE INTO message_mentions (conv_key, who, seq) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)"),
  hook: db.prepare(
    'INSERT INTO webhook_outbox (event_id, endpoint_id, type, conv_key, time, payload, next_at, retry_from) ' +
    "VALUES (?, ?, 'message.created', ?, ?, ?, ?, ?)"),
  event: db.prepare(
    'INSERT INTO webhook_outbox (event_id, endpoint_id, type, conv_key, time, payload, next_at, retry_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
};
// Words known to be in the vocabulary (sqlite-search.ts): most words of a message were seen
// before, and a Set answers that without a B-tree probe. Filled once their transaction commits.
const known = new Set();
let added = new Set();
// 1:1 memberships known to exist (nothing deletes one: only group memberships are ever dropped),
// as the key for both sides, or the length of the user id, the user id and the key for one (a
// blocked or targeted message's): a send after the first in a 1:1 chat needs no INSERT OR IGNORE
// per side. Filled once their transaction commits.
const joined = new Set();
let joining = [];
// Each conversation's last seq as committed. Only this code raises it (messages and changes, in
// one transaction per batch), so once a conversation's is read its next seq needs no statement,
// and a batch writes each conversation's new one once, at its end (an UPDATE … RETURNING per
// message was the commit's dearest statement). Filled once their transaction commits; a batch
// that fails forgets them all, so whatever went wrong is read again.
const lastSeqs = new Map();
let raised = new Map();
const nextSeq = (key) => (raised.get(key) ?? lastSeqs.get(key) ?? q.lastSeq.get(key) ?? 0) + 1;
// Each conversation's last row's [class, run] (sqlite-unread-count.ts), kept as lastSeqs is: a
// row's run goes on from the row before it when of one class. Read once a conversation (a
// subquery in each INSERT cost the writer 1.1 µs a message).
const lastRuns = new Map();
let raisedRuns = new Map();
const runOf = (key, seq, cls) => {
  let before = raisedRuns.get(key) ?? lastRuns.get(key);
  if (before === undefined) {
    const r = seq > 1 ? q.runAt.get(key, seq - 1) : undefined;
    before = r === undefined || r.run_start === null ? ['', 0] : [r.cls, r.run_start];
  }
  const start = before[1] !== 0 && before[0] === cls ? before[1] : seq;
  raisedRuns.set(key, [cls, start]);
  return start;
};
// The search index's pending list (sqlite-search.ts): the rows above the watermark, and the words
// of those that have any, by row, held here until the move. A batch's words come right after it
// (words, below), for the rows it committed (batchRows: 0 for a duplicate or a conflict); a
// change's once its batch commits (staged: [row, words or null]; null: an edit left the row none,
// or a recall). A change's target was read from the database before the change was posted, so
// the words of its batch came before it.
let mark = db.prepare('SELECT last_row FROM search_mark').pluck().get();
let lastRow = mark;
const waiting = new Map();
let staged = [];
let batchLastRow = 0;
let batchRows = [];
// The batch's rows of the mentions table, written at its end.
let mentioned = [];
let lastBatchRows = [];
const commitOne = (d) => {
  const key = d[0];
  const seq = nextSeq(key);
  const body = '{"seq":' + seq + ',' + d[1].slice(1);
  const cls = d[7] === 1 || d[5] !== null ? '' : d[3];
  const before = raisedRuns.get(key);
  const inserted = q.insertMessage.run(key, seq, d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], body, d[14], runOf(key, seq, cls));
  if (inserted.changes === 0) {
    // A duplicate: no row, the conversation's last run is what it was.
    if (before === undefined) raisedRuns.delete(key);
    else raisedRuns.set(key, before);
    batchRows.push(0);
    const existing = q.byClientMsgId.get(d[3], d[4]);
    return existing.conv_key === key ? existing.body : null;
  }
  raised.set(key, seq);
  const row = inserted.lastInsertRowid;
  batchLastRow = row;
  batchRows.push(row);
  if (d[15]) for (const who of d[15]) mentioned.push([key, who, seq]);
  if (d[10] === 1) {
    // Both sides of a 1:1 chat, named by its key (p2p:<a>|<b>).
    if (!joined.has(key)) {
      const bar = key.indexOf('|');
      q.join.run(key.slice(4, bar), key);
      q.join.run(key.slice(bar + 1), key);
      joining.push(key);
    }
  } else if (d[10]) for (const u of d[10]) {
    const m = u.length + ':' + u + key;
    if (!joined.has(m)) { joining.push(m); q.join.run(u, key); }
  }
  // Webhook events in the same transaction: queued exactly when the message commits.
  // The payload is messagePayload() of src/server/webhooks/types.ts.
  if (d[11]) {
    const payload = '{"conversation":' + JSON.stringify(key) + ',"message":' + body + '}';
    for (const e of d[11]) q.hook.run(d[2], e, key, d[12], payload, d[12], d[12]);
  }
  if (d[13]) for (const e of d[13]) q.event.run(e[0], e[1], e[2], e[3], e[4], e[5], e[4], e[4]);
  return seq;
};
// Changes (SPEC §9), prepared on the first one: the pins table is made by sqlite-changes.ts.
let cq;
const changeQueries = () => cq || (cq = {
  byClientMsgId: db.prepare('SELECT conv_key, body, vis1, vis2 FROM messages WHERE sender = ? AND client_msg_id = ?'),
  target: db.prepare('SELECT rowid, seq, body FROM messages WHERE conv_key = ? AND id = ?'),
  unmention: db.prepare('DELETE FROM message_mentions WHERE conv_key = ? AND who = ? AND seq = ?'),
  pinCount: db.prepare('SELECT count(*) FROM pins WHERE conv_key = ?').pluck(),
  role: db.prepare('SELECT role FROM memberships WHERE user_id = ? AND conv_key = ?').pluck(),
  insert: db.prepare(
    // Excluded from unread counts: a change row's run (sqlite-unread-count.ts) is of class ''.
    'INSERT INTO messages (conv_key, seq, id, sender, client_msg_id, vis1, vis2, excl_unread, excl_last, mentions, body, run_start) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?)'),
  // The mentions column follows the body: an edit may add some, a recall drops them all.
  update: db.prepare('UPDATE messages SET body = ?, mentions = ? WHERE rowid = ?'),
  // The word index (sqlite-search.ts) in the change's own transaction: a
  // contentless table forgets a row by the words it was indexed with.
  unindex: db.prepare("INSERT INTO messages_words (messages_words, rowid, words) VALUES ('delete', ?, ?)"),
  // The search kind follows the body (an edit adding a link, a recall): sqlite-search.ts.
  kind: db.prepare('UPDATE messages SET search_kind = ? WHERE rowid = ?'),
  pin: db.prepare('INSERT OR REPLACE INTO pins (conv_key, message_id, seq, by_user, time) VALUES (?, ?, ?, ?, ?)'),
  unpin: db.prepare('DELETE FROM pins WHERE conv_key = ? AND message_id = ?'),
});
const changeOne = (c) => {
  const k = changeQueries();
  const key = c[0];
  const existing = k.byClientMsgId.get(c[2], c[3]);
  if (existing) return existing.conv_key === key ? [existing.body, existing.vis1, existing.vis2] : null;
  // Applied by the calling thread to the body it read: stale if that body (or, for a new pin,
  // the pin count; for a pin by role, the sender's role) changed since. Nothing is written; the
  // caller reads again and retries.
  const row = k.target.get(key, c[1]);
  if (!row || row.body !== c[5]) return 0;
  if (c[17] >= 0 && k.pinCount.get(key) !== c[17]) return 0;
  if (c[18] !== undefined && (k.role.get(c[2], key) ?? null) !== c[18]) return 0;
  const seq = nextSeq(key);
  raised.set(key, seq);
  const event = '{"seq":' + seq + ',' + c[6].slice(1);
  const target = '{"changeSeq":' + seq + ',' + c[7].slice(1);
  batchLastRow = k.insert.run(key, seq, c[4], c[2], c[3], c[8], c[9], c[10], event, runOf(key, seq, '')).lastInsertRowid;
  k.update.run(target, c[11], row.rowid);
  if (c[19]) {
    if (c[19][0]) for (const who of c[19][0]) k.unmention.run(key, who, row.seq);
    if (c[19][1]) for (const who of c[19][1]) q.mention.run(key, who, row.seq);
  }
  // An edit's new text is found from now on, a recalled message no more (search, SPEC §12).
  if (c[12]) {
    k.kind.run(c[12][3], row.rowid);
    // Above the watermark: the words the move will write change. Below it, the index itself: the
    // old words leave it, the new ones go in (a segment of their own: changes are few).
    if (row.rowid > mark) staged.push([row.rowid, c[12][1]]);
    else {
      if (c[12][0] !== null) k.unindex.run(row.rowid, c[12][0]);
      if (c[12][1] !== null) q.index.run(row.rowid, c[12][1]);
      if (c[12][2]) addVocabulary(c[12][2]);
    }
  }
  // The payload is changePayload() of src/server/webhooks/types.ts.
  if (c[14]) {
    const payload = '{"conversation":' + JSON.stringify(key) + ',"event":' + event + ',"message":' + target + '}';
    for (const e of c[14]) q.event.run(c[4], e, c[13], key, c[15], payload, c[15], c[15]);
  }
  if (c[16]) k.pin.run(key, c[1], c[16][0], c[16][1], c[16][2]);
  else if (c[16] === 0) k.unpin.run(key, c[1]);
  return seq;
};
const addWord = (w) => {
  if (!known.has(w) && !added.has(w)) { added.add(w); q.vocab.run(w); }
};
const addVocabulary = (words) => { for (const w of words) addWord(w); };
// IMMEDIATE: it reads before it writes, and another connection may hold the write lock.
const batch = db.transaction((drafts, changes) => {
  const outcomes = [drafts.map(commitOne), changes.map(changeOne)];
  let seqs = '';
  for (const [key, seq] of raised) seqs += (seqs === '' ? '{' : ',') + JSON.stringify(key) + ':' + seq;
  if (seqs !== '') q.setLastSeqs.run(seqs + '}');
  if (mentioned.length > 0) q.mentionAll.run(JSON.stringify(mentioned));
  return outcomes;
}).immediate;
const commit = (drafts, changes) => {
  added = new Set();
  joining = [];
  raised = new Map();
  raisedRuns = new Map();
  staged = [];
  batchLastRow = 0;
  batchRows = [];
  mentioned = [];
  lastBatchRows = [];
  let outcomes;
  try {
    outcomes = batch(drafts, changes || []);
  } catch (err) {
    lastSeqs.clear();
    lastRuns.clear();
    throw err;
  }
  lastBatchRows = batchRows;
  if (lastSeqs.size + raised.size > 200000) lastSeqs.clear();
  for (const [key, seq] of raised) lastSeqs.set(key, seq);
  if (lastRuns.size + raisedRuns.size > 200000) lastRuns.clear();
  for (const [key, run] of raisedRuns) lastRuns.set(key, run);
  rememberVocabulary();
  if (joined.size + joining.length > 200000) joined.clear();
  for (const m of joining) joined.add(m);
  for (const [row, words] of staged) {
    if (words === null) waiting.delete(row);
    else waiting.set(row, words);
  }
  if (batchLastRow > lastRow) lastRow = batchLastRow;
  return outcomes;
};
const rememberVocabulary = () => {
  if (known.size + added.size > 200000) known.clear();
  for (const w of added) known.add(w);
};
// The move: the waiting words of the rows up to top into the index (one segment), their
// vocabulary, and the watermark to top, in one transaction.
// The vocabulary's words are those of VOCABULARY_MIN_UNITS or more (search-text.ts, as wordsOf
// tells them on the calling thread).
const moveUpTo = db.transaction((top) => {
  let rows = '';
  const fresh = [];
  for (const [row, words] of waiting) {
    if (row > top) continue;
    rows += (rows === '' ? '{"' : ',"') + row + '":' + JSON.stringify(words);
    for (const w of words.split(' ')) {
      if (w.length >= ${VOCABULARY_MIN_UNITS} && !known.has(w) && !added.has(w)) { added.add(w); fresh.push(w); }
    }
  }
  if (rows !== '') q.indexAll.run(rows + '}');
  if (fresh.length > 0) q.vocabAll.run(JSON.stringify(fresh));
  q.setMark.run(top);
}).immediate;
commit.words = (words) => {
  lastBatchRows.forEach((row, i) => {
    if (row > 0 && words[i] !== null) waiting.set(row, words[i]);
  });
  lastBatchRows = [];
};
/** Rows above the watermark: committed, not yet in the search index. */
commit.pending = () => lastRow - mark;
/**
 * Moves the oldest of them, ${PENDING_MAX} rows at most, in a transaction of their own; returns whether
 * the watermark rose. Bounded, because a job posted meanwhile waits for the whole move: a writer
 * that fell behind had let 10,000–40,000 rows wait and moved them in 0.3–3.3 s. Never past a row
 * of the last commit whose words have not come yet (words, above): the rows before it are moved
 * while they come, so a writer that always has the next job queued still moves.
 */
commit.move = () => {
  const awaited = lastBatchRows.find((row) => row > 0);
  const top = Math.min(q.lastRow.get() ?? mark, mark + ${PENDING_MAX}, awaited === undefined ? Infinity : awaited - 1);
  if (top <= mark) return false;
  added = new Set();
  moveUpTo(top);
  rememberVocabulary();
  for (const row of waiting.keys()) if (row <= top) waiting.delete(row);
  mark = top;
  if (lastRow < top) lastRow = top;
  return true;
};
return commit;
`;

/**
 * `exec` as JavaScript source (as COMMIT_SOURCE): statements prepared once, run in one
 * transaction, committed without an fsync of its own (synchronous = NORMAL for it): what exec
 * writes (webhook leases and settlements) may be lost with the power, never corrupted, and is
 * made durable by the next message commit's fsync, which covers the WAL up to it. An fsync per
 * exec, queued between the commits, was what acks waited for.
 */
const EXEC_SOURCE = `
const prepared = new Map();
const level = db.pragma('synchronous', { simple: true });
const run = db.transaction((list) => list.map(([sql, params]) => {
  let s = prepared.get(sql);
  if (!s) prepared.set(sql, (s = db.prepare(sql)));
  return s.run(...params).changes;
})).immediate;
return (list) => {
  db.pragma('synchronous = NORMAL');
  try {
    return run(list);
  } finally {
    db.pragma('synchronous = ' + level);
  }
};
`;

/** Runs `exec` statements on the calling thread's connection, with the writer's own code (for `:memory:`). */
export function execOnThisThread(db: unknown): (statements: WriterStatement[]) => number[] {
  return new Function('db', EXEC_SOURCE)(db) as (statements: WriterStatement[]) => number[];
}

const WORKER_SOURCE = `
const { parentPort, receiveMessageOnPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = ' + workerData.synchronous);
db.pragma('wal_autocheckpoint = ' + workerData.autocheckpoint);
db.pragma('foreign_keys = OFF');
const commitBatch = (function (db) {${COMMIT_SOURCE}})(db);
const execBatch = (function (db) {${EXEC_SOURCE}})(db);
// Without an fsync of their own, as exec: a later commit's fsync covers them.
const unsynced = (run) => {
  db.pragma('synchronous = NORMAL');
  try {
    return run();
  } finally {
    db.pragma('synchronous = ' + workerData.synchronous);
  }
};
// The search index's segment merges (sqlite-search.ts MERGE_STEP) run here, a step at a time
// while nothing is queued: a job posted meanwhile waits for one step at most, and no commit
// waits on another connection's lock for them.
let merge;
try { merge = db.prepare(workerData.merge); } catch {}
const totalChanges = db.prepare('SELECT total_changes()').pluck();
let merging = false;
// Whether the index may hold segments to merge: set by what writes one (a move, a change's words
// leaving the index, an exec, and whatever ran before this thread started), cleared by a step that
// merged nothing. A step is a write transaction of its own even when it merges nothing, and one
// after every job was 7 % of the writer's CPU at a message a transaction.
let mergeDue = true;
// Latency trace (latency-trace.ts): time spent in moves and merges since the last reply.
const now = () => performance.timeOrigin + performance.now();
let moveMs = 0;
let mergeMs = 0;
const mergeStep = () => {
  merging = false;
  if (stopped) return;
  const before = totalChanges.get();
  const t0 = workerData.trace ? now() : 0;
  try {
    unsynced(() => merge.run());
  } catch {
    return;
  } finally {
    if (t0) mergeMs += now() - t0;
  }
  // FTS5: a step that merged something changes two rows or more; then the next step.
  if (totalChanges.get() - before >= 2) idle();
  else mergeDue = false;
};
// The words of the rows above the search index's watermark move into it in bulk (sqlite-search.ts):
// after a job that left PENDING_MAX of them or more, and after PENDING_QUIET_MS without a job.
// A move takes PENDING_MAX rows at most and stops before the rows whose words have not come yet
// (commitBatch.move); while more than PENDING_MAX wait, the next one follows the jobs queued.
let moving = false;
const move = () => {
  moving = false;
  if (stopped || commitBatch.pending() === 0) return;
  let moved = false;
  const t0 = workerData.trace ? now() : 0;
  try {
    moved = unsynced(commitBatch.move);
  } catch {
    return;
  } finally {
    if (t0) moveMs += now() - t0;
  }
  // Nothing moved: every row waiting awaits its words, whose coming (jobDone) looks again.
  if (moved) mergeDue = true, idle();
};
let lastJob = 0;
let quiet;
const whenQuiet = () => {
  const left = lastJob + workerData.quietMs - Date.now();
  quiet = left > 0 ? setTimeout(whenQuiet, left) : undefined;
  if (left <= 0) move();
};
// setImmediate: after the messages already queued, which go first.
const idle = () => {
  if (commitBatch.pending() >= workerData.pendingMax) {
    if (!moving) moving = true, setImmediate(move);
  }
  else if (merge && mergeDue && !merging) merging = true, setImmediate(mergeStep);
};
const jobDone = () => {
  lastJob = Date.now();
  if (!quiet && commitBatch.pending() > 0) quiet = setTimeout(whenQuiet, workerData.quietMs);
  idle();
};
let stopped = false;
// Jobs come on a port of their own (workerData.port), in the order they were posted; replies go
// back on the same port (the calling thread reads them there, also between its own tasks).
const jobs = workerData.port;
// The words of a run's drafts before its last job, when that job's words had not come yet.
let wordsBefore;
/** Replies to one job; a commit job's outcomes are its own slice of its run's. */
const reply = (r, t0, jobsInRun = 0) => {
  if (t0) r.t = [t0, now(), moveMs, mergeMs, jobsInRun];
  jobs.postMessage(r);
};
/**
 * Group commit on this side: every commit job queued when a transaction starts goes into it (one
 * fsync for all), in the order posted. The calling thread hands over each turn's batch at once
 * (CommitBatcher, \`coalescesQueuedCommits\`), so a send waits for the commit running when it
 * came, then for its own, never for a batch queued before it: that wait was a whole commit more
 * when the caller held batches back until a reply came.
 * A job to index is followed by its words (posted right after it, so every job of a run but the
 * last has its words queued behind it; the last one's may come later: wordsBefore).
 */
const commitRun = (queue, i) => {
  // Each job with the words of its drafts (null for one not indexed; undefined: yet to come).
  const run = [];
  while (i < queue.length && queue[i].drafts) {
    const m = queue[i++];
    if (!m.indexing) run.push([m, m.drafts.map(() => null)]);
    else if (i < queue.length && queue[i].words) run.push([m, queue[i++].words]);
    else {
      run.push([m, undefined]);
      break;
    }
  }
  const t0 = workerData.trace ? now() : 0;
  const wordsMissing = run[run.length - 1][1] === undefined;
  let words = [];
  try {
    const drafts = [];
    const changes = [];
    for (const [m, w] of run) {
      for (const d of m.drafts) drafts.push(d);
      if (m.changes) for (const c of m.changes) changes.push(c), mergeDue = true;
      if (w) for (const x of w) words.push(x);
    }
    const r = commitBatch(drafts, changes);
    if (run.length === 1) reply({ id: run[0][0].id, outcomes: r[0], changeOutcomes: r[1] }, t0, 1);
    else {
      // One reply for the transaction: one message for the calling thread to read, whose senders'
      // acks and fan-out then go out in one turn (their sockets written once, not once a job).
      const ids = [];
      const counts = [];
      for (const [m] of run) {
        ids.push(m.id);
        counts.push(m.drafts.length, m.changes ? m.changes.length : 0);
      }
      reply({ id: ids[0], ids, counts, outcomes: r[0], changeOutcomes: r[1] }, t0, run.length);
    }
  } catch (err) {
    if (run.length === 1) reply({ id: run[0][0].id, error: String((err && err.message) || err) }, t0, 1);
    else {
      // One job's failure is its own: each job again, in its own transaction (as posted alone).
      words = [];
      run.forEach(([m, w], j) => {
        try {
          const r = commitBatch(m.drafts, m.changes || []);
          reply({ id: m.id, outcomes: r[0], changeOutcomes: r[1] }, t0, 1);
          if (w && j < run.length - 1) commitBatch.words(w);
          else if (w) words = w;
        } catch (err) {
          reply({ id: m.id, error: String((err && err.message) || err) }, t0, 1);
        }
      });
    }
  }
  if (t0) moveMs = mergeMs = 0;
  if (wordsMissing) {
    // The last job's words complete these (commitBatch.words goes by the last commit's rows).
    wordsBefore = words;
  } else {
    // After a failed commit this indexes nothing (it has no rows).
    if (words.length > 0) commitBatch.words(words);
    jobDone();
  }
  return i;
};
const stop = () => {
  stopped = true;
  clearTimeout(quiet);
  // A clean stop leaves nothing pending (a process killed before its move leaves rows the
  // store indexes from their bodies when it opens again).
  try {
    while (commitBatch.pending() > 0 && unsynced(commitBatch.move));
  } catch {}
  db.close();
  jobs.close();
  parentPort.close();
};
jobs.on('message', (first) => {
  const queue = [first];
  for (let m; (m = receiveMessageOnPort(jobs)); ) queue.push(m.message);
  for (let i = 0; i < queue.length && !stopped; ) {
    const m = queue[i];
    if (m === 'stop') return stop();
    if (m.drafts) {
      i = commitRun(queue, i);
      continue;
    }
    i++;
    if (m.words) {
      commitBatch.words(wordsBefore ? wordsBefore.concat(m.words) : m.words);
      wordsBefore = undefined;
      jobDone();
      continue;
    }
    const t0 = workerData.trace ? now() : 0;
    let r;
    try {
      mergeDue = true;
      r = { id: m.id, changes: execBatch(m.exec) };
    } catch (err) {
      r = { id: m.id, error: String((err && err.message) || err) };
    }
    reply(r, t0);
    if (t0) moveMs = mergeMs = 0;
    jobDone();
  }
});
`;

/** The draft as the worker needs it; the same columns the main-thread commit wrote. */
function toWire(d: MessageDraft): WireDraft {
  const m = d.message;
  // A 1:1 message joins both sides (1: the writer reads them from the key, nothing to clone), a
  // blocked or targeted one only those who may see it.
  const joins = d.key.startsWith('group:') ? null : !d.visibleTo ? 1 : p2pUsers(d.key).filter((u) => d.visibleTo!.includes(u));
  const unsequenced = withoutSeq(m);
  return [
    d.key, unsequenced, m.id, m.sender, m.clientMsgId, d.visibleTo?.[0] ?? null, d.visibleTo?.[1] ?? null,
    m.isExcludedFromUnreadCount ? 1 : 0, m.isExcludedFromLastMessage ? 1 : 0,
    m.groupAtUserList?.length ? `,${m.groupAtUserList.join(',')},` : null, joins,
    d.webhooks?.length ? d.webhooks : null, m.time,
    d.outbox?.length ? d.outbox.map((e) => [e.eventId, e.endpointId, e.type, e.key, e.time, e.payload]) : null,
    searchKindOf(m),
    mentionTargets(m.sender, d.visibleTo, m.isExcludedFromUnreadCount === true, m.groupAtUserList),
  ];
}

function p2pUsers(key: string): string[] {
  const parsed = parseKey(key);
  return parsed.type === 'p2p' ? parsed.users : [];
}

/** The words of each draft's folded searchable text for the search index (`indexWords`; null: none). */
const draftWords = (drafts: MessageDraft[]): (string | null)[] => drafts.map((d) => indexWords(searchTextOf(d.message)));

/**
 * The message serialised without its seq (the writer puts the committed one in front), not
 * copied without it.
 */
export function withoutSeq(m: Message): string {
  // JSON.stringify leaves out a member whose value is undefined: the seq is unset while the text
  // is made, and put back. One flat text, where cutting `"seq":0,` out of the whole one made two
  // slices and a join a send, flattened again when posted. (A text built from the members' own
  // texts for the common shape measured no faster a send, and allocated more: not kept.)
  const seq = m.seq;
  (m as { seq: number | undefined }).seq = undefined;
  try {
    return JSON.stringify(m);
  } finally {
    m.seq = seq;
  }
}

/** A committed message's stored body, as the writer makes it (commitOne): the seq put in front. */
function storedBody(seq: number, unsequenced: string): string {
  return '{"seq":' + seq + ',' + unsequenced.slice(1);
}

function fromWire(d: MessageDraft, o: WireOutcome, wire: WireDraft): CommitOutcome {
  if (typeof o === 'number') {
    // The draft's message becomes the committed one (not a copy of it a send): nothing reads a
    // draft's seq 0 once it is committed, and a draft committed again is serialised as it is.
    d.message.seq = o;
    return { status: 'committed', message: d.message, json: storedBody(o, wire[1]) };
  }
  if (typeof o === 'string') return { status: 'duplicate', message: JSON.parse(o) as Message, json: o };
  return { status: 'conflict' };
}

/** Commits on the calling thread's connection, with the writer's own code (for `:memory:`). */
export function commitOnThisThread(db: unknown, search = true): {
  commit(drafts: MessageDraft[]): CommitOutcome[];
  change(change: ChangeWire): ChangeWireOutcome;
} {
  const commitBatch = new Function('db', COMMIT_SOURCE)(db) as CommitBatch;
  return {
    commit(drafts) {
      const wire = drafts.map(toWire);
      const [outcomes] = commitBatch(wire);
      if (search) commitBatch.words(draftWords(drafts));
      // No writer thread to move the search index's pending rows: the commit that passes PENDING_MAX does.
      if (commitBatch.pending() >= PENDING_MAX) commitBatch.move();
      return drafts.map((d, i) => fromWire(d, outcomes[i]!, wire[i]!));
    },
    change: (change) => commitBatch([], [change])[1][0]!,
  };
}

/** Records one job's times (latency-trace.ts): queued on the writer, committing, the reply's way back. */
function traceReply([start, end, move, merge, jobs]: NonNullable<Reply['t']>, postedAt: number): void {
  if (jobs > 0) traceSample('writer.jobsPerTransaction', jobs);
  traceSample('writer.queued', start - postedAt);
  traceSample('writer.job', end - start);
  traceSample('writer.replyTravel', sharedNow() - end);
  if (move > 0) traceSample('writer.moveBeforeJob', move);
  if (merge > 0) traceSample('writer.mergeBeforeJob', merge);
}

/** Starts the writer for `file`, an existing WAL-mode database with the schema in place. */
export function startSqliteWriter(file: string, { onStart, ...options }: SqliteWriterOptions): SqliteWriter {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const pending = new Map<number, { resolve(r: Reply): void; reject(e: unknown): void; postedAt: number }>();
  let nextId = 1;
  let worker: Worker | undefined;
  /**
   * Where jobs go: a port of their own, so the writer can take every job queued at once
   * (receiveMessageOnPort); the writer's replies come back on it, so this thread can read those
   * already there when it posts the next job, without waiting for the event loop to come round.
   */
  let jobs: MessagePort | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stopping: Promise<void> | undefined;
  /**
   * Settles the commits whose replies are already on the port (each reply a task's worth, in
   * commit order, as when read by the event loop): called before each job is posted. A busy loop
   * reads a long poll phase of frames and posts batches while doing it; a reply that came during
   * it waited for the next turn's poll, behind all the frames read then (the reply's way back was
   * 9-16 ms at the median at 16,000 msg/s, the eleventh pass).
   */
  let readReplies = (): void => undefined;

  const start = (): Worker => {
    onStart?.();
    const channel = new MessageChannel();
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, driver, merge: MERGE_STEP, pendingMax: PENDING_MAX, quietMs: PENDING_QUIET_MS, trace: tracing(), port: channel.port2, ...options },
      transferList: [channel.port2],
    });
    jobs = channel.port1;
    // Holds the process up only while a commit is in flight (the worker's ref, below).
    w.unref();
    const answer = (r: Reply): void => {
      const p = pending.get(r.id);
      if (!p) return;
      pending.delete(r.id);
      if (r.t) traceReply(r.t, p.postedAt);
      if (pending.size === 0) w.unref();
      if (r.error !== undefined) p.reject(new Error(`sqlite commit failed: ${r.error}`));
      else p.resolve(r);
    };
    const onReply = (r: Reply): void => {
      if (!r.ids) return answer(r);
      // One transaction's jobs, answered together: each its own slice, by offsets.
      let from = 0;
      let changesFrom = 0;
      r.ids.forEach((id, j) => {
        // The moves and merges before the transaction once (with its first job), as its job count.
        const t = r.t && j > 0 ? ([r.t[0], r.t[1], 0, 0, 0] as NonNullable<Reply['t']>) : r.t;
        answer({ id, outcomes: r.outcomes, changeOutcomes: r.changeOutcomes, from, changesFrom, ...(t && { t }) });
        from += r.counts![2 * j]!;
        changesFrom += r.counts![2 * j + 1]!;
      });
    };
    jobs.on('message', onReply);
    jobs.unref();
    readReplies = () => {
      for (let m; (m = receiveMessageOnPort(channel.port1)); ) onReply(m.message as Reply);
    };
    // This worker's own reader, whatever a later start() makes `readReplies`.
    const settleReplies = readReplies;
    w.on('error', () => undefined);
    exited = new Promise<void>((resolve) =>
      w.once('exit', (code) => {
        // Replies the writer posted before it ended are in the port's queue: read them first (a
        // clean stop answers every commit posted before it).
        settleReplies();
        if (worker === w) worker = jobs = undefined;
        // Whatever was in flight has an unknown outcome: the senders resend (same clientMsgId).
        for (const [id, p] of pending) {
          pending.delete(id);
          p.reject(new Error(`sqlite writer exited (${code})`));
        }
        resolve();
      }),
    );
    return w;
  };

  /** Changes waiting for the next job (a batch of messages, or the turn's end). */
  let changes: { wire: ChangeWire; resolve(o: ChangeWireOutcome): void; reject(e: unknown): void }[] = [];
  let changesScheduled = false;
  /** Takes the waiting changes into a job; settles them from its reply. */
  const takeChanges = (): { wire: ChangeWire[]; settle(r: Promise<Reply>): void } => {
    const taken = changes;
    changes = [];
    return {
      wire: taken.map((c) => c.wire),
      settle: (r) => void r.then(
        (reply) => taken.forEach((c, i) => c.resolve(reply.changeOutcomes![(reply.changesFrom ?? 0) + i]!)),
        (err: unknown) => taken.forEach((c) => c.reject(err)),
      ),
    };
  };
  /**
   * Posts the waiting changes in a job of their own at the end of their turn, unless a batch of
   * messages took them first. A busy writer commits them with the jobs queued beside them (one
   * transaction and one fsync for all).
   */
  const flushChanges = (): void => {
    changesScheduled = false;
    if (changes.length === 0) return;
    const taken = takeChanges();
    taken.settle(post({ drafts: [], changes: taken.wire }));
  };

  /**
   * Posts one job; its reply resolves the promise. A batch of messages to index is followed by
   * their words (`words`, computed once the batch is posted: while the writer commits it, not
   * before), which the writer waits for before it moves anything into the index.
   */
  const post = (job: { drafts: WireDraft[]; changes?: ChangeWire[] } | { exec: WriterStatement[] }, words?: () => (string | null)[]): Promise<Reply> => {
    if (stopping) return Promise.reject(new Error('store closed'));
    worker ??= start();
    readReplies();
    const w = worker;
    const port = jobs!;
    const id = nextId++;
    return new Promise<Reply>((resolve, reject) => {
      pending.set(id, { resolve, reject, postedAt: tracing() ? sharedNow() : 0 });
      w.ref();
      try {
        port.postMessage({ id, ...job, indexing: words !== undefined });
      } catch (err) {
        // Not cloneable: nothing was posted, so nothing of it is stored.
        pending.delete(id);
        if (pending.size === 0) w.unref();
        reject(err);
        return;
      }
      if (words) port.postMessage({ words: words() });
    });
  };

  return {
    async commit(drafts) {
      if (drafts.length === 0 && !stopping) return [];
      const wire = drafts.map(toWire);
      // The changes of this turn so far commit in the same transaction (one fsync for all).
      const taken = changes.length > 0 ? takeChanges() : undefined;
      const words = drafts.length > 0 && options.search !== false ? () => draftWords(drafts) : undefined;
      const reply = post(taken ? { drafts: wire, changes: taken.wire } : { drafts: wire }, words);
      taken?.settle(reply);
      const r = await reply;
      const from = r.from ?? 0;
      return drafts.map((d, i) => fromWire(d, r.outcomes![from + i]!, wire[i]!));
    },
    change(wire) {
      if (stopping) return Promise.reject(new Error('store closed'));
      return new Promise((resolve, reject) => {
        changes.push({ wire, resolve, reject });
        if (!changesScheduled) {
          changesScheduled = true;
          // As CommitBatcher: after this turn's I/O callbacks, so a send batch of the turn can take them.
          setImmediate(() => flushChanges());
        }
      });
    },
    async exec(statements) {
      return (await post({ exec: statements })).changes!;
    },
    stop() {
      // Changes still waiting for their turn's end go before the stop.
      if (!stopping) flushChanges();
      stopping ??= (async () => {
        const w = worker;
        if (!w) return;
        // Posted after every commit, so those finish first.
        jobs?.postMessage('stop');
        w.ref();
        const timer = setTimeout(() => void w.terminate(), 10_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
