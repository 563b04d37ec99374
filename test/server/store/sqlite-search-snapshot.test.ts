import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Message } from '../../../src/protocol/index.js';
import { searchTerms } from '../../../src/protocol/search.js';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { searchTextOf, wordsOf } from '../../../src/server/core/search-text.js';
import { catchUpSearch, createSqliteSearch } from '../../../src/server/store/sqlite-search.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { send } from './store-search-contract.js';

/**
 * A word search reads the vocabulary (the words a prefix starts) and then the rows: the index's
 * and those above its watermark. The writer's move of the pending rows into the index committing
 * between the two must hide none of them: both reads share one snapshot. The move is run (as
 * catchUpSearch, on a connection of its own) through the search's test seam right after the lookup.
 */
describe('sqlite search: the vocabulary and the rows in one snapshot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'natter-snapshot-'));
  let n = 0;

  /** A file holding the texts, the last above the watermark, its words in neither the index nor the vocabulary (as the writer leaves it before its move). */
  const withPending = async (...texts: string[]) => {
    const file = join(dir, `${++n}.db`);
    const store = createSqliteStore(file);
    await store.createGroup({ id: 'g', name: 'g', createdAt: 1, historyVisibility: 'all' }, ['sa', 'sb']);
    let last: Message | undefined;
    for (const t of texts) last = await send(store, groupKey('g'), 'sa', t);
    await store.close(); // a clean stop moves every row into the index: the last one's move is undone here
    const db = new Database(file);
    const row = db.prepare('SELECT rowid FROM messages WHERE id = ?').pluck().get(last!.id) as number;
    const { words, prefixes } = wordsOf(searchTextOf(last!));
    db.prepare(`INSERT INTO messages_words (messages_words, rowid, words) VALUES ('delete', ?, ?)`).run(row, words);
    for (const w of prefixes ?? []) db.prepare('DELETE FROM messages_vocab WHERE word = ?').run(w);
    db.prepare('UPDATE search_mark SET last_row = ?').run(row - 1);
    db.close();
    return file;
  };

  /** Searches the file as sb; with `moveBetween`, the pending rows move into the index right after the vocabulary lookup. */
  const search = async (file: string, query: string, moveBetween: boolean) => {
    const db = new Database(file);
    const mover = new Database(file);
    after(() => (db.close(), mover.close()));
    let moved = 0;
    const s = createSqliteSearch(db, (body) => JSON.parse(body as string) as Message, {
      afterLookup: () => { if (moveBetween) moved += catchUpSearch(mover); },
    });
    const found = await s.searchMessages('sb', { terms: searchTerms(query, true)!, limit: 20 });
    return { found: found.map((m) => (m.elem.type === 'text' ? m.elem.text : '')), moved };
  };

  it('a prefix the vocabulary lacks (the pending rows alone are read)', async () => {
    const file = await withPending('Zebrafische im Aquarium');
    assert.deepEqual((await search(file, 'zebra', false)).found, ['Zebrafische im Aquarium'], 'found while pending');
    const { found, moved } = await search(file, 'zebra', true);
    assert.equal(moved, 1, 'the move committed between the lookup and the reads');
    assert.deepEqual(found, ['Zebrafische im Aquarium']);
  });

  it('a prefix the vocabulary knows from an older message (the index walk and the pending rows)', async () => {
    const file = await withPending('Zebras grasen', 'Zebrafische im Aquarium');
    assert.deepEqual((await search(file, 'zebra', false)).found, ['Zebrafische im Aquarium', 'Zebras grasen'], 'found while pending');
    const { found, moved } = await search(file, 'zebra', true);
    assert.equal(moved, 1, 'the move committed between the lookup and the reads');
    assert.deepEqual(found, ['Zebrafische im Aquarium', 'Zebras grasen']);
  });
});
