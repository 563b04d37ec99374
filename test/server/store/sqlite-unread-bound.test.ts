import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { HEAD_ROWS, createSqliteUnreadCount } from '../../../src/server/store/sqlite-unread-count.js';
import { UNREAD_ROWS_BOUND, mentionAttack, unreadAttack } from './unread-attack.js';

describe('sqlite unread count: 100,000 rows that do not count read in a bounded number of rows, the count exact', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'natter-unread-bound-')), 'natter.db');
  let db: Database.Database | undefined;
  after(() => db?.close());

  it('counts 6 (a mention among them) reading at most HEAD_ROWS + UNREAD_ROWS_BOUND rows; so does a file given its runs by the upgrade', async () => {
    const k = groupKey('big');
    const store = createSqliteStore(file);
    await store.createGroup({ id: 'big', name: 'Big', createdAt: 1, historyVisibility: 'all' }, ['reader', 'stranger', 'other', 'friend0', 'friend1', 'friend2', 'friend3']);
    const { drafts, expected } = unreadAttack(k);
    for (const batch of drafts) await store.commitMessages(batch);
    assert.deepEqual(await store.unreadState(k, 'reader', 0), expected);
    await store.close();

    const count = (): { state: unknown; rows: number } => {
      db = new Database(file, { readonly: true });
      let rows = 0;
      const state = createSqliteUnreadCount(db, { read: () => void rows++ })(k, 'reader', 0);
      db.close();
      return { state, rows };
    };
    const fresh = count();
    assert.deepEqual(fresh.state, expected);
    // The first HEAD_ROWS in one statement, then the walk.
    assert.ok(fresh.rows <= HEAD_ROWS + UNREAD_ROWS_BOUND, `read ${fresh.rows} rows`);

    // A file made before the runs: the column and its index dropped, the open gives every row its run
    // (the same runs as the writer gave them, batch after batch).
    const old = new Database(file);
    const runs = () => old.prepare('SELECT seq, run_start FROM messages WHERE conv_key = ? ORDER BY seq').raw().all(k);
    const written = runs();
    old.exec('DROP INDEX messages_targeted; ALTER TABLE messages DROP COLUMN run_start');
    const reopened = createSqliteStore(file);
    assert.deepEqual(await reopened.unreadState(k, 'reader', 0), expected);
    await reopened.close();
    assert.deepEqual(runs(), written);
    old.close();
    const upgraded = count();
    assert.deepEqual(upgraded.state, expected);
    assert.equal(upgraded.rows, fresh.rows);
  });

  it('finds the one mention of the reader among 100,000 rows mentioning someone else past the cap, reading a bounded number of pages; so does a file given its mentions table by the upgrade', async () => {
    const mentionsFile = join(mkdtempSync(join(tmpdir(), 'natter-unread-mentions-')), 'natter.db');
    const k = groupKey('loud');
    const store = createSqliteStore(mentionsFile);
    await store.createGroup({ id: 'loud', name: 'Loud', createdAt: 1, historyVisibility: 'all' }, ['reader', 'stranger', 'other', 'friend0', 'friend1']);
    const { drafts, expected } = mentionAttack(k);
    for (const batch of drafts) await store.commitMessages(batch);
    await store.close();

    // Pages read: read calls of this process while one count runs on a fresh connection (nothing
    // cached; no mmap), whatever the count's statements are. The count's own walk of 999 rows
    // reads about 100; the lookup of the mention read the rows of every message mentioning anyone
    // below where the count stopped (4,000-8,000 read calls).
    const readCalls = () => Number(/syscr: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))![1]);
    const count = (viewer: 'reader' | 'friend1') => {
      db = new Database(mentionsFile, { readonly: true });
      const unreadState = createSqliteUnreadCount(db);
      const before = readCalls();
      const state = unreadState(k, viewer, 0);
      const calls = readCalls() - before;
      db.close();
      return { state, calls };
    };
    const PAGES_BOUND = 400;
    const fresh = { reader: count('reader'), friend1: count('friend1') };
    for (const viewer of ['reader', 'friend1'] as const) {
      assert.deepEqual(fresh[viewer].state, expected[viewer], viewer);
      assert.ok(fresh[viewer].calls <= PAGES_BOUND, `${viewer}: ${fresh[viewer].calls} read calls`);
    }

    // A file made before the mentions table: the table gone, the index it replaced back; the open fills it.
    const old = new Database(mentionsFile);
    const rows = () => old.prepare('SELECT conv_key, who, seq FROM message_mentions ORDER BY conv_key, who, seq').raw().all();
    const written = rows();
    assert.equal(written.length, 2 * 100_000 + 2, 'two a stranger\'s message, the reader\'s mention, friend1\'s @all');
    old.exec('DROP TABLE message_mentions; CREATE INDEX messages_mentions ON messages (conv_key, seq) WHERE mentions IS NOT NULL');
    const reopened = createSqliteStore(mentionsFile);
    assert.deepEqual(await reopened.unreadState(k, 'reader', 0), expected.reader);
    await reopened.close();
    assert.deepEqual(rows(), written);
    assert.equal(old.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'messages_mentions'`).pluck().get(), 0);
    old.close();
    for (const viewer of ['reader', 'friend1'] as const) {
      const upgraded = count(viewer);
      assert.deepEqual(upgraded.state, expected[viewer], viewer);
      assert.ok(upgraded.calls <= PAGES_BOUND, `${viewer} after the upgrade: ${upgraded.calls} read calls`);
    }
  });
});
