import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Message } from '../../../src/protocol/index.js';
import { searchTerms } from '../../../src/protocol/search.js';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { createSqliteSearch } from '../../../src/server/store/sqlite-search.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { draft } from './store-contract.js';

/**
 * A search with words and a kind (`kind=file`) took the word's matches and parsed and folded each
 * body to learn its kind, on the event loop: a word common in texts checked every text that held
 * it to find the few files (300 texts, 2 files: 302 bodies). The row's search_kind (kept by every
 * commit and edit, and what the search without words reads) now comes first.
 */
describe('sqlite search: words and a kind read only the bodies of that kind', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'natter-kind-filter-')), 'natter.db');
  let db: Database.Database | undefined;
  after(() => db?.close());

  it('checks the 2 files, not the 300 texts, and finds them; kind=text still checks texts', async () => {
    const store = createSqliteStore(file);
    await store.createGroup({ id: 'k', name: 'K', createdAt: 1, historyVisibility: 'all' }, ['viewer', 'talker']);
    const k = groupKey('k');
    const drafts = Array.from({ length: 300 }, (_, i) => draft(k, 'talker', { elem: { type: 'text', text: `alpha note ${i}` } }));
    drafts.splice(100, 0, draft(k, 'talker', { elem: { type: 'file', url: '/v1/files/a', name: 'alpha plan.pdf', size: 1, mime: 'application/pdf' } }));
    drafts.splice(200, 0, draft(k, 'talker', { elem: { type: 'file', url: '/v1/files/b', name: 'alpha budget.pdf', size: 1, mime: 'application/pdf' } }));
    await store.commitMessages(drafts);
    await store.close();
    db = new Database(file);
    let checked = 0;
    const search = createSqliteSearch(db, (body) => JSON.parse(body as string) as Message, { checked: () => void checked++ });
    for (const key of [undefined, k]) {
      checked = 0;
      const found = await search.searchMessages('viewer', { terms: searchTerms('alpha', true)!, limit: 21, filter: { kind: 'file' }, ...(key && { key }) });
      assert.deepEqual(found.map((m) => (m.elem as { name: string }).name), ['alpha budget.pdf', 'alpha plan.pdf']);
      assert.ok(checked <= 2, `${checked} bodies checked ${key ?? 'across'}`);
    }
    checked = 0;
    const texts = await search.searchMessages('viewer', { terms: searchTerms('alpha', true)!, limit: 5, filter: { kind: 'text' } });
    assert.equal(texts.length, 5);
    assert.ok(texts.every((m) => m.elem.type === 'text'));
    assert.ok(checked >= 5);
  });
});
