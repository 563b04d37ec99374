import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Elem, Message } from '../../../src/protocol/index.js';
import { searchTerms } from '../../../src/protocol/search.js';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { silentLogger } from '../../../src/server/core/logger.js';
import { newMessageId } from '../../../src/server/core/message-id.js';
import { indexWords, searchTextOf } from '../../../src/server/core/search-text.js';
import type { Store } from '../../../src/server/core/store.js';
import { MOVE_ROWS, moveToIndex, pendingKeys, WORDS_VECTOR } from '../../../src/server/store/postgres-search.js';
import { createSearchMover } from '../../../src/server/store/postgres-search-move.js';
import { createPostgresStore } from '../../../src/server/store/postgres-store.js';
import { freshSchema, requirePostgres } from '../helpers/services.js';
import { changeDraft } from './store-changes-contract.js';
import { draft } from './store-contract.js';
import { searchContract } from './store-search-contract.js';

await requirePostgres();

/**
 * The PostgreSQL word index filled in bulk up to a watermark per conversation (postgres-search.ts):
 * search must find the same above the watermark (checked on the bodies) as below it (the index),
 * and the moves must index every row once, with two nodes, after a node's death, and with a
 * change racing a move.
 */
const schemas: { drop(): Promise<void> }[] = [];
after(async () => {
  for (const s of schemas) await s.drop();
});
async function open(options: { searchIndex?: boolean } = {}): Promise<{ store: Store; pool: pg.Pool; url: string }> {
  const s = await freshSchema();
  schemas.push(s);
  return { store: await createPostgresStore({ connectionString: s.url, ...options }), pool: new pg.Pool({ connectionString: s.url, max: 2 }), url: s.url };
}
/** Moves every conversation's rows above its watermark, as a sweep does; answers the rows read. */
async function moveAll(pool: pg.Pool): Promise<number> {
  const c = await pool.connect();
  try {
    return await moveToIndex(c, await pendingKeys(c));
  } finally {
    c.release();
  }
}
const texts = async (s: Store, viewer: string, query: string, key?: string) =>
  (await s.searchMessages(viewer, { terms: searchTerms(query)!, limit: 20, ...(key && { key }) })).map((m) => (m.elem as { text: string }).text);
const send = (s: Store, key: string, texts: string[]) =>
  s.commitMessages(texts.map((text) => draft(key, 'a', { id: newMessageId(), elem: { type: 'text', text } })));
async function marksAndWords(pool: pg.Pool) {
  const { rows } = await pool.query(`SELECT c.key, c.last_seq, coalesce(s.seq, 0) AS mark FROM conversations c LEFT JOIN search_marks s ON s.conv_key = c.key ORDER BY 1`);
  const { rows: [w] } = await pool.query('SELECT count(*)::int AS n, count(DISTINCT (conv_key, seq))::int AS distinct FROM message_words');
  return { behind: rows.filter((r) => Number(r.mark) !== Number(r.last_seq)).map((r) => r.key), words: w.n as number, distinct: w.distinct as number };
}

describe('PostgreSQL search above the watermark: every row pending (a node that never moves)', () => {
  let store: Store;
  let pool: pg.Pool;
  before(async () => ({ store, pool } = await open({ searchIndex: false })));
  after(async () => {
    await store.close();
    await pool.end();
  });
  searchContract(() => store);
  it('moved nothing: the contract ran on the bodies alone', async () => {
    assert.equal((await pool.query('SELECT 1 FROM message_words')).rowCount, 0);
  });
});

