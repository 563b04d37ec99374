import type Database from 'better-sqlite3';
import { ChatError, type Message } from '../../protocol/index.js';
import type { Store } from '../core/store.js';
import type { ChangeDraft, ChangeOutcome, GroupRole, PinRecord, StoredMessage } from '../core/types.js';
import { indexWords, searchKindOf, searchTextOf, wordsOf } from '../core/search-text.js';
import type { ChangeWire, ChangeWireOutcome } from './sqlite-writer.js';
import { mentionTargetsChange } from './mention-targets.js';

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

/** Attempts of a change whose target (or pin count) changed between its read and its commit. */
const MAX_ATTEMPTS = 20;

/**
 * Changes (SPEC §9) commit on the writer thread with the messages (sqlite-writer.ts), so their
 * fsync no longer holds the event loop (it did for 2–3 ms each, up to 60: a fifth of a mixed
 * load's operations). The writer never parses a message, and the rules (`draft.apply`) are a
 * closure of the change service, so this thread reads the target, applies the change and posts
 * the result with the body it was applied to; the writer's transaction checks that body is still
 * the stored one (and, for a new pin, the pin count), takes the next seq exactly as a message's
 * commit does, and writes the event, the target, its search text, the pins and the webhook
 * outbox rows together. A stale result writes nothing and is applied again to what is stored
 * now. Changes to one target wait for each other here (one process per file), so under load
 * they do not keep going stale; different targets commit in the same batches.
 */
export function createSqliteChanges(
  db: Database.Database,
  commit: (change: ChangeWire) => Promise<ChangeWireOutcome>,
): Pick<Store, 'commitChange' | 'listPins'> {
  db.exec(PINS_SCHEMA);
  const q = {
    byClientMsgId: db.prepare('SELECT conv_key, body, vis1, vis2 FROM messages WHERE sender = ? AND client_msg_id = ?'),
    target: db.prepare('SELECT body, vis1, vis2 FROM messages WHERE conv_key = ? AND id = ?'),
    pinCount: db.prepare('SELECT count(*) FROM pins WHERE conv_key = ?').pluck(),
    role: db.prepare('SELECT role FROM memberships WHERE user_id = ? AND conv_key = ?').pluck(),
    pins: db.prepare('SELECT message_id, seq, by_user, time FROM pins WHERE conv_key = ? ORDER BY time DESC, seq DESC'),
  };
  const duplicate = (body: string, vis: string[] | undefined): ChangeOutcome =>
    ({ status: 'duplicate', message: JSON.parse(body) as Message, ...(vis && { visibleTo: vis }) });

  const attempt = async (d: ChangeDraft): Promise<ChangeOutcome | undefined> => {
    const existing = q.byClientMsgId.get(d.message.sender, d.message.clientMsgId) as Row | undefined;
    if (existing) {
      if (existing['conv_key'] !== d.key) return { status: 'conflict' };
      return duplicate(existing['body'] as string, visibility(existing));
    }
    const row = q.target.get(d.key, d.targetId) as Row | undefined;
    if (!row) throw new ChatError('MESSAGE_UNKNOWN');
    const body = row['body'] as string;
    const pinCount = q.pinCount.get(d.key) as number;
    const stored = JSON.parse(body) as StoredMessage;
    const wasText = searchTextOf(stored);
    // The sender's role, when asked for, is checked again by the writer as the body is.
    const role = d.senderRole ? (q.role.get(d.message.sender, d.key) as GroupRole | undefined) ?? null : undefined;
    const applied = d.apply(stored, visibility(row), pinCount, role ?? undefined);
    const message: Message = { ...d.message, seq: 0, elem: applied.elem };
    if (applied.mentions) message.groupAtUserList = applied.mentions;
    const vis = applied.visibleTo;
    const target = applied.target;
    const pinned = target.pinned;
    const wire: ChangeWire = [
      d.key, d.targetId, message.sender, message.clientMsgId, message.id, body,
      // JSON.stringify leaves out a key whose value is undefined: the writer puts them in front.
      JSON.stringify({ ...message, seq: undefined }), JSON.stringify({ ...target, changeSeq: undefined }),
      vis?.[0] ?? null, vis?.[1] ?? null, applied.mentions ? `,${applied.mentions.join(',')},` : null,
      target.groupAtUserList?.length ? `,${target.groupAtUserList.join(',')},` : null,
      reindexWire(wasText, searchTextOf(target), searchKindOf(stored), searchKindOf(target)),
      d.webhooks?.endpoints.length ? d.webhooks.type : null, d.webhooks?.endpoints.length ? d.webhooks.endpoints : null,
      message.time,
      applied.pin === 'add' ? [target.seq, pinned!.by, pinned!.time] : applied.pin === 'remove' ? 0 : null,
      applied.pin === 'add' ? pinCount : -1,
      role, mentionTargetsChange(stored, target, visibility(row)),
    ];
    const outcome = await commit(wire);
    if (outcome === 0) return undefined;
    if (outcome === null) return { status: 'conflict' };
    if (Array.isArray(outcome)) {
      const [dupBody, vis1, vis2] = outcome;
      return duplicate(dupBody, visibility({ vis1, vis2 }));
    }
    return {
      status: 'committed', message: { ...message, seq: outcome }, target: { ...target, changeSeq: outcome },
      ...(vis && { visibleTo: vis }),
    };
  };
  const run = async (d: ChangeDraft): Promise<ChangeOutcome> => {
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      const outcome = await attempt(d);
      if (outcome) return outcome;
    }
    throw new Error('change target kept changing under it');
  };

  /** The last change posted per target (conversation key and message id): the next one waits for it. */
  const chains = new Map<string, Promise<unknown>>();
  return {
    commitChange(draft) {
      const k = `${draft.key}\0${draft.targetId}`;
      const prev = chains.get(k);
      const result = prev ? prev.then(() => run(draft)) : run(draft);
      const tail = result.then(() => undefined, () => undefined);
      chains.set(k, tail);
      void tail.then(() => {
        if (chains.get(k) === tail) chains.delete(k);
      });
      return result;
    },
    async listPins(key) {
      return (q.pins.all(key) as Row[]).map((r): PinRecord => ({
        messageId: r['message_id'] as string, seq: r['seq'] as number, by: r['by_user'] as string, time: r['time'] as number,
      }));
    },
  };
}

/**
 * How an edit or a recall changes the word index (sqlite-search.ts), for the
 * writer: the words the message was indexed with (a contentless index forgets a row by them), the
 * words of its new text and those of them for the vocabulary, and its new search kind (the row's
 * `search_kind`); null when neither the text nor the kind changed.
 */
function reindexWire(before: string | null, after: string | null, kindBefore: string | null, kindAfter: string | null): ChangeWire[12] {
  if (before === after && kindBefore === kindAfter) return null;
  const now = wordsOf(after);
  return [indexWords(before), now.words, now.prefixes, kindAfter];
}
