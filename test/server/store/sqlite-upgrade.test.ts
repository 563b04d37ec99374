import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { upgradeMessagesTable } from '../../../src/server/store/sqlite-schema.js';
import { draft } from './store-contract.js';

/** The messages table as databases made before 2026-11-30 have it. */
const OLD_MESSAGES = `
CREATE TABLE conversations (key TEXT PRIMARY KEY, last_seq INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE TABLE messages (
  conv_key TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, sender TEXT NOT NULL, client_msg_id TEXT NOT NULL,
  vis1 TEXT, vis2 TEXT, excl_unread INTEGER NOT NULL DEFAULT 0, excl_last INTEGER NOT NULL DEFAULT 0, mentions TEXT,
  body TEXT NOT NULL, PRIMARY KEY (conv_key, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX messages_client_ids ON messages (client_msg_id, sender);
CREATE INDEX messages_id ON messages (id);`;

describe('sqlite store: a database with the old messages layout', () => {
  it('is rebuilt as a rowid table on open, once, keeping every message, seq and idempotency key', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'natter-upgrade-')), 'natter.db');
    const k = groupKey('old');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.exec(OLD_MESSAGES);
    old.prepare('INSERT INTO conversations (key, last_seq) VALUES (?, 3)').run(k);
    const insert = old.prepare('INSERT INTO messages (conv_key, seq, id, sender, client_msg_id, body) VALUES (?, ?, ?, ?, ?, ?)');
    // Inserted out of order, as a B-tree keyed by (conv_key, seq) does not care.
    for (const seq of [3, 1, 2]) {
      const body = JSON.stringify({ seq, id: `old-${seq}`, conversationId: k, clientMsgId: `old-client-${seq}`, sender: 'a', senderProfile: {}, time: seq, elem: { type: 'text', text: `old ${seq}` } });
      insert.run(k, seq, `old-${seq}`, 'a', `old-client-${seq}`, body);
    }
    old.close();

    const store = createSqliteStore(file);
    try {
      await store.createGroup({ id: 'old', name: 'Old', createdAt: 1 }, ['a', 'b']);
      const history = await store.readRange(k, 'b', { afterSeq: 0, toSeq: 3, limit: 10, take: 'oldest' });
      assert.deepEqual(history.map((m) => [m.seq, m.id, (m.elem as { text: string }).text]), [[1, 'old-1', 'old 1'], [2, 'old-2', 'old 2'], [3, 'old-3', 'old 3']]);
      // Seqs go on from the old ones; an old clientMsgId is still a duplicate.
      const [fresh, resend] = await store.commitMessages([draft(k, 'a'), draft(k, 'a', { clientMsgId: 'old-client-2' })]);
      assert.equal(fresh!.status, 'committed');
      assert.equal((fresh as { message: { seq: number } }).message.seq, 4);
      assert.equal(resend!.status, 'duplicate');
      assert.equal((resend as { message: { id: string } }).message.id, 'old-2');
    } finally {
      await store.close();
    }

    const db = new Database(file);
    const sql = db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'messages'`).pluck().get() as string;
    assert.doesNotMatch(sql, /WITHOUT ROWID/i);
    const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages' AND sql IS NOT NULL ORDER BY name`).pluck().all();
    assert.deepEqual(indexes, ['messages_client_ids', 'messages_id', 'messages_kind', 'messages_targeted']);
    assert.equal(upgradeMessagesTable(db), undefined, 'nothing left to upgrade');
    assert.equal(db.prepare('SELECT count(*) FROM messages').pluck().get(), 4);
    db.close();
  });
});