describe('PostgreSQL search below the watermark: every row moved before each search', () => {
  let base: Store;
  let store: Store;
  let pool: pg.Pool;
  let moved = 0;
  before(async () => {
    ({ store: base, pool } = await open({ searchIndex: false }));
    // Changes between the moves rewrite the words of rows below the watermark (rewriteWords).
    store = { ...base, searchMessages: async (viewer, request) => {
      moved += await moveAll(pool);
      return base.searchMessages(viewer, request);
    } };
  });
  after(async () => {
    await store.close();
    await pool.end();
  });
  searchContract(() => store);
  it('moved every row the contract committed before its searches', async () => {
    assert.ok(moved > 20, `moved ${moved}`);
    assert.equal((await marksAndWords(pool)).behind.length, 0);
  });
  it('merges rows above and below the watermark newest first, paged by id', async () => {
    await store.createGroup({ id: 'mix', name: 'Mix', createdAt: 1 }, ['a', 'b']);
    const k = groupKey('mix');
    await send(store, k, ['mixed 1', 'mixed 2', 'other', 'mixed 3']);
    await moveAll(pool);
    await send(store, k, ['mixed 4', 'mixed 5']);
    // Not through the wrapper's move: two rows above the watermark, three below.
    const raw = (limit: number, before?: string) => base.searchMessages('b', { terms: ['mixed'], limit, key: k, ...(before && { before }) });
    assert.deepEqual((await marksAndWords(pool)).behind, [k]);
    const first = await raw(3);
    assert.deepEqual(first.map((m) => (m.elem as { text: string }).text), ['mixed 5', 'mixed 4', 'mixed 3']);
    const second = await raw(3, first[2]!.id);
    assert.deepEqual(second.map((m) => (m.elem as { text: string }).text), ['mixed 2', 'mixed 1']);
  });
});

