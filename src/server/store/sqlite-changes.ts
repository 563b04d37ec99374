import type Database from 'better-sqlite3';
import { ChatError, type Message } from '../../protocol/index.js';
import type { Store } from '../core/store.js';
import type { ChangeDraft, ChangeOutcome, PinRecord, StoredMessage } from '../core/types.js';
import { changePayload, outboxEvents } from '../webhooks/types.js';
import { INSERT_OUTBOX } from './sqlite-webhooks.js';
import { searchTextOf } from '../core/search-text.js';
import { reindexStatement } from './sqlite-search.js';

/** The pinned messages of each conversation, kept in the change's own transaction. */
export const PINS_SCHEMA = `
CREATE TABLE IF NOT EXISTS pins (
  conv_key TEXT NOT NULL,
  message_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  by_user TEXT NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (conv_key, message_id)
) WITHOUT ROWID;`;

type Row = Record<string, unknown>;

const visibility = (r: Row): string[] | undefined =>
  r['vis1'] === null ? undefined : [r['vis1'] as string, ...(r['vis2'] === null ? [] : [r['vis2'] as string])];

/**
 * Changes (SPEC §9) on the main connection, one IMMEDIATE transaction each: the event takes the
 * next seq exactly as the writer thread's commits do (both hold the write lock to raise
 * `last_seq`), and the target's body is rewritten in the same transaction. Changes are rare next
 * to sends and need the target read and parsed, which the writer thread never does.
 */
export function createSqliteChanges(db: Database.Database): Pick<Store, 'commitChange' | 'listPins'> {
  db.exec(PINS_SCHEMA);
  const q = {
    byClientMsgId: db.prepare('SELECT conv_key, body, vis1, vis2 FROM messages WHERE sender = ? AND client_msg_id = ?'),
    target: db.prepare('SELECT rowid, body, vis1, vis2 FROM messages WHERE conv_key = ? AND id = ?'),
    pinCount: db.prepare('SELECT count(*) FROM pins WHERE conv_key = ?').pluck(),
    nextSeq: db.prepare('UPDATE conversations SET last_seq = last_seq + 1 WHERE key = ? RETURNING last_seq').pluck(),
    insert: db.prepare(
      'INSERT INTO messages (conv_key, seq, id, sender, client_msg_id, vis1, vis2, excl_unread, excl_last, mentions, body) ' +
      'VALUES (?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?)'),
    // The mentions column follows the body: an edit may add some, a recall drops them all.
    update: db.prepare('UPDATE messages SET body = ?, mentions = ? WHERE conv_key = ? AND id = ?'),
    pin: db.prepare('INSERT OR REPLACE INTO pins (conv_key, message_id, seq, by_user, time) VALUES (?, ?, ?, ?, ?)'),
    unpin: db.prepare('DELETE FROM pins WHERE conv_key = ? AND message_id = ?'),
    pins: db.prepare('SELECT message_id, seq, by_user, time FROM pins WHERE conv_key = ? ORDER BY time DESC, seq DESC'),
    hook: db.prepare(INSERT_OUTBOX),
  };
  const reindex = reindexStatement(db);
  const commit = db.transaction((d: ChangeDraft): ChangeOutcome => {
    const existing = q.byClientMsgId.get(d.message.sender, d.message.clientMsgId) as Row | undefined;
    if (existing) {
      if (existing['conv_key'] !== d.key) return { status: 'conflict' };
      const vis = visibility(existing);
      return { status: 'duplicate', message: JSON.parse(existing['body'] as string) as Message, ...(vis && { visibleTo: vis }) };
    }
    const row = q.target.get(d.key, d.targetId) as Row | undefined;
    if (!row) throw new ChatError('MESSAGE_UNKNOWN');
    const stored = JSON.parse(row['body'] as string) as StoredMessage;
    const wasText = searchTextOf(stored);
    const applied = d.apply(stored, visibility(row), q.pinCount.get(d.key) as number);
    const seq = q.nextSeq.get(d.key) as number;
    const message: Message = { ...d.message, seq, elem: applied.elem };
    if (applied.mentions) message.groupAtUserList = applied.mentions;
    const vis = applied.visibleTo;
    q.insert.run(d.key, seq, message.id, message.sender, message.clientMsgId, vis?.[0] ?? null, vis?.[1] ?? null,
      applied.mentions ? `,${applied.mentions.join(',')},` : null, JSON.stringify(message));
    const target: StoredMessage = { ...applied.target, changeSeq: seq };
    const targetJson = JSON.stringify(target);
    q.update.run(targetJson, target.groupAtUserList?.length ? `,${target.groupAtUserList.join(',')},` : null, d.key, d.targetId);
    // An edit's new text is found from now on, a recalled message no more (search, SPEC §12).
    reindex(row['rowid'] as number, wasText, searchTextOf(target));
    if (d.webhooks?.endpoints.length) {
      const payload = changePayload(d.key, JSON.stringify(message), targetJson);
      for (const e of outboxEvents(d.webhooks, { eventId: message.id, key: d.key, time: message.time, payload })) {
        q.hook.run(e.eventId, e.endpointId, e.type, e.key, e.time, e.payload, e.time, e.time);
      }
    }
    if (applied.pin === 'add') q.pin.run(d.key, d.targetId, target.seq, target.pinned!.by, target.pinned!.time);
    if (applied.pin === 'remove') q.unpin.run(d.key, d.targetId);
    return { status: 'committed', message, target, ...(vis && { visibleTo: vis }) };
  });
  return {
    async commitChange(draft) {
      return commit.immediate(draft);
    },
    async listPins(key) {
      return (q.pins.all(key) as Row[]).map((r): PinRecord => ({
        messageId: r['message_id'] as string, seq: r['seq'] as number, by: r['by_user'] as string, time: r['time'] as number,
      }));
    },
  };
}
