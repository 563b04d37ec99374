import type { PoolClient, QueryConfig, QueryResultRow } from 'pg';
import type { Message } from '../../protocol/index.js';
import { parseKey } from '../core/conversation-key.js';
import type { CommitOutcome, ConversationKey, MessageDraft } from '../core/types.js';
import { messagePayload, outboxEvents, type OutboxEvent } from '../webhooks/types.js';
import { insertOutbox } from './postgres-webhooks.js';
import { arrayParam, type ArrayParam } from './postgres-arrays.js';
import { batchRuns, type BatchRuns } from './postgres-unread-runs.js';
import { insertMentions } from './postgres-unread-mentions.js';
import { mentionTargets } from './mention-targets.js';

type Run = <R extends QueryResultRow>(query: QueryConfig) => Promise<R[]>;

/** The batch's statements, prepared once per connection (their text never changes). */
const EXISTING = {
  name: 'natter-commit-existing',
  text: `SELECT sender, client_msg_id, conv_key, body FROM messages
     WHERE (sender, client_msg_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
};
/**
 * Creates missing conversations and raises every `last_seq` by the batch's count ($1 keys, $2
 * counts), in key order: the upsert row-locks each conversation (new or not) in that order, so
 * two nodes' batches never deadlock on each other, and the lock is held until COMMIT. It also
 * keeps the class and run of each one's last row (postgres-unread-runs.ts: $c the batch's last
 * row's class, $t where its run starts among the batch's rows, 1 first), and answers the ones it
 * had before (prev_cls, prev_run), from which the batch's first rows take their run: no read of
 * the row before them.
 */
const raise = (c: number, t: number, when = '') => `INSERT INTO conversations (key, last_seq, last_cls, last_run)
     SELECT k, n, c, t FROM unnest($1::text[], $2::bigint[], $${c}::text[], $${t}::bigint[]) AS v(k, n, c, t) ${when} ORDER BY k COLLATE "C"
     ON CONFLICT (key) DO UPDATE SET last_seq = conversations.last_seq + EXCLUDED.last_seq, last_cls = EXCLUDED.last_cls,
       last_run = CASE WHEN EXCLUDED.last_run > 1 THEN conversations.last_seq + EXCLUDED.last_run
         WHEN conversations.last_cls = EXCLUDED.last_cls AND conversations.last_run IS NOT NULL THEN conversations.last_run
         ELSE conversations.last_seq + 1 END,
       prev_cls = conversations.last_cls, prev_run = conversations.last_run
     RETURNING key, last_seq, prev_cls, prev_run`;
const RAISE = { name: 'natter-commit-raise', text: raise(3, 4) };
/** A JSON array of text (or NULL) as a text[] column: visible_to and mentions differ in length per row. */
const jsonTextArray = (v: string) => `CASE WHEN ${v} IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(${v}::jsonb)) END`;
/**
 * The message columns of `draftColumns` as a row source v(…, ord), from parameter $first on: eight
 * arrays, then the body tails as one text, a line each (JSON text never holds a line break).
 */
const draftRows = (first: number) => {
  const types = ['text', 'text', 'text', 'text', 'text', 'bool', 'bool', 'text'];
  const arrays = types.map((t, i) => `$${first + i}::${t}[]`);
  return `unnest(${arrays.join(', ')}, string_to_array($${first + types.length}::text, chr(10))) WITH ORDINALITY AS v(k, i, snd, c, vis, eu, el, men, tail, ord)`;
};
/**
 * Inserts the rows of `source` (v's columns, their seq `s` and run `run_start`), the p2p
 * memberships (users $joins, keys $joins+1) and the rows of the mentions table ($mentions,
 * $mentions+1: mentionColumns).
 */
const insertMessages = (source: string, joins: number, mentions: number, joinWhen = '') => `
  ${insertMentions(source, mentions)},
  joined AS (INSERT INTO memberships (user_id, conv_key) SELECT * FROM unnest($${joins}::text[], $${joins + 1}::text[]) AS j ${joinWhen} ON CONFLICT DO NOTHING),
  inserted AS (INSERT INTO messages (conv_key, seq, id, sender, client_msg_id, visible_to, excl_unread, excl_last, mentions, body, run_start)
    SELECT k, s, i, snd, c, ${jsonTextArray('vis')}, eu, el, ${jsonTextArray('men')}, ${bodySql('s', 'tail')}, run_start FROM ${source})`;
/** The stored body: the seq first, then the draft's other fields (`tail`, see draftColumns). */
const bodySql = (seq: string, tail: string) => `'{"seq":' || ${seq} || ',' || ${tail}`;
const bodyOf = (seq: number, tail: string) => `{"seq":${seq},${tail}`;

/** Step 3 of commitBatch: the memberships ($1, $2), the seqs ($3), then draftColumns, then mentionColumns, then the runs ($15). */
const INSERT = {
  name: 'natter-commit-insert',
  text: `WITH numbered AS (SELECT v.*, s, run_start FROM ${draftRows(4)} JOIN unnest($3::bigint[], $15::bigint[]) WITH ORDINALITY AS q(s, run_start, ord) USING (ord)),
  ${insertMessages('numbered', 1, 13)}
  SELECT 1`,
};

/**
 * A whole batch in one statement ($1 keys, $2 counts, $3–$4 memberships, then draftColumns, then
 * mentionColumns, then the runs: $16 each conversation's last class, $17 where its last run starts
 * in the batch, $18 each draft's class, $19 where its run starts in the batch (batchRuns)),
 * committed on its own (no BEGIN/COMMIT round trips): unless
 * one of the batch's (sender, clientMsgId) is stored already, it raises each conversation's
 * `last_seq` (locking it, in key order, as RAISE does), numbers the messages in batch order
 * from there and inserts them with the p2p memberships. Answers the raised conversations:
 * none when a duplicate was found (then nothing was written).
 */
const FRESH = {
  name: 'natter-commit-fresh',
  text: `WITH dup AS (SELECT 1 FROM messages WHERE (sender, client_msg_id) IN (SELECT * FROM unnest($7::text[], $8::text[])) LIMIT 1),
  raised AS (${raise(16, 17, 'WHERE NOT EXISTS (SELECT 1 FROM dup)')}),
  numbered AS (SELECT v.*, r.last_seq - n.n + row_number() OVER (PARTITION BY v.k ORDER BY v.ord) AS s,
      CASE WHEN b.b > 1 THEN r.last_seq - n.n + b.b WHEN r.prev_cls = b.cls AND r.prev_run IS NOT NULL THEN r.prev_run ELSE r.last_seq - n.n + 1 END AS run_start
    FROM ${draftRows(5)} JOIN raised r ON r.key = v.k JOIN unnest($1::text[], $2::bigint[]) AS n(k, n) ON n.k = v.k
      JOIN unnest($18::text[], $19::bigint[]) WITH ORDINALITY AS b(cls, b, ord) ON b.ord = v.ord),
  ${insertMessages('numbered', 3, 14, 'WHERE EXISTS (SELECT 1 FROM raised)')}
  SELECT key, last_seq FROM raised`,
};

/**
 * Each draft's columns (k, id, sender, clientMsgId, visibleTo, the two exclusions, mentions: one
 * array literal each, `arrayParam`; then the body tails joined by line breaks, which JSON text
 * never holds, so they need no escaping at all). The body is stored with its seq first:
 * `tail` is the rest of the message's JSON, so the statement that hands out the seq can write the
 * body, and the seq need not be known when the message is serialised. Nothing for search: a
 * node moves the words into the index later, from the bodies (postgres-search.ts).
 */
function draftColumns(fresh: MessageDraft[]): { columns: ArrayParam[]; tails: string[] } {
  const n = fresh.length;
  const keys = new Array<string>(n), ids = new Array<string>(n), senders = new Array<string>(n), clientIds = new Array<string>(n);
  const visible = new Array<string | null>(n), exclUnread = new Array<boolean>(n), exclLast = new Array<boolean>(n), mentions = new Array<string | null>(n);
  const tails = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const d = fresh[i]!;
    const m = d.message;
    keys[i] = d.key;
    ids[i] = m.id;
    senders[i] = m.sender;
    clientIds[i] = m.clientMsgId;
    visible[i] = d.visibleTo ? JSON.stringify(d.visibleTo) : null;
    exclUnread[i] = m.isExcludedFromUnreadCount === true;
    exclLast[i] = m.isExcludedFromLastMessage === true;
    mentions[i] = m.groupAtUserList?.length ? JSON.stringify(m.groupAtUserList) : null;
    const { seq: _seq, ...rest } = m;
    tails[i] = JSON.stringify(rest).slice(1);
  }
  const columns = [
    arrayParam(keys), arrayParam(ids), arrayParam(senders), arrayParam(clientIds), arrayParam(visible, true),
    arrayParam(exclUnread), arrayParam(exclLast), arrayParam(mentions, true), tails.join('\n'),
  ];
  return { columns, tails };
}

/**
 * The drafts' rows of the mentions table (postgres-unread-mentions.ts): each one's draft, by its
 * ordinal in the batch (1 first), and whom (mention-targets.ts). Empty for most batches.
 */
function mentionColumns(fresh: MessageDraft[]): [ArrayParam, ArrayParam] {
  const ords: number[] = [];
  const who: string[] = [];
  fresh.forEach((d, i) => {
    const m = d.message;
    if (!m.groupAtUserList?.length) return;
    for (const w of mentionTargets(m.sender, d.visibleTo, m.isExcludedFromUnreadCount === true, m.groupAtUserList) ?? []) ords.push(i + 1), who.push(w);
  });
  return [arrayParam(ords), arrayParam(who)];
}

/** A p2p commit gives every user who can see the message a membership (as SQLite does): [users, keys], sorted. */
function p2pJoins(fresh: MessageDraft[]): [ArrayParam, ArrayParam] {
  const joins = new Set<string>();
  for (const d of fresh) {
    const parsed = parseKey(d.key);
    if (parsed.type !== 'p2p') continue;
    for (const u of parsed.users) if (!d.visibleTo || d.visibleTo.includes(u)) joins.add(`${u}\u0000${d.key}`);
  }
  const pairs = [...joins].sort().map((j) => j.split('\u0000') as [string, string]);
  return [arrayParam(pairs.map((p) => p[0])), arrayParam(pairs.map((p) => p[1]))];
}

/** Each draft's run from its conversation's raised row, as FRESH computes it (commitBatch's INSERT takes them as numbers). */
function runStarts(fresh: MessageDraft[], counts: Map<ConversationKey, number>, raised: { key: string; last_seq: number; prev_cls: string | null; prev_run: number | null }[], runs: BatchRuns): number[] {
  const byKey = new Map(raised.map((r) => [r.key, r]));
  return fresh.map((d, i) => {
    const r = byKey.get(d.key)!;
    const before = r.last_seq - counts.get(d.key)!;
    const b = runs.starts[i]!;
    return b > 1 ? before + b : r.prev_cls === runs.classes[i] && r.prev_run !== null ? r.prev_run : before + 1;
  });
}

/** Messages per conversation of the batch. */
function countsOf(fresh: MessageDraft[]): Map<ConversationKey, number> {
  const counts = new Map<ConversationKey, number>();
  for (const d of fresh) counts.set(d.key, (counts.get(d.key) ?? 0) + 1);
  return counts;
}

/** Hands out the seqs in batch order from each conversation's raised `last_seq`; the committed messages and bodies. */
function numbered(fresh: MessageDraft[], counts: Map<ConversationKey, number>, raised: { key: string; last_seq: number }[], tails: string[]) {
  const next = new Map(raised.map((r) => [r.key, r.last_seq - counts.get(r.key)! + 1]));
  const seqs: number[] = [];
  const committed: Message[] = [];
  const bodies: string[] = [];
  fresh.forEach((d, i) => {
    const seq = next.get(d.key)!;
    next.set(d.key, seq + 1);
    seqs.push(seq);
    committed.push({ ...d.message, seq });
    bodies.push(bodyOf(seq, tails[i]!));
  });
  return { seqs, committed, bodies };
}

/**
 * The common batch in one round trip (FRESH, on its own connection, committed by itself): every
 * draft new, none with webhook events, no (sender, clientMsgId) twice in the batch. Answers
 * undefined when that does not hold, or when one of them turns out to be stored already: then
 * nothing was written and the caller commits the batch with commitBatch.
 */
export async function commitFresh(run: Run, drafts: MessageDraft[]): Promise<CommitOutcome[] | undefined> {
  const ids = new Set<string>();
  for (const d of drafts) {
    if (d.webhooks?.length || d.outbox?.length) return undefined;
    ids.add(`${d.message.sender}\u0000${d.message.clientMsgId}`);
  }
  if (ids.size < drafts.length) return undefined;
  const counts = countsOf(drafts);
  const { columns, tails } = draftColumns(drafts);
  const keys = [...counts.keys()];
  const runs = batchRuns(drafts);
  const raised = await run<{ key: string; last_seq: number }>({ ...FRESH, values: [arrayParam(keys), arrayParam(keys.map((k) => counts.get(k)!)), ...p2pJoins(drafts), ...columns, ...mentionColumns(drafts),
    arrayParam(keys.map((k) => runs.lastClass.get(k)!)), arrayParam(keys.map((k) => runs.lastStart.get(k)!)), arrayParam(runs.classes), arrayParam(runs.starts)] });
  if (raised.length === 0) return undefined;
  const { committed, bodies } = numbered(drafts, counts, raised, tails);
  return committed.map((message, i) => ({ status: 'committed', message, json: bodies[i]! }));
}

/**
 * Commits one batch inside the caller's transaction, in three statements whatever the batch
 * size (four with webhook events):
 *   1. look up every (sender, clientMsgId) of the batch: duplicates and conflicts need no seq;
 *   2. create missing conversation rows and raise each `last_seq` by the number of new messages
 *      (RAISE: locked in key order), then hand out the seqs in batch order;
 *   3. insert the messages and the p2p memberships.
 * The row locks are held until COMMIT, so another node's transaction on the same conversation
 * waits and then continues from our last seq: seqs are gapless and become visible in order.
 * Each committed outcome carries its stored body (`json`), for the node's own fan-out.
 *
 * A concurrent batch may commit the same (sender, clientMsgId) between steps 1 and 3; the
 * unique index then rejects ours with 23505 and the caller retries the whole batch, which
 * finds the row in step 1 and reports it as a duplicate.
 */
export async function commitBatch(client: PoolClient, drafts: MessageDraft[]): Promise<CommitOutcome[]> {
  const idOf = (sender: string, clientMsgId: string) => `${sender}\u0000${clientMsgId}`;
  const { rows: existing } = await client.query<{ sender: string; client_msg_id: string; conv_key: string; body: string }>(
    { ...EXISTING, values: [drafts.map((d) => d.message.sender), drafts.map((d) => d.message.clientMsgId)] },
  );
  // What each (sender, clientMsgId) resolves to: a stored message, or a fresh draft of this batch.
  const known = new Map<string, { key: ConversationKey; stored?: Message; fresh?: number }>();
  for (const r of existing) known.set(idOf(r.sender, r.client_msg_id), { key: r.conv_key, stored: JSON.parse(r.body) as Message });

  const plan: ({ fresh: number } | { duplicateOf: { key: ConversationKey; stored?: Message; fresh?: number } } | 'conflict')[] = [];
  const fresh: MessageDraft[] = [];
  for (const d of drafts) {
    const id = idOf(d.message.sender, d.message.clientMsgId);
    const hit = known.get(id);
    if (hit) {
      plan.push(hit.key === d.key ? { duplicateOf: hit } : 'conflict');
      continue;
    }
    known.set(id, { key: d.key, fresh: fresh.length });
    plan.push({ fresh: fresh.length });
    fresh.push(d);
  }

  let committed: Message[] = [];
  let bodies: string[] = [];
  if (fresh.length > 0) {
    const counts = countsOf(fresh);
    const keys = [...counts.keys()];
    const runs = batchRuns(fresh);
    const { rows: raised } = await client.query<{ key: string; last_seq: number; prev_cls: string | null; prev_run: number | null }>(
      { ...RAISE, values: [keys, keys.map((k) => counts.get(k)!), keys.map((k) => runs.lastClass.get(k)!), keys.map((k) => runs.lastStart.get(k)!)] });
    const { columns, tails } = draftColumns(fresh);
    const done = numbered(fresh, counts, raised, tails);
    ({ committed, bodies } = done);
    await client.query({ ...INSERT, values: [...p2pJoins(fresh), done.seqs, ...columns, ...mentionColumns(fresh), runStarts(fresh, counts, raised, runs)] });

    // Webhook events in the same transaction, while the conversations are still locked.
    const hooks: OutboxEvent[] = [];
    fresh.forEach((d, i) => {
      if (!d.webhooks?.length) return;
      const payload = messagePayload(d.key, bodies[i]!);
      hooks.push(...outboxEvents({ type: 'message.created', endpoints: d.webhooks }, { eventId: d.message.id, key: d.key, time: d.message.time, payload }));
    });
    for (const d of fresh) if (d.outbox) hooks.push(...d.outbox);
    await insertOutbox(client, hooks);
  }

  return plan.map((p): CommitOutcome => {
    if (p === 'conflict') return { status: 'conflict' };
    if ('fresh' in p) return { status: 'committed', message: committed[p.fresh]!, json: bodies[p.fresh]! };
    const hit = p.duplicateOf;
    return { status: 'duplicate', message: hit.stored ?? committed[hit.fresh!]! };
  });
}
