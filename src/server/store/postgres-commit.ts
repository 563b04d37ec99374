import type { PoolClient } from 'pg';
import type { Message } from '../../protocol/index.js';
import { parseKey } from '../core/conversation-key.js';
import { indexWords, searchTextOf } from '../core/search-text.js';
import { WORDS_VECTOR } from './postgres-search.js';
import type { CommitOutcome, ConversationKey, MessageDraft } from '../core/types.js';
import { messagePayload, outboxEvents, type OutboxEvent } from '../webhooks/types.js';
import { insertOutbox } from './postgres-webhooks.js';

/** The batch's statements, prepared once per connection (their text never changes). */
const EXISTING = {
  name: 'natter-commit-existing',
  text: `SELECT sender, client_msg_id, conv_key, body FROM messages
     WHERE (sender, client_msg_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
};
/**
 * Creates missing conversations and raises every `last_seq` by the batch's count, in key order:
 * the upsert row-locks each conversation (new or not) in that order, so two nodes' batches
 * never deadlock on each other, and the lock is held until COMMIT.
 */
const RAISE = {
  name: 'natter-commit-raise',
  text: `INSERT INTO conversations (key, last_seq) SELECT k, n FROM unnest($1::text[], $2::bigint[]) AS v(k, n) ORDER BY k COLLATE "C"
     ON CONFLICT (key) DO UPDATE SET last_seq = conversations.last_seq + EXCLUDED.last_seq RETURNING key, last_seq`,
};
/** A JSON array of text (or NULL) as a text[] column: visible_to and mentions differ in length per row. */
const jsonTextArray = (v: string) => `CASE WHEN ${v} IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(${v}::jsonb)) END`;
/** The messages (one column array per field) and, in the same statement, the p2p memberships. */
const INSERT = {
  name: 'natter-commit-insert',
  text: `WITH joined AS (INSERT INTO memberships (user_id, conv_key) SELECT * FROM unnest($13::text[], $14::text[]) ON CONFLICT DO NOTHING)
     INSERT INTO messages (conv_key, seq, id, sender, client_msg_id, visible_to, excl_unread, excl_last, mentions, body, search_text, search_words)
     SELECT k, s, i, snd, c, ${jsonTextArray('vis')}, eu, el, ${jsonTextArray('men')}, b, st, ${WORDS_VECTOR('sw')}
     FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::bool[], $9::text[], $10::text[], $11::text[], $12::text[])
       AS v(k, s, i, snd, c, vis, eu, el, men, b, st, sw)`,
};

/**
 * Commits one batch inside the caller's transaction, in three statements whatever the batch
 * size (four with webhook events):
 *   1. look up every (sender, clientMsgId) of the batch: duplicates and conflicts need no seq;
 *   2. create missing conversation rows and raise each `last_seq` by the number of new messages
 *      (RAISE: locked in key order), then hand out the seqs in batch order;
 *   3. insert the messages (with their searchable text, postgres-search.ts) and the p2p
 *      memberships.
 * The row locks are held until COMMIT, so another node's transaction on the same conversation
 * waits and then continues from our last seq: seqs are gapless and become visible in order.
 * Each committed outcome carries its stored body (`json`), for the node's own fan-out.
 *
 * A concurrent batch may commit the same (sender, clientMsgId) between steps 1 and 3; the
 * unique index then rejects ours with 23505 and the caller retries the whole batch, which
 * finds the row in step 1 and reports it as a duplicate.
 */
export async function commitBatch(client: PoolClient, drafts: MessageDraft[], search = true): Promise<CommitOutcome[]> {
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

  const committed: Message[] = [];
  const bodies: string[] = [];
  if (fresh.length > 0) {
    const counts = new Map<ConversationKey, number>();
    for (const d of fresh) counts.set(d.key, (counts.get(d.key) ?? 0) + 1);
    const keys = [...counts.keys()];
    const { rows: raised } = await client.query<{ key: string; last_seq: number }>({ ...RAISE, values: [keys, keys.map((k) => counts.get(k)!)] });
    // The first seq each conversation hands out in this batch.
    const next = new Map(raised.map((r) => [r.key, r.last_seq - counts.get(r.key)! + 1]));

    const cols: unknown[][] = Array.from({ length: 12 }, () => new Array<unknown>(fresh.length));
    fresh.forEach((d, i) => {
      const seq = next.get(d.key)!;
      next.set(d.key, seq + 1);
      const message: Message = { ...d.message, seq };
      const body = JSON.stringify(message);
      committed.push(message);
      bodies.push(body);
      const m = d.message;
      const text = search ? searchTextOf(m) : null;
      const row = [
        d.key, seq, m.id, m.sender, m.clientMsgId, d.visibleTo ? JSON.stringify(d.visibleTo) : null, m.isExcludedFromUnreadCount === true,
        m.isExcludedFromLastMessage === true, m.groupAtUserList?.length ? JSON.stringify(m.groupAtUserList) : null, body, text, indexWords(text),
      ];
      for (let c = 0; c < 12; c++) cols[c]![i] = row[c];
    });

    // A p2p commit gives every user who can see the message a membership (as SQLite does).
    const joins = new Set<string>();
    for (const d of fresh) {
      const parsed = parseKey(d.key);
      if (parsed.type !== 'p2p') continue;
      for (const u of parsed.users) if (!d.visibleTo || d.visibleTo.includes(u)) joins.add(`${u}\u0000${d.key}`);
    }
    const pairs = [...joins].sort().map((j) => j.split('\u0000') as [string, string]);
    await client.query({ ...INSERT, values: [...cols, pairs.map((p) => p[0]), pairs.map((p) => p[1])] });

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
