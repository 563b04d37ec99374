import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Message } from '../../../src/protocol/index.js';
import { searchTerms } from '../../../src/protocol/search.js';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { newMessageId } from '../../../src/server/core/message-id.js';
import type { Store } from '../../../src/server/core/store.js';
import type { SearchFilter } from '../../../src/server/core/types.js';
import { moveToIndex, pendingKeys } from '../../../src/server/store/postgres-search.js';
import { SCAN_ROWS, WALK_ROWS } from '../../../src/server/store/postgres-search-walk.js';
import { createPostgresStore } from '../../../src/server/store/postgres-store.js';
import { freshSchema, requirePostgres, type Schema } from '../helpers/services.js';
import { draft } from './store-contract.js';

await requirePostgres();

/**
 * A term the word index cannot look up (one or two letters, digits) and a search by filters alone
 * read the searcher's rows newest first until a page was full: a rare one read every row of their
 * conversations, a time that grew with them. A page now walks at most
 * WALK_ROWS rows of the id order and reads at most SCAN_ROWS of the searcher's, ending short with
 * a cursor (`continueBelow`) where it stopped; paging on finds every match once, newest first,
 * messages arriving between pages, rows above the index's watermark (checked in JavaScript) too.
 */
describe('PostgreSQL search without an index lookup: a page reads a bounded number of rows, and pages find every match once', () => {
  let schema: Schema;
  let store: Store;
  let pool: pg.Pool;
  const expected = { q: [] as string[], rare: [] as string[], image: [] as string[], inA: [] as string[], noisy: [] as string[] };
  /** Ids of the viewer's messages (groups a and b): a cursor is always one of them, never another conversation's. */
  const viewers = new Set<string>();
  const ms = Date.now() - 100_000;
  before(async () => {
    schema = await freshSchema();
    store = await createPostgresStore({ connectionString: schema.url });
    pool = new pg.Pool({ connectionString: schema.url, max: 2 });
    await store.createGroup({ id: 'a', name: 'A', createdAt: 1, historyVisibility: 'all' }, ['viewer', 'talker', 'rare']);
    await store.createGroup({ id: 'b', name: 'B', createdAt: 1, historyVisibility: 'all' }, ['viewer', 'talker', 'rare']);
    await store.createGroup({ id: 'noise', name: 'N', createdAt: 1, historyVisibility: 'all' }, ['talker', 'other']);
    // 50,000 rows, oldest first: the viewer's groups one row in 8 (6,250: more than SCAN_ROWS in a
    // walk of WALK_ROWS), one of those in 301 holding the word 'q' (sent by 'rare'), one in 50 a picture;
    // the rest a conversation the viewer is not in, holding 'q' and pictures too, mostly sent by 'noisy' (21 of the viewer's too).
    const drafts = [];
    for (let i = 0; i < 50_000; i++) {
      const id = newMessageId(ms + i);
      if (i % 8 === 0) {
        const key = groupKey(i % 16 === 0 ? 'a' : 'b');
        viewers.add(id);
        if (i % 400 === 0) {
          drafts.push(draft(key, 'talker', { id, elem: { type: 'image', url: `https://x.example/${i}.png`, width: 1, height: 1, size: 1, mime: 'image/png' } }));
          expected.image.push(String(i));
        } else {
          const q = i % 2408 === 0;
          const text = q ? `q ${i}` : `plain ${i}`;
          if (q) expected.q.push(text), expected.rare.push(text);
          if (q && key === groupKey('a')) expected.inA.push(text);
          const noisy = i % 2408 === 1208;
          if (noisy) expected.noisy.push(text);
          drafts.push(draft(key, q ? 'rare' : noisy ? 'noisy' : 'talker', { id, elem: { type: 'text', text } }));
        }
      } else if (i % 100 === 1) {
        drafts.push(draft(groupKey('noise'), 'talker', { id, elem: { type: 'image', url: `https://x.example/n${i}.png`, width: 1, height: 1, size: 1, mime: 'image/png' } }));
      } else drafts.push(draft(groupKey('noise'), 'noisy', { id, elem: { type: 'text', text: `q noise ${i}` } }));
      // The older 40,000 in the word index, the newest 10,000 above its watermark (checked in JavaScript).
      if (drafts.length === 5000) {
        await store.commitMessages(drafts.splice(0));
        if (i < 40_000) await moveAll();
      }
    }
    for (const list of Object.values(expected)) list.reverse();
  });
  after(async () => {
    await pool?.end();
    await store?.close();
    await schema?.drop();
  });

  async function moveAll(): Promise<void> {
    const c = await pool.connect();
    try {
      while ((await moveToIndex(c, await pendingKeys(c))) > 0);
    } finally {
      c.release();
    }
  }

  const label = (m: Message) => (m.elem.type === 'text' ? m.elem.text : m.elem.type === 'image' ? /(\d+)\.png$/.exec(m.elem.url)![1]! : m.elem.type);

  /** Every page of a search, following `continueBelow` or the last result as core does; a late message (in b, 'q', from 'later') between pages. */
  async function pageThrough(terms: string[], filter: SearchFilter | undefined, key: string | undefined, present: string[]) {
    const found: string[] = [];
    const late: string[] = [];
    let before: string | undefined;
    let pages = 0;
    let short = 0;
    for (;;) {
      const page = await store.searchMessages('viewer', { terms, limit: 21, ...(key && { key }), ...(filter && { filter }), ...(before !== undefined && { before }) });
      pages++;
      const results = page.slice(0, 20);
      found.push(...results.map(label));
      if (page.length <= 20 && page.continueBelow !== undefined) {
        short++;
        assert.ok(viewers.has(page.continueBelow), `page ${pages}: its cursor ${page.continueBelow} is a message of the viewer's`);
      }
      before = page.length > 20 ? results.at(-1)!.id : page.continueBelow;
      if (before === undefined || pages > 200) break;
      // A message arriving between pages is newer than the cursor: never on a later page.
      const text = `q late ${late.length}`;
      late.push(text);
      await store.commitMessages([draft(groupKey('b'), 'later', { id: newMessageId(), elem: { type: 'text', text } })]);
    }
    assert.equal(new Set(found).size, found.length, 'no match twice');
    assert.deepEqual(found, present, 'every match, newest first');
    return { pages, short, late };
  }

  it(`across, a one-letter term: pages walking at most ${WALK_ROWS} rows and reading ${SCAN_ROWS} of the viewer's end short with a cursor; every match once`, async () => {
    const { pages, short } = await pageThrough(searchTerms('q')!, undefined, undefined, expected.q);
    assert.ok(short >= 2, `${short} of ${pages} pages ended early with a cursor (each reads at most ${SCAN_ROWS} of the viewer's rows)`);
  });

  it('across, filters alone (a sender; a picture, by the kind index): every match once, the pages bounded alike', async () => {
    // A sender is walked in their own rows (the (sender, id) index): a rare one's (21) are one page, no walk of the id order.
    const rare = await pageThrough([], { sender: 'rare' }, undefined, expected.rare);
    assert.equal(rare.short, 0, 'a rare sender: no page ends early');
    // A prolific one's (43,000 in a conversation the viewer is not in, 21 in theirs): WALK_ROWS of their rows a page.
    const { short } = await pageThrough([], { sender: 'noisy' }, undefined, expected.noisy);
    assert.ok(short >= 2, `${short} pages ended early`);
    await pageThrough([], { kind: 'image' }, undefined, expected.image);
  });

  it('in one conversation, a two-character term and filters alone: every match once, the pages bounded', async () => {
    const { short } = await pageThrough(searchTerms('q')!, undefined, groupKey('a'), expected.inA);
    assert.ok(short >= 1, `${short} pages ended early`);
    const rare = await pageThrough([], { sender: 'rare', kind: 'text' }, groupKey('a'), expected.inA);
    assert.equal(rare.short, 0, 'a rare sender in one conversation: no page ends early');
  });
});
