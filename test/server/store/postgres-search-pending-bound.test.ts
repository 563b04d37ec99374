import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Message } from '../../../src/protocol/index.js';
import { searchTerms } from '../../../src/protocol/search.js';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { newMessageId } from '../../../src/server/core/message-id.js';
import type { Store } from '../../../src/server/core/store.js';
import { moveToIndex, pendingKeys } from '../../../src/server/store/postgres-search.js';
import { SCAN_ROWS } from '../../../src/server/store/postgres-search-walk.js';
import { createPostgresStore } from '../../../src/server/store/postgres-store.js';
import { freshSchema, requirePostgres, type Schema } from '../helpers/services.js';
import { draft } from './store-contract.js';

await requirePostgres();

/**
 * A search with words to look up reads the rows above the index's watermark (the pending list)
 * from the messages table and parses them on the event loop. With the indexing stalled (here: no
 * mover at all, `searchIndex: false`) that list grows without end, and every search read and
 * parsed all of it. It now reads the newest SCAN_ROWS of them; a page holds only matches above the
 * lowest row read and, short, carries a cursor below which the next page goes on: every match,
 * indexed or pending, found once, newest first.
 */
describe('PostgreSQL search with the indexing stalled: a page parses at most SCAN_ROWS pending rows, and pages find every match once', () => {
  let schema: Schema;
  let store: Store;
  const expected: string[] = [];
  const inA: string[] = [];
  const ms = Date.now() - 100_000;
  before(async () => {
    schema = await freshSchema();
    store = await createPostgresStore({ connectionString: schema.url, searchIndex: false });
    // 12 groups: across, each conversation's read is WALK_ROWS / 12 rows (fewer than SCAN_ROWS).
    for (let g = 0; g < 12; g++) await store.createGroup({ id: `g${g}`, name: 'G', createdAt: 1, historyVisibility: 'all' }, ['viewer', 'talker']);
    // 3,000 rows moved into the index by hand ('apple' one in 700), then 12 × SCAN_ROWS + 1,000
    // pending ones the stalled indexing never takes ('apple' one in 1,500).
    const pendingRows = 12 * SCAN_ROWS + 1000;
    const drafts = [];
    for (let i = 0; i < 3000 + pendingRows; i++) {
      const apple = i < 3000 ? i % 700 === 0 : i % 1500 === 0;
      const text = apple ? `apple ${i}` : `pear ${i}`;
      const key = groupKey(`g${i % 12}`);
      if (apple) expected.push(text);
      if (apple && key === groupKey('g0')) inA.push(text);
      drafts.push(draft(key, 'talker', { id: newMessageId(ms + i), elem: { type: 'text', text } }));
      if (drafts.length === 1000) await store.commitMessages(drafts.splice(0));
      if (i === 2999) {
        const pool = new pg.Pool({ connectionString: schema.url, max: 1 });
        const c = await pool.connect();
        while ((await moveToIndex(c, await pendingKeys(c))) > 0);
        c.release();
        await pool.end();
      }
    }
    await store.commitMessages(drafts.splice(0));
    expected.reverse(), inA.reverse();
  });
  after(async () => {
    await store?.close();
    await schema?.drop();
  });

  /** Every page, following `continueBelow` or the last result as core does. */
  async function pageThrough(key: string | undefined, present: string[]) {
    const found: string[] = [];
    let before: string | undefined;
    let pages = 0;
    let short = 0;
    for (;;) {
      const page = await store.searchMessages('viewer', { terms: searchTerms('apple')!, limit: 4, ...(key && { key }), ...(before !== undefined && { before }) });
      pages++;
      const results = page.slice(0, 3);
      found.push(...results.map((m: Message) => (m.elem.type === 'text' ? m.elem.text : '')));
      if (page.length <= 3 && page.continueBelow !== undefined) short++;
      before = page.length > 3 ? results.at(-1)!.id : page.continueBelow;
      if (before === undefined || pages > 100) break;
    }
    assert.equal(new Set(found).size, found.length, 'no match twice');
    assert.deepEqual(found, present, 'every match, indexed and pending, newest first');
    return { pages, short };
  }

  it(`across: pages end short with a cursor (each parses at most ${SCAN_ROWS} pending rows); every match once`, async () => {
    const { short } = await pageThrough(undefined, expected);
    assert.ok(short >= 2, `${short} pages ended early with a cursor`);
  });

  it(`in one conversation (its read ${SCAN_ROWS} rows a page): every match once`, async () => {
    await pageThrough(groupKey('g0'), inA);
  });
});