describe('PostgreSQL search index moves', () => {
  it('a node moves what it committed soon after, off the commit path; the commit writes no words', async () => {
    const { store, pool } = await open();
    try {
      await store.createGroup({ id: 'soon', name: 'Soon', createdAt: 1 }, ['a', 'b']);
      await send(store, groupKey('soon'), ['soon one', 'soon two', 'soon three']);
      const { rows: [row] } = await pool.query('SELECT count(search_text)::int AS texts, count(search_words)::int AS words FROM messages');
      assert.deepEqual(row, { texts: 0, words: 0 });
      for (let i = 0; i < 100 && (await marksAndWords(pool)).behind.length > 0; i++) await sleep(50);
      assert.deepEqual(await marksAndWords(pool), { behind: [], words: 3, distinct: 3 });
      assert.deepEqual(await texts(store, 'b', 'soon'), ['soon three', 'soon two', 'soon one']);
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it('rows a dead node left above the watermark are found meanwhile and moved by the next node to start', async () => {
    const { store: dead, pool, url } = await open({ searchIndex: false });
    try {
      for (let g = 0; g < 3; g++) {
        await dead.createGroup({ id: `d${g}`, name: 'D', createdAt: 1 }, ['a', 'b']);
        await send(dead, groupKey(`d${g}`), Array.from({ length: 10 }, (_, i) => `orphan ${g} ${i}`));
      }
      assert.equal((await texts(dead, 'b', 'orphan')).length, 20, 'found on their bodies');
      assert.equal((await marksAndWords(pool)).behind.length, 3);
      const next = await createPostgresStore({ connectionString: url });
      // Opening swept them in.
      assert.deepEqual(await marksAndWords(pool), { behind: [], words: 30, distinct: 30 });
      assert.equal((await texts(next, 'b', 'orphan')).length, 20);
      await next.close();
    } finally {
      await dead.close();
      await pool.end();
    }
  });

  it('two nodes committing and moving at once index every row once', async () => {
    const { store: a, pool, url } = await open();
    const b = await createPostgresStore({ connectionString: url });
    try {
      const keys = Array.from({ length: 5 }, (_, g) => groupKey(`t${g}`));
      for (let g = 0; g < 5; g++) await a.createGroup({ id: `t${g}`, name: 'T', createdAt: 1 }, ['a', 'b']);
      const batches = (node: Store, tag: string) => (async () => {
        for (let i = 0; i < 12; i++) await send(node, keys[i % 5]!, Array.from({ length: 250 }, (_, j) => `twin ${tag} ${i} ${j}`));
      })();
      // Beside the nodes' own moves (each passes MOVE_AT), a third mover sweeping all along.
      let busy = true;
      const sweeper = (async () => {
        while (busy) await moveAll(pool);
      })();
      await Promise.all([batches(a, 'a'), batches(b, 'b')]);
      busy = false;
      await sweeper;
      await a.close();
      await b.close();
      assert.deepEqual(await marksAndWords(pool), { behind: [], words: 6000, distinct: 6000 });
    } finally {
      await a.close();
      await b.close();
      await pool.end();
    }
  });

  it('a move reads MOVE_ROWS rows at most, raising each watermark to the last row it read; the next takes the rest', async () => {
    const { store, pool } = await open({ searchIndex: false });
    try {
      for (const g of ['c1', 'c2']) await store.createGroup({ id: g, name: g, createdAt: 1 }, ['a', 'b']);
      for (let i = 0; i < 6; i++) await send(store, groupKey(i < 3 ? 'c1' : 'c2'), Array.from({ length: 1000 }, (_, j) => `chunk ${i} ${j}`));
      const c = await pool.connect();
      try {
        const keys = [groupKey('c1'), groupKey('c2')];
        assert.equal(await moveToIndex(c, keys), MOVE_ROWS);
        const { rows } = await pool.query('SELECT conv_key, seq FROM search_marks ORDER BY 1');
        assert.deepEqual(rows.map((r) => [r.conv_key, Number(r.seq)]), [[keys[0], 3000], [keys[1], MOVE_ROWS - 3000]]);
        assert.equal((await marksAndWords(pool)).words, MOVE_ROWS);
        assert.equal(await moveToIndex(c, keys), 6000 - MOVE_ROWS);
        assert.deepEqual(await marksAndWords(pool), { behind: [], words: 6000, distinct: 6000 });
        assert.equal(await moveToIndex(c, keys), 0);
      } finally {
        c.release();
      }
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it('a change waits for a move of its conversation, then rewrites the words the move wrote', async () => {
    const { store, pool } = await open({ searchIndex: false });
    const mover = await pool.connect();
    try {
      await store.createGroup({ id: 'race', name: 'Race', createdAt: 1 }, ['a', 'b']);
      const k = groupKey('race');
      const [sent] = await send(store, k, ['original narwhal']);
      const id = sent!.status === 'committed' ? sent!.message.id : assert.fail();
      // A move under way: the watermark locked and raised, the words of the body it read written.
      await mover.query('BEGIN');
      await mover.query(`INSERT INTO search_marks (conv_key, seq) VALUES ($1, 0) ON CONFLICT DO NOTHING`, [k]);
      await mover.query('SELECT 1 FROM search_marks WHERE conv_key = $1 FOR UPDATE', [k]);
      await mover.query(`INSERT INTO message_words (conv_key, seq, id, text, words) VALUES ($1, 1, $2, 'original narwhal', ${WORDS_VECTOR(`'original narwhal'`)})`, [k, id]);
      await mover.query('UPDATE search_marks SET seq = 1 WHERE conv_key = $1', [k]);
      let done = false;
      const edit = store.commitChange(changeDraft(k, 'a', id, { kind: 'edit', text: 'edited beluga' })).finally(() => (done = true));
      await sleep(300);
      assert.equal(done, false, 'the change waits for the move');
      await mover.query('COMMIT');
      assert.equal((await edit).status, 'committed');
      assert.deepEqual(await texts(store, 'b', 'narwhal'), []);
      assert.deepEqual(await texts(store, 'b', 'beluga'), ['edited beluga']);
      const { rows } = await pool.query('SELECT text FROM message_words');
      assert.deepEqual(rows.map((r) => r.text), ['edited beluga']);
      // And a recall of a row below the watermark takes its words out.
      await store.commitChange(changeDraft(k, 'a', id, { kind: 'recall' }));
      assert.equal((await pool.query('SELECT 1 FROM message_words')).rowCount, 0);
    } finally {
      mover.release();
      await store.close();
      await pool.end();
    }
  });

  it('a move that failed is tried again after a short backoff, without a further commit or the sweep', async () => {
    const { store, pool } = await open({ searchIndex: false });
    // The first connection is refused (nothing listens on port 1); the next ones reach PostgreSQL.
    const refused = new pg.Pool({ host: '127.0.0.1', port: 1 });
    let connects = 0;
    const mover = createSearchMover(() => (connects++ === 0 ? refused.connect() : pool.connect()), silentLogger);
    try {
      await store.createGroup({ id: 'retry', name: 'Retry', createdAt: 1 }, ['a', 'b']);
      await send(store, groupKey('retry'), ['retried walrus']);
      mover.committed([groupKey('retry')], 1);
      // Within 5 s; this mover's sweep comes after SWEEP_MS (60 s).
      for (let i = 0; i < 100 && (await marksAndWords(pool)).behind.length > 0; i++) await sleep(50);
      assert.deepEqual(await marksAndWords(pool), { behind: [], words: 1, distinct: 1 });
      assert.equal(connects, 2, 'the failed move, then its retry');
    } finally {
      await mover.close();
      await store.close();
      await refused.end();
      await pool.end();
    }
  });
});

/** `text` with every lone surrogate as U+FFFD (String.prototype.toWellFormed, past this project's lib). */
const wellFormed = (text: string) => text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

describe('PostgreSQL search index moves: words made in SQL', () => {
  it('index every kind of text as searchTextOf and indexWords do (plain ASCII in the statement, the rest here)', async () => {
    const { store, pool } = await open({ searchIndex: false });
    try {
      await store.createGroup({ id: 'eq', name: 'Eq', createdAt: 1 }, ['a', 'b']);
      const k = groupKey('eq');
      const elems: Elem[] = [
        ...['Hello, World!', 'ISTANBUL under_score x-y 42abc a1b2 Order #4411', 'Iı turkish', 'a  b\\c "q" {x} ~`!@#$%^&*()', '  ', '!!!', 'AAA aaa AaA', 'tab\there', 'nul\u0000here',
          'lone \ud800 surrogate', 'café Zürich', '一只斑马在跑 mixed ASCII', 'emoji 😀 ok', 'ＡＢＣ full width', ''].map((text): Elem => ({ type: 'text', text })),
        { type: 'file', url: '/f', name: 'Quarterly-Report.PDF', size: 1, mime: 'application/pdf' },
        { type: 'custom', data: 'x' },
        { type: 'location', description: 'Main St 5', latitude: 1, longitude: 2 },
      ];
      await store.commitMessages(elems.map((elem) => draft(k, 'a', { id: newMessageId(), elem })));
      await moveAll(pool);
      const { rows } = await pool.query<{ seq: string; text: string; words: string }>('SELECT seq, text, words::text AS words FROM message_words ORDER BY seq');
      const expected = elems.map((elem, i) => {
        const text = searchTextOf({ elem } as Message);
        const words = indexWords(text);
        // PostgreSQL receives a lone surrogate as U+FFFD (the driver's UTF-8), as it always did.
        return text === null ? null : { seq: i + 1, text: wellFormed(text), words: words === null ? [] : [...new Set(wellFormed(words).split(' '))].sort() };
      }).filter((r) => r !== null);
      const parse = (tsv: string) => (tsv === '' ? [] : tsv.split(' ').map((w) => w.slice(1, -1).replace(/''/g, "'")).sort());
      assert.deepEqual(rows.map((r) => ({ seq: Number(r.seq), text: r.text, words: parse(r.words) })), expected);
      assert.equal((await marksAndWords(pool)).behind.length, 0);
    } finally {
      await store.close();
      await pool.end();
    }
  });
});
