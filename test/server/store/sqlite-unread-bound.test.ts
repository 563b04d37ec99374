import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { HEAD_ROWS, createSqliteUnreadCount } from '../../../src/server/store/sqlite-unread-count.js';
import { UNREAD_ROWS_BOUND, unreadAttack } from './unread-attack.js';

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
});
