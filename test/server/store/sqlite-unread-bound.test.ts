import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import type { MessageDraft } from '../../../src/server/core/types.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { createSqliteUnreadCount } from '../../../src/server/store/sqlite-unread-count.js';
import { draft } from './store-contract.js';

/** Rows a count may read here: the counting rows, a row per run between them, and the run ends. */
export const UNREAD_ROWS_BOUND = 40;

/**
 * 100,000 rows after the reader's mark that do not count for them — a stranger's messages excluded
 * from unread counts, messages for one other member, the reader's own (as a site sends as them),
 * reactions — around 7 that do. The count read every one of them (the newest UNREAD_COUNT_MAX
 * counting rows were what the LIMIT bounded), some 5 µs a row on the event loop at each
 * session.open. It now skips each run of non-counting rows in one step.
 */
export function unreadAttack(k: string): { drafts: MessageDraft[][]; expected: { unread: number; mentioned: boolean } } {
  const batches: MessageDraft[][] = [];
  const counting = (i: number) => [
    draft(k, `friend${i}`, i === 2 ? { groupAtUserList: ['reader'] } : {}),
  ];
  const kinds: ((i: number) => MessageDraft)[] = [
    (i) => draft(k, 'stranger', { isExcludedFromUnreadCount: true, elem: { type: 'text', text: `x${i}` } }),
    (i) => draft(k, 'stranger', { elem: { type: 'text', text: `t${i}` } }, ['stranger', 'other']),
    (i) => draft(k, 'reader', { elem: { type: 'text', text: `own${i}` } }),
    (i) => draft(k, 'other', { isExcludedFromUnreadCount: true, groupAtUserList: ['@all'], elem: { type: 'text', text: `a${i}` } }),
  ];
  for (let part = 0; part < 4; part++) {
    for (let i = 0; i < 25_000; i += 5000) batches.push(Array.from({ length: 5000 }, (_, j) => kinds[part]!(i + j)));
    batches.push(counting(part));
  }
  // Two for the reader alone, among the stranger's for someone else.
  batches.push([draft(k, 'stranger', {}, ['stranger', 'reader']), draft(k, 'stranger', {}, ['stranger', 'other']), draft(k, 'stranger', {}, ['stranger', 'reader'])]);
  return { drafts: batches, expected: { unread: 6, mentioned: true } };
}

describe('sqlite unread count: 100,000 rows that do not count read in a bounded number of rows, the count exact', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'natter-unread-bound-')), 'natter.db');
  let db: Database.Database | undefined;
  after(() => db?.close());

  it('counts 6 (a mention among them) reading at most UNREAD_ROWS_BOUND rows; so does a file given its runs by the upgrade', async () => {
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
    assert.ok(fresh.rows <= UNREAD_ROWS_BOUND, `read ${fresh.rows} rows`);

    // A file made before the runs: the column and its index dropped, the open gives every row its run.
    const old = new Database(file);
    old.exec('DROP INDEX messages_targeted; ALTER TABLE messages DROP COLUMN run_start');
    old.close();
    const reopened = createSqliteStore(file);
    assert.deepEqual(await reopened.unreadState(k, 'reader', 0), expected);
    await reopened.close();
    const upgraded = count();
    assert.deepEqual(upgraded.state, expected);
    assert.equal(upgraded.rows, fresh.rows);
  });
});
