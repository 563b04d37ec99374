import type { PoolClient, QueryResultRow } from 'pg';
import { ChatError, type Message } from '../../protocol/index.js';
import { searchTextOf } from '../core/search-text.js';
import { lockMark, rewriteWords } from './postgres-search.js';
import type { Store } from '../core/store.js';
import type { ChangeDraft, ChangeOutcome, PinRecord, StoredMessage } from '../core/types.js';
import { changePayload, outboxEvents } from '../webhooks/types.js';
import { insertOutbox } from './postgres-webhooks.js';
import { mentionTargetsChange } from './mention-targets.js';

interface Deps {
  query<R extends QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T>;
}

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Changes (SPEC §9), one transaction each: the conversation row is locked first (`FOR UPDATE`,
 * as commitBatch locks it), so the event's seq follows every message committed before it and
 * two nodes' changes to one message take turns; then the target row, which is rewritten in the
 * same transaction. A concurrent retry of the same changeId hits the unique index (23505) and
 * the transaction is retried, finding the first one as a duplicate.
 */
export function createPostgresChanges({ query, transaction }: Deps): Pick<Store, 'commitChange' | 'listPins'> {
  const commit = async (c: PoolClient, d: ChangeDraft): Promise<ChangeOutcome> => {
    const { rows: [existing] } = await c.query<Row>(
      'SELECT conv_key, body, visible_to FROM messages WHERE client_msg_id = $1 AND sender = $2', [d.message.clientMsgId, d.message.sender]);
    if (existing) {
      if (existing.conv_key !== d.key) return { status: 'conflict' };
      return { status: 'duplicate', message: JSON.parse(existing.body) as Message, ...(existing.visible_to && { visibleTo: existing.visible_to as string[] }) };
    }
    const { rows: locked } = await c.query('SELECT last_seq FROM conversations WHERE key = $1 FOR UPDATE', [d.key]);
    const { rows: [row] } = await c.query<Row>('SELECT body, visible_to FROM messages WHERE conv_key = $1 AND id = $2 FOR UPDATE', [d.key, d.targetId]);
    if (locked.length === 0 || !row) throw new ChatError('MESSAGE_UNKNOWN');
    // The sender's role (a pin under `pin: admins`), read after the conversation's lock and with
    // the membership row share-locked until COMMIT: a demotion or removal committed before is
    // seen, one in flight is waited for, and one begun later waits for this commit (its notice
    // orders after this event). Unlocked, a demotion could commit between this read and the
    // pin's commit: a pin by a plain member.
    const { rows: [pins] } = await c.query<Row>('SELECT count(*)::int AS n FROM pins WHERE conv_key = $1', [d.key]);
    const role = d.senderRole
      ? (await c.query<Row>('SELECT role FROM memberships WHERE conv_key = $1 AND user_id = $2 FOR SHARE', [d.key, d.message.sender])).rows[0]?.role
      : undefined;
    const stored = JSON.parse(row.body) as StoredMessage;
    const applied = d.apply(stored, row.visible_to ?? undefined, pins!.n as number, role ?? undefined);
    // The event is a row of class '' (excluded from unread counts): its run goes on from the last
    // row's when that is of class '' too (postgres-unread-runs.ts).
    const { rows: [raised] } = await c.query<Row>(
      `UPDATE conversations SET last_seq = last_seq + 1, last_cls = '',
         last_run = CASE WHEN last_cls = '' AND last_run IS NOT NULL THEN last_run ELSE last_seq + 1 END
       WHERE key = $1 RETURNING last_seq, last_run`, [d.key]);
    const seq = Number(raised!.last_seq);
    const message: Message = { ...d.message, seq, elem: applied.elem };
    if (applied.mentions) message.groupAtUserList = applied.mentions;
    await c.query(
      // Excluded from unread counts: its run's class is '' (postgres-unread-count.ts).
      `INSERT INTO messages (conv_key, seq, id, sender, client_msg_id, visible_to, excl_unread, excl_last, mentions, body, run_start)
       VALUES ($1, $2, $3, $4, $5, $6, true, true, $7, $8, $9)`,
      [d.key, seq, message.id, message.sender, message.clientMsgId, applied.visibleTo ?? null, applied.mentions ?? null, JSON.stringify(message), Number(raised!.last_run)],
    );
    const target: StoredMessage = { ...applied.target, changeSeq: seq };
    // The mentions column follows the body: an edit may add some, a recall drops them all; so
    // does the searchable text (an edit's new text is found from now on, a recalled message no more).
    // Above the watermark the body is all there is (a move reads it later); at or below it, the
    // word index's row is rewritten here. The watermark is locked until COMMIT (lockMark).
    await c.query('UPDATE messages SET body = $1, mentions = $2 WHERE conv_key = $3 AND id = $4',
      [JSON.stringify(target), target.groupAtUserList?.length ? target.groupAtUserList : null, d.key, d.targetId]);
    // Its rows of the mentions table (postgres-unread-mentions.ts) follow the mentions column.
    const moved = mentionTargetsChange(stored, target, row.visible_to);
    if (moved) {
      const [was, now] = moved;
      if (was) await c.query('DELETE FROM message_mentions WHERE conv_key = $1 AND who = ANY($2::text[]) AND seq = $3', [d.key, was, target.seq]);
      if (now) await c.query('INSERT INTO message_mentions (conv_key, who, seq) SELECT $1, unnest($2::text[]), $3 ON CONFLICT DO NOTHING', [d.key, now, target.seq]);
    }
    if (target.seq <= await lockMark(c, d.key)) await rewriteWords(c, d.key, target.seq, d.targetId, searchTextOf(target));
    if (applied.pin === 'add') {
      await c.query('INSERT INTO pins (conv_key, message_id, seq, by_user, time) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
        [d.key, d.targetId, target.seq, target.pinned!.by, target.pinned!.time]);
    }
    if (applied.pin === 'remove') await c.query('DELETE FROM pins WHERE conv_key = $1 AND message_id = $2', [d.key, d.targetId]);
    if (d.webhooks?.endpoints.length) {
      const payload = changePayload(d.key, JSON.stringify(message), JSON.stringify(target));
      await insertOutbox(c, outboxEvents(d.webhooks, { eventId: message.id, key: d.key, time: message.time, payload }));
    }
    return { status: 'committed', message, target, ...(applied.visibleTo && { visibleTo: applied.visibleTo }) };
  };
  return {
    commitChange: (draft) => transaction((c) => commit(c, draft)),
    async listPins(key) {
      const rows = await query<Row>('SELECT message_id, seq, by_user, time FROM pins WHERE conv_key = $1 ORDER BY time DESC, seq DESC', [key]);
      return rows.map((r): PinRecord => ({ messageId: r.message_id, seq: Number(r.seq), by: r.by_user, time: Number(r.time) }));
    },
  };
}
