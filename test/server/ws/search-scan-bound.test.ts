import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SearchResult } from '../../../src/protocol/search-schema.js';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { SCAN_ROWS } from '../../../src/server/store/sqlite-search.js';
import { search } from '../helpers/search.js';
import { createUsers, startServer, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { draft } from '../store/store-contract.js';

/**
 * A query the word index cannot look up (a word of one or two letters, digits) is answered by
 * scanning the searcher's messages, every body parsed and folded on the event loop: one such
 * `search.fetch` over 22,000 messages held every other user's frames 0.5–1.1 s. A scan now checks
 * at most SCAN_ROWS rows; a page it ends early carries a cursor to where it stopped, and paging
 * on finds everything, once.
 */
describe('search: a scan checks a bounded number of messages per page (SQLite)', () => {
  let t: TestServer;
  let alice: TestSocket;
  const total = SCAN_ROWS + 500;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bob');
    await t.rest('POST', '/v1/groups', { id: 'big', name: 'Big', members: ['alice', 'bob'] });
    // The oldest message alone holds a word starting with x; SCAN_ROWS + 499 newer ones come after it.
    const drafts = [draft(groupKey('big'), 'bob', { elem: { type: 'text', text: 'x marks the spot' } })];
    for (let i = 1; i < total; i++) drafts.push(draft(groupKey('big'), 'bob', { elem: { type: 'text', text: `hello world ${i}` } }));
    await t.server.store.commitMessages(drafts);
    alice = await t.login('alice');
  });
  after(() => t.stop());

  /** Every page of a search, followed by its cursors: the texts found and the pages it took. */
  const allPages = async (query: string, extra: Record<string, unknown> = {}) => {
    const found: string[] = [];
    const pages: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await search(alice, query, { ...extra, ...(cursor !== undefined && { cursor }) });
      assert.equal(page.type, 'search.results', JSON.stringify(page));
      if (page.type !== 'search.results') break;
      const results = page.results as SearchResult[];
      found.push(...results.map((r) => (r.message.elem as { text: string }).text));
      pages.push(results.length);
      cursor = page.cursor;
    } while (cursor !== undefined && pages.length < 10);
    return { found, pages };
  };

  for (const [where, extra] of [['across', {}], ['in one conversation', { conversationId: 'group:big' }]] as const) {
    it(`${where}: a one-letter query whose only match is older than the scan ends the page there with a cursor, and the next page finds it`, async () => {
      const { found, pages } = await allPages('x', extra);
      assert.deepEqual(found, ['x marks the spot']);
      // The first page checked the newest SCAN_ROWS and stopped, empty; the second checked the rest.
      assert.deepEqual(pages, [0, 1]);
    });

    it(`${where}: a query that fills its page is paged as before, by its last result`, async () => {
      const first = await search(alice, 'h', { ...extra, limit: 5 });
      assert.ok(first.type === 'search.results');
      assert.deepEqual((first.results as SearchResult[]).map((r) => (r.message.elem as { text: string }).text), [4, 3, 2, 1, 0].map((k) => `hello world ${total - 5 + k}`));
      assert.equal(first.cursor, (first.results as SearchResult[])[4]!.message.id);
    });
  }

  it('a query with no match anywhere pages through the scope to an end, and finds nothing', async () => {
    const { found, pages } = await allPages('q', { limit: 50 });
    assert.deepEqual(found, []);
    assert.deepEqual(pages, [0, 0], 'SCAN_ROWS rows, then the remaining 500');
  });
});
