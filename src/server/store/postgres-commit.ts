import type { PoolClient } from 'pg';
import type { Message } from '../../protocol/index.js';
import { parseKey } from '../core/conversation-key.js';
import { indexWords, searchTextOf } from '../core/search-text.js';
import { WORDS_VECTOR } from './postgres-search.js';
import type { CommitOutcome, ConversationKey, MessageDraft } from '../core/types.js';
import { messagePayload, outboxEvents, type OutboxEvent } from '../webhooks/types.js';
import { insertOutbox } from './postgres-webhooks.js';

/**
 * Commits one batch inside the caller's transaction, in a fixed number of round trips
 * whatever the batch size:
 *   1. look up every (sender, clientMsgId) of the batch: duplicates and conflicts need no seq;
 *   2. create missing conversation rows, then lock every conversation of the batch
 *      (`FOR UPDATE`, in key order so two nodes' batches never deadlock on each other);
 *   3. raise each `last_seq` by the number of new messages and hand out the seqs in batch order;
 *   4. insert the messages (with their searchable text, postgres-search.ts) and the p2p memberships.
 * The row locks are held until COMMIT, so another node's transaction on the same conversation
 * waits and then continues from our last seq: seqs are gapless and become visible in order.
 *
 * A concurrent batch may commit the same (sender, clientMsgId) between steps 1 and 4; the
 * unique index then rejects ours with 23505 and the caller retries the whole batch, which
 * finds the row in step 1 and reports it as a duplicate.
 */
export async function commitBatch(client: PoolClient, drafts: MessageDraft[], search = true): Promise<CommitOutcome[]> {
  const idOf = (sender: string, clientMsgId: string) => JSON.stringify([sender, clientMsgId]);
  const { rows: existing } = await client.query<{ sender: string; client_msg_id: string; conv_key: string; body: string }>(
    `SELECT sender, client_msg_id, conv_key, body FROM messages
     WHERE (sender, client_msg_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [drafts.map((d) => d.message.sender), drafts.map((d) => d.message.clientMsgId)],
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
  if (fresh.length > 0) {
    const counts = new Map<ConversationKey, number>();
    for (const d of fresh) counts.set(d.key, (counts.get(d.key) ?? 0) + 1);
    const keys = [...counts.keys()].sort();
    await client.query('INSERT INTO conversations (key) SELECT k FROM unnest($1::text[]) AS k ORDER BY k ON CONFLICT DO NOTHING', [keys]);
    await client.query('SELECT key FROM conversations WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE', [keys]);
    const { rows: raised } = await client.query<{ key: string; last_seq: number }>(
      `UPDATE conversations c SET last_seq = c.last_seq + v.n FROM unnest($1::text[], $2::bigint[]) AS v(key, n)
       WHERE c.key = v.key RETURNING c.key, c.last_seq`,
      [keys, keys.map((k) => counts.get(k)!)],
    );
    // The first seq each conversation hands out in this batch.
    const next = new Map(raised.map((r) => [r.key, r.last_seq - counts.get(r.key)! + 1]));

    const rows = fresh.map((d) => {
      const seq = next.get(d.key)!;
      next.set(d.key, seq + 1);
      const message: Message = { ...d.message, seq };
      committed.push(message);
      const m = d.message;
      return {
        conv_key: d.key, seq, id: m.id, sender: m.sender, client_msg_id: m.clientMsgId,
        visible_to: d.visibleTo ?? null, excl_unread: m.isExcludedFromUnreadCount === true,
        excl_last: m.isExcludedFromLastMessage === true, mentions: m.groupAtUserList?.length ? m.groupAtUserList : null,
        body: JSON.stringify(message), search_text: search ? searchTextOf(m) : null,
      };
    });
    // One JSON parameter instead of per-column arrays: visible_to and mentions are arrays of
    // different lengths, which a multi-dimensional SQL array cannot hold.
    await client.query(
      `INSERT INTO messages (conv_key, seq, id, sender, client_msg_id, visible_to, excl_unread, excl_last, mentions, body, search_text, search_words)
       SELECT conv_key, seq, id, sender, client_msg_id, visible_to, excl_unread, excl_last, mentions, body, search_text, ${WORDS_VECTOR('search_words')}
       FROM jsonb_to_recordset($1::jsonb) AS r(conv_key text, seq bigint, id text, sender text, client_msg_id text,
         visible_to text[], excl_unread boolean, excl_last boolean, mentions text[], body text, search_text text, search_words text)`,
      [JSON.stringify(rows.map((r) => ({ ...r, search_words: indexWords(r.search_text) })))],
    );

    // Webhook events in the same transaction, while the conversations are still locked.
    const hooks: OutboxEvent[] = [];
    fresh.forEach((d, i) => {
      if (!d.webhooks?.length) return;
      const payload = messagePayload(d.key, rows[i]!.body);
      hooks.push(...outboxEvents({ type: 'message.created', endpoints: d.webhooks }, { eventId: d.message.id, key: d.key, time: d.message.time, payload }));
    });
    for (const d of fresh) if (d.outbox) hooks.push(...d.outbox);
    await insertOutbox(client, hooks);

    // A p2p commit gives every user who can see the message a membership (as SQLite does).
    const joins = new Set<string>();
    for (const d of fresh) {
      const parsed = parseKey(d.key);
      if (parsed.type !== 'p2p') continue;
      for (const u of parsed.users) if (!d.visibleTo || d.visibleTo.includes(u)) joins.add(JSON.stringify([u, d.key]));
    }
    if (joins.size > 0) {
      const pairs = [...joins].sort().map((j) => JSON.parse(j) as [string, string]);
      await client.query(
        'INSERT INTO memberships (user_id, conv_key) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING',
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      );
    }
  }

  return plan.map((p): CommitOutcome => {
    if (p === 'conflict') return { status: 'conflict' };
    if ('fresh' in p) return { status: 'committed', message: committed[p.fresh]! };
    const hit = p.duplicateOf;
    return { status: 'duplicate', message: hit.stored ?? committed[hit.fresh!]! };
  });
}
