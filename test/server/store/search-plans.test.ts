import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Elem } from '../../../src/protocol/index.js';
import { searchTerms } from '../../../src/protocol/search.js';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { newMessageId } from '../../../src/server/core/message-id.js';
import type { Store } from '../../../src/server/core/store.js';
import type { MessageDraft, SearchFilter } from '../../../src/server/core/types.js';
import { createMemoryStore } from '../../../src/server/store/memory-store.js';
import { createPostgresStore } from '../../../src/server/store/postgres-store.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { freshSchema, requirePostgres } from '../helpers/services.js';
import { draft } from './store-contract.js';

await requirePostgres();

/**
 * The SQL stores choose how to search (SQLite: the word index newest first, or the viewer's
 * conversation newest first; PostgreSQL: the id index or the word index): whatever they choose,
 * every page must be what the memory store, which reads everything, returns. The corpus makes
 * each choice happen: a big conversation where a word is common, a small one, one the viewer is
 * not in, rows targeted at someone else, a since-join group the viewer joined late.
 */
const WORDS = ['hello', 'help', 'zanzibar', 'lorem', 'ipsum', 'dolor', '一只斑马在跑', 'report文件', 'ab', 'Café'];
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = () => WORDS[Math.floor(random() * WORDS.length)]!;

function corpus(): MessageDraft[][] {
  const batches: MessageDraft[][] = [];
  const add = (key: string, n: number, sender: string, common: number, visibleTo?: string[]) => {
    let batch: MessageDraft[] = [];
    for (let i = 0; i < n; i++) {
      const words = [pick(), pick(), pick()];
      if (random() < common) words.push('hello');
      // A web address in some texts, a picture now and then (searched for by kind, without words).
      if (random() < 0.1) words.push(random() < 0.5 ? 'https://example.com/x' : 'WWW.example.org');
      const elem: Elem = random() < 0.08 ? { type: 'image', url: `/files/${i}`, width: 1, height: 1, size: 1, mime: 'image/png' } : { type: 'text', text: words.join(' ') };
      const from = random() < 0.3 ? 'v3' : sender;
      batch.push(draft(key, from, { id: newMessageId(), elem }, visibleTo && i % 3 === 0 ? visibleTo : undefined));
      if (batch.length === 200) batches.push(batch), (batch = []);
    }
    if (batch.length) batches.push(batch);
  };
  add(groupKey('big'), 1500, 'v2', 0.5, ['v2', 'v3']);
  add(groupKey('small'), 40, 'v2', 0.05);
  add(groupKey('other'), 1500, 'v2', 0.5);
  add(groupKey('late'), 60, 'v2', 0.3);
  return batches;
}

/** One corpus for every store: the same ids, so their pages compare. */
let batches: MessageDraft[][] | undefined;

async function fill(s: Store): Promise<void> {
  await s.createGroup({ id: 'big', name: 'B', createdAt: 1, historyVisibility: 'all' }, ['v1', 'v2', 'v3']);
  await s.createGroup({ id: 'small', name: 'S', createdAt: 1, historyVisibility: 'all' }, ['v1', 'v2']);
  await s.createGroup({ id: 'other', name: 'O', createdAt: 1, historyVisibility: 'all' }, ['v2', 'v3']);
  await s.createGroup({ id: 'late', name: 'L', createdAt: 1, historyVisibility: 'since-join' }, ['v2']);
  batches ??= corpus();
  for (const b of batches.slice(0, -1)) await s.commitMessages(structuredClone(b));
  await s.addGroupMember('late', 'v1');
  await s.commitMessages(structuredClone(batches[batches.length - 1]!));
}

/** Every result of `query` for v1, page by page (7 a page), as ids. */
async function all(s: Store, query: string, key?: string, filter?: SearchFilter): Promise<string[]> {
  const ids: string[] = [];
  for (let before: string | undefined; ;) {
    const page = await s.searchMessages('v1', { terms: searchTerms(query, true)!, limit: 7, ...(key && { key }), ...(before && { before }), ...(filter && { filter }) });
    ids.push(...page.map((m) => m.id));
    if (page.length < 7) return ids;
    before = page[page.length - 1]!.id;
  }
}

