import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Message } from '../../../src/protocol/index.js';
import { searchTerms } from '../../../src/protocol/search.js';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { createSqliteSearch, SCAN_ROWS, WALK_ROWS } from '../../../src/server/store/sqlite-search.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { draft } from './store-contract.js';

/**
 * A word the index cannot look up (one or two letters) across all of the viewer's conversations
 * sorted every row of them natively to find where a page's SCAN_ROWS ended (20–80 ms for 22,000
 * rows on the event loop, seconds for a million). A page now walks one rowid range of at most
 * WALK_ROWS rows (`walked`), checks at most SCAN_ROWS bodies (`checked`), and paging on by its
 * cursor finds every match once, messages arriving between pages. A search without words (a
 * filter alone: a sender, a time, text) sorted them all too (0.5–2 s on 240,000 rows): the same walk.
 */
describe('sqlite search across: a scan reads a bounded number of rows a page, and pages find every match once (words, and a filter alone)', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'natter-walk-bound-')), 'natter.db');
  let db: Database.Database | undefined;
  let store: ReturnType<typeof createSqliteStore> | undefined;
  after(async () => {
    db?.close();
    await store?.close();
  });

  it('walks at most WALK_ROWS rows and checks at most SCAN_ROWS bodies a page; all matches once, in order', async () => {
    store = createSqliteStore(file);
    await store.createGroup({ id: 'a', name: 'A', createdAt: 1, historyVisibility: 'all' }, ['viewer', 'talker']);
    await store.createGroup({ id: 'b', name: 'B', createdAt: 1, historyVisibility: 'all' }, ['viewer', 'talker']);
    await store.createGroup({ id: 'noise', name: 'N', createdAt: 1, historyVisibility: 'all' }, ['talker', 'other']);
    // 50,000 rows: the viewer's two groups one row in 16 (every 7th of theirs holds the word 'q'), the
    // rest a conversation the viewer is not in, holding 'q' too.
    const expected: string[] = [];
    const drafts = [];
    for (let i = 0; i < 50_000; i++) {
      if (i % 16 === 0) {
        const text = i % 112 === 0 ? `q ${i}` : `plain ${i}`;
        if (i % 112 === 0) expected.push(text);
        drafts.push(draft(groupKey(i % 32 === 0 ? 'a' : 'b'), i % 112 === 0 ? 'rare' : 'talker', { elem: { type: 'text', text } }));
      } else drafts.push(draft(groupKey('noise'), 'talker', { elem: { type: 'text', text: `q noise ${i}` } }));
    }
    for (let i = 0; i < drafts.length; i += 5000) await store.commitMessages(drafts.slice(i, i + 5000));
    expected.reverse();

    db = new Database(file, { readonly: true });
    let checked = 0;
    const walks: number[] = [];
    const search = createSqliteSearch(db, (body) => JSON.parse(body as string) as Message, {
      checked: () => void checked++,
      walked: (bottom, top) => void walks.push(top - bottom + 1),
    });
    const late: string[] = [];
    // Words (each body checked in JavaScript), and a filter alone (checked in SQL): the same rows.
    for (const query of [{ terms: searchTerms('q', true)! }, { terms: [], filter: { sender: 'rare' } }]) await pageThrough(query);
    async function pageThrough(query: { terms: string[]; filter?: { sender: string } }) {
      // What is stored when the first page is asked for (late messages of a run before included).
      const present = [...late].reverse().concat(expected);
      const found: string[] = [];
      let before: string | undefined;
      let pages = 0;
      for (; ;) {
        checked = 0;
        const walksBefore = walks.length;
        const page = await search.searchMessages('viewer', { ...query, limit: 50, ...(before !== undefined && { before }) });
        pages++;
        assert.equal(walks.length, walksBefore + 1, `page ${pages}: one rowid range walked`);
        assert.ok(walks.at(-1)! <= WALK_ROWS, `page ${pages}: ${walks.at(-1)} rows walked`);
        assert.ok(checked <= SCAN_ROWS, `page ${pages}: ${checked} bodies checked`);
        found.push(...page.map((m) => (m.elem as { text: string }).text));
        before = page.continueBelow ?? (page.length === 50 ? page.at(-1)!.id : undefined);
        if (before === undefined || pages > 100) break;
        // A message arriving between pages is newer than the cursor: never on a later page.
        late.push(`q late ${late.length}`);
        await store!.commitMessages([draft(groupKey('a'), 'rare', { elem: { type: 'text', text: late.at(-1)! } })]);
      }
      assert.equal(new Set(found).size, found.length, 'no match twice');
      assert.deepEqual(found, present, 'every match, newest first');
      assert.ok(pages >= 3, `${pages} pages`);
    }
  });
});