describe('search plans agree with reading everything', () => {
  const stores: [string, Store][] = [];
  let reference: Store;
  let drop = async () => undefined as void;
  /**
   * Every page of `query` (and `filter`) in each SQL store as the memory store's, the stores and
   * the filters walked at once: each walk is its own, and PostgreSQL answers on connections of
   * its own while SQLite answers here (one after the other, the file waited for each in turn).
   */
  const agree = (query: string, key: string | undefined, filters: (SearchFilter | undefined)[], check?: (expected: string[], filter?: SearchFilter) => void) =>
    Promise.all(filters.map(async (filter) => {
      const expected = await all(reference, query, key, filter);
      check?.(expected, filter);
      await Promise.all(stores.map(async ([name, s]) => assert.deepEqual(await all(s, query, key, filter), expected, `${name} ${JSON.stringify(filter ?? {})}`)));
    }));
  before(async () => {
    reference = createMemoryStore();
    await fill(reference);
    const sqlite = createSqliteStore(join(mkdtempSync(join(tmpdir(), 'natter-search-plans-')), 'natter.db'));
    await fill(sqlite);
    const schema = await freshSchema();
    drop = schema.drop;
    const url = schema.url;
    const postgres = await createPostgresStore({ connectionString: url });
    await fill(postgres);
    stores.push(['sqlite', sqlite], ['postgres', postgres]);
  });
  after(async () => {
    for (const [, s] of stores) await s.close();
    await drop();
  });

  for (const query of ['hello', 'hel', 'help', 'zanzibar', '斑马', '马在', 'ab', 'report 文件', 'cafe hello', 'ello', 'nothing']) {
    for (const key of [undefined, groupKey('big'), groupKey('small'), groupKey('late'), groupKey('other')]) {
      it(`"${query}" ${key ?? 'across'}: every page as the memory store's`, async () => {
        await agree(query, key, [undefined], (expected) => {
          if (query === 'hello' && key === undefined) assert.ok(expected.length > 400, 'the common word is common');
        });
      });
    }
  }

  // Filters (sender, id bounds from the corpus's middle, kind) on every plan: still what reading everything finds.
  for (const query of ['hello', 'hel', 'zanzibar', '斑马', 'ab']) {
    for (const key of [undefined, groupKey('big'), groupKey('late')]) {
      it(`"${query}" ${key ?? 'across'}, filtered: every page as the memory store's`, async () => {
        const ids = batches!.flat().map((d) => d.message.id).sort();
        const [low, high] = [ids[Math.floor(ids.length / 4)]!, ids[Math.floor((ids.length * 3) / 4)]!];
        const cases: SearchFilter[] = [{ sender: 'v2' }, { sender: 'v3' }, { kind: 'text', idBelow: high }, { idAbove: low }, { sender: 'v2', idAbove: low, idBelow: high }, { kind: 'file' }];
        await agree(query, key, cases);
      });
    }
  }

  // Without words (a filter set): the kind index or the viewer's conversations, every page as reading everything.
  for (const key of [undefined, groupKey('big'), groupKey('small'), groupKey('late')]) {
    it(`no words ${key ?? 'across'}, by kind, sender and time: every page as the memory store's`, async () => {
      const ids = batches!.flat().map((d) => d.message.id).sort();
      const [low, high] = [ids[Math.floor(ids.length / 4)]!, ids[Math.floor((ids.length * 3) / 4)]!];
      const cases: SearchFilter[] = [{ kind: 'image' }, { kind: 'link' }, { kind: 'image', sender: 'v3' }, { sender: 'v3' }, { kind: 'text', idBelow: high },
        { idAbove: low, idBelow: high }, { kind: 'file' }, { kind: 'link', sender: 'v2', idAbove: low }];
      await agree('', key, cases, (expected, filter) => {
        if (filter?.kind === 'image' && !filter.sender && key === undefined) assert.ok(expected.length > 50, `pictures are many: ${expected.length}`);
      });
    });
  }
});
