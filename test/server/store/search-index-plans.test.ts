import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Message } from '../../../src/protocol/index.js';
import { searchTerms } from '../../../src/protocol/search.js';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import type { MessageDraft, SearchFilter } from '../../../src/server/core/types.js';
import { createPostgresSearch, WORDS_VECTOR } from '../../../src/server/store/postgres-search.js';
import { createPostgresStore } from '../../../src/server/store/postgres-store.js';
import { scanFloorStatement, searchStatements, type SearchShape } from '../../../src/server/store/sqlite-search.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { freshSchema, requirePostgres } from '../helpers/services.js';
import { draft } from './store-contract.js';

await requirePostgres();

/**
 * Plan regressions: a search that stops using its index still returns the right rows (the other
 * search suites pass), only slowly, on a big database; until now only the benchmark told. These
 * tests read the plans the databases choose for the statements search runs and fail when one
 * walks a table it should look up.
 */
describe('sqlite search: every statement keeps its index (EXPLAIN QUERY PLAN)', () => {
  let db: Database.Database;
  before(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'natter-search-index-plans-')), 'natter.db');
    const store = createSqliteStore(file);
    for (let g = 0; g < 20; g++) await store.createGroup({ id: `g${g}`, name: `G${g}`, createdAt: 1, historyVisibility: g % 2 ? 'since-join' : 'all' }, ['v', `u${g}`]);
    const batch: MessageDraft[] = [];
    for (let i = 0; i < 4000; i++) batch.push(draft(groupKey(`g${i % 20}`), `u${i % 20}`, { elem: { type: 'text', text: `hello word${i % 97} 斑马${i % 13}` } }));
    await store.commitMessages(batch);
    await store.close();
    db = new Database(file);
    // Planning needs the function to exist, not to run.
    db.function('natter_match', { varargs: true }, () => 1);
  });
  after(() => db?.close());

  const params = { viewer: 'v', terms: '["hello"]', limit: 20, floor: 1, offset: 1999, top: 20000, key: groupKey('g0'), row: 100, before: 'x', match: '"hello"', from: 'u0', idAbove: 'a', idBelow: 'z', kind: 'text' };
  /** Each statement's plan, one line per step. */
  const plans = (shape: SearchShape) => [...searchStatements(shape), ...(shape.floor || shape.range ? [scanFloorStatement({ ...shape, floor: false })] : [])].map((sql) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail));

  const shapes: SearchShape[] = [];
  for (const plan of ['index', 'above', 'scan', 'scan-few'] as const) {
    for (const key of [false, true]) for (const cursor of [undefined, 'row', 'id'] as const) {
      shapes.push({ plan, key, cursor });
      // Every filter set (sender, id bounds, kind): the same indexes, the filters tested on the rows they give.
      shapes.push({ plan, key, cursor, filter: { sender: true, above: true, below: true, kind: true } });
      // A scan past SCAN_ROWS rows: the floor's native walk, then the scan above it.
      if (plan === 'scan' || plan === 'scan-few') shapes.push({ plan, key, cursor, floor: true });
      // Across, a page walks one rowid range (WALK_ROWS): the floor's native walk and the scan in it.
      if ((plan === 'scan' || plan === 'scan-few') && !key) shapes.push({ plan, key, cursor, range: true }, { plan, key, cursor, range: true, filter: { sender: true, kind: true } });
    }
  }
  // Without words: the kind index, or the viewer's conversations (a sender, a time, text).
  for (const key of [false, true]) for (const cursor of [undefined, 'row', 'id'] as const) {
    shapes.push({ plan: 'kinds', key, cursor, noWords: true, filter: { kind: true } });
    shapes.push({ plan: 'kinds', key, cursor, noWords: true, filter: { sender: true, above: true, below: true, kind: true } });
    shapes.push({ plan: 'scan', key, cursor, noWords: true, filter: { sender: true } });
    shapes.push({ plan: 'scan', key, cursor, noWords: true, filter: { above: true, below: true, kind: true } });
    // Across, as the store runs them: one rowid range a page.
    if (!key) shapes.push({ plan: 'scan', key, cursor, noWords: true, range: true, filter: { sender: true } }, { plan: 'scan', key, cursor, noWords: true, range: true, filter: { above: true, below: true, kind: true } });
  }
  const name = (s: SearchShape) => `${s.plan}${s.noWords ? ' without words' : ''}, ${s.key ? 'in one conversation' : 'across'}${s.cursor ? `, cursor by ${s.cursor}` : ''}${s.filter ? `, filtered by ${Object.keys(s.filter).join(' ')}` : ''}${s.floor ? ', above its floor (and the floor)' : ''}${s.range ? ', one rowid range (and its floor)' : ''}`;

  /** What every plan of a shape must (and must not) do. */
  const check = (shape: SearchShape, steps: string[][]) => {
    for (const plan of steps) {
      const text = plan.join('\n');
      assert.doesNotMatch(text, /^SCAN (m|ms|messages|memberships)\b/m, `no full scan of messages or memberships:\n${text}`);
      // By its key, or (after ANALYZE, in a loop that knows the conversation) by memberships_by_conv: either is one probe.
      assert.match(text, /^SEARCH ms USING (PRIMARY KEY \(user_id=\?|INDEX memberships_by_conv \(conv_key=\? AND user_id=\?\))/m, `the viewer's memberships by key:\n${text}`);
      assert.match(text, /^SEARCH g USING INDEX sqlite_autoindex_groups_1 \(id=\?\)/m, `the group by its id:\n${text}`);
    }
    if (shape.plan === 'kinds') {
      // The kind index (partial: pictures, media, files, links) newest first, with no sort: a
      // search for "every picture" reads the pictures it returns and the ones it skips, not the table.
      const [walk] = steps;
      assert.match(walk![0]!, /^SEARCH m USING INDEX messages_kind \(search_kind=\?( AND rowid<\?)?\)/, `the walk starts with the kind index:\n${walk!.join('\n')}`);
      assert.ok(!walk!.some((s) => s.includes('TEMP B-TREE')), `no sort:\n${walk!.join('\n')}`);
      return;
    }
    if (shape.plan === 'index' || shape.plan === 'above') {
      const [walk, above] = shape.plan === 'index' ? steps : [undefined, steps[0]!];
      if (walk) {
        // The FTS5 walk in rowid order (newest first, no sort: a sort reads every match first),
        // the cursor's row handed to FTS5 so the walk starts below it.
        assert.match(walk[0]!, /^SCAN w VIRTUAL TABLE INDEX \d+:M1/, `the walk starts with the word index:\n${walk.join('\n')}`);
        if (shape.cursor === 'row') assert.match(walk[0]!, /:M1</, 'the cursor bounds the walk');
        assert.ok(walk.includes('SEARCH m USING INTEGER PRIMARY KEY (rowid=?)'), `each match's row by its rowid:\n${walk.join('\n')}`);
        assert.ok(!walk.some((s) => s.includes('TEMP B-TREE')), `no sort:\n${walk.join('\n')}`);
      }
      // The rows above the watermark by rowid, newest first: never by the conversation's index,
      // which reads the whole conversation.
      const range = shape.cursor === 'row' ? 'rowid>? AND rowid<?' : 'rowid>?';
      assert.ok(above!.includes(`SEARCH m USING INTEGER PRIMARY KEY (${range})`), `the rows above the watermark by rowid:\n${above!.join('\n')}`);
      assert.ok(!above!.some((s) => s.includes('TEMP B-TREE') || s.includes('sqlite_autoindex_messages_1')), `no sort, no conversation index:\n${above!.join('\n')}`);
      return;
    }
    if (shape.range) {
      // The rowid range newest first, no sort, never the conversation's index: at most WALK_ROWS
      // rows read, whatever the viewer's conversations hold.
      for (const scan of steps) {
        assert.ok(scan.includes('SEARCH m USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)'), `the rowid range:\n${scan.join('\n')}`);
        assert.ok(!scan.some((s) => s.includes('TEMP B-TREE') || s.includes('sqlite_autoindex_messages_1')), `no sort, no conversation index:\n${scan.join('\n')}`);
      }
      return;
    }
    // The scan, and the floor's walk before it (the same rows in the same order, natively).
    for (const scan of steps) {
      // The conversation's rows by (conv_key, seq); with the index's few matches, SQLite may take
      // them (and the rows above the watermark) by rowid instead, once it has statistics.
      const byConversation = scan.includes('SEARCH m USING INDEX sqlite_autoindex_messages_1 (conv_key=?)');
      const byList = shape.plan === 'scan-few' && scan.includes('MULTI-INDEX OR');
      assert.ok(byConversation || byList, `the conversation's rows by (conv_key, seq):\n${scan.join('\n')}`);
      // In one conversation the (conv_key, seq) index gives newest first; across, the viewer's
      // conversations are merged by a sort.
      if (shape.key) assert.ok(!scan.some((s) => s.includes('TEMP B-TREE')), `no sort in one conversation:\n${scan.join('\n')}`);
      if (shape.plan === 'scan-few') assert.ok(scan.some((s) => /^SCAN messages_words VIRTUAL TABLE INDEX \d+:M1/.test(s)), `the index's matches as a list:\n${scan.join('\n')}`);
    }
  };

  for (const shape of shapes) it(`${name(shape)}: as planned without statistics (as the store runs)`, () => check(shape, plans(shape)));
  it('every shape as planned after ANALYZE too (a deployment that ran it)', () => {
    db.exec('ANALYZE');
    for (const shape of shapes) check(shape, plans(shape));
  });
});

/**
 * PostgreSQL: 200,000 messages in 200 conversations (the viewer in 10), analysed, as autovacuum
 * would have it. A rare word must be looked up in `messages_conv_words` (migration 26), in one
 * conversation and across, not found by reading the viewer's messages down the id index.
 */
describe('postgres search: a rare term takes the (conversation, words) index (EXPLAIN)', () => {
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let pool: pg.Pool;
  before(async () => {
    schema = await freshSchema();
    const store = await createPostgresStore({ connectionString: schema.url });
    for (let g = 0; g < 200; g++) await store.createGroup({ id: `g${g}`, name: `G${g}`, createdAt: 1, historyVisibility: 'all' }, g % 20 === 0 ? ['v', `u${g}`] : [`u${g}`, `w${g}`]);
    await store.close();
    pool = new pg.Pool({ connectionString: schema.url, max: 1 });
    // As a move writes them (message_words: text folded, words from our words, postgres-search.ts),
    // in bulk: a common word in a tenth of the rows (in every row of g0, the viewer's: far more
    // common there than in the table), a rare one in 1 of 10,000, a Chinese pair in 1 of 1,000.
    // Every row below its conversation's watermark but the last ten of each (pending).
    await pool.query(`
      CREATE TEMP TABLE r AS
        SELECT i, 'group:g' || (i % 200) AS k, i / 200 + 1 AS seq, lpad(i::text, 12, '0') AS id,
          concat_ws(' ', CASE WHEN i % 10 = 0 THEN 'hello' END, 'word' || (i % 997), 'filler' || (i % 31),
            CASE WHEN i % 10000 = 7 THEN 'zanzibar' END, CASE WHEN i % 1000 = 3 THEN '斑 马' END) AS words
        FROM generate_series(0, 199999) AS i;
      INSERT INTO messages (conv_key, seq, id, sender, client_msg_id, body)
      SELECT k, seq, id, 'u1', 'c' || i,
        json_build_object('id', id, 'conversationId', k, 'seq', seq, 'clientMsgId', 'c' || i, 'sender', 'u1', 'time', 1,
          'elem', json_build_object('type', 'text', 'text', words))::text
      FROM r;
      INSERT INTO message_words (conv_key, seq, id, text, words) SELECT k, seq, id, words, ${WORDS_VECTOR('words')} FROM r WHERE seq <= 990;
      INSERT INTO search_marks (conv_key, seq) SELECT 'group:g' || g, 990 FROM generate_series(0, 199) AS g ON CONFLICT (conv_key) DO UPDATE SET seq = 990`);
    // A picture in one of a hundred rows after them (seqs 1001–1010, pending: read from messages).
    await pool.query(`
      INSERT INTO messages (conv_key, seq, id, sender, client_msg_id, body)
      SELECT 'group:g' || (i % 200), 1001 + i / 200, lpad((200000 + i)::text, 12, '0'), 'u' || (i % 7), 'p' || i,
        json_build_object('id', lpad((200000 + i)::text, 12, '0'), 'conversationId', 'group:g' || (i % 200), 'seq', 1001 + i / 200,
          'clientMsgId', 'p' || i, 'sender', 'u' || (i % 7), 'time', 1,
          'elem', json_build_object('type', 'image', 'url', '/f/' || i, 'width', 1, 'height', 1, 'size', 1, 'mime', 'image/png'))::text
      FROM generate_series(0, 1999) AS i`);
    await pool.query('UPDATE conversations SET last_seq = 1010');
    await pool.query('ANALYZE messages, message_words, search_marks, memberships, groups, conversations');
  });
  after(async () => {
    await pool?.end();
    await schema?.drop();
  });

  /** The plan PostgreSQL chooses for the statement search runs for `query` (scope: one conversation or all; '': none, by the filters). */
  const planOf = async (query: string, key?: string, filter?: SearchFilter): Promise<PlanNode[]> => {
    let plan: { Plan: PlanNode }[] = [];
    const explain = createPostgresSearch(async (sql, params) => {
      plan = (await pool.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)).rows[0]['QUERY PLAN'];
      return [];
    }, () => ({}) as Message);
    await explain.searchMessages('v', { terms: searchTerms(query, true)!, limit: 20, ...(key && { key }), ...(filter && { filter }) });
    const all: PlanNode[] = [];
    const walk = (n: PlanNode) => {
      all.push(n);
      n.Plans?.forEach(walk);
    };
    walk(plan[0]!.Plan);
    if (process.env['SHOW_PLANS']) console.error(query, key, filter, '\n' + show(all));
    return all;
  };
  const show = (nodes: PlanNode[]) => nodes.map((n) => `${n['Node Type']} ${n['Relation Name'] ?? ''} ${n['Index Name'] ?? ''}`).join('\n');
  const seqScanOfMessages = (nodes: PlanNode[]) => nodes.some((n) => n['Node Type'] === 'Seq Scan' && /^(messages|message_words)$/.test(n['Relation Name'] ?? ''));

  it('the index exists (btree_gin installed): without it the test below has nothing to find', async () => {
    const { rowCount } = await pool.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'message_words_conv_words' AND schemaname = current_schema()`);
    assert.equal(rowCount, 1);
  });
  for (const [what, query] of [['a rare word', 'zanzibar'], ['a rare Chinese pair', '斑马']] as const) {
    for (const key of [groupKey('g0'), undefined]) {
      it(`${what} ${key ? 'in one conversation' : 'across'} is looked up in message_words_conv_words`, async () => {
        const plan = await planOf(query, key);
        assert.ok(plan.some((n) => n['Index Name'] === 'message_words_conv_words'), `message_words_conv_words not used:\n${show(plan)}`);
        assert.ok(!seqScanOfMessages(plan), `a sequential scan of messages:\n${show(plan)}`);
      });
    }
  }
  // Filters (sender, id bounds, kind) are tested on the rows the same indexes give: a sender
  // common or absent, a kind read from the body, the id bounds on the walks.
  const filters: SearchFilter[] = [
    { sender: 'u1' }, { sender: 'nobody' }, { kind: 'file' }, { idAbove: '000000100000', idBelow: '000000150000' },
    { sender: 'u1', kind: 'text', idBelow: '000000199000' },
  ];
  it('filtered: a rare word still takes message_words_conv_words, a common one in one conversation still walks its id index, never a sequential scan', async () => {
    for (const filter of filters) {
      for (const key of [groupKey('g0'), undefined]) {
        const rare = await planOf('zanzibar', key, filter);
        // With id bounds the planner may take the bounded (conversation, id) range instead: as few rows or fewer.
        const indexes = filter.idAbove !== undefined ? ['message_words_conv_words', 'message_words_conv_id'] : ['message_words_conv_words'];
        assert.ok(rare.some((n) => indexes.includes(n['Index Name'] ?? '')), `message_words_conv_words not used (${JSON.stringify(filter)}):\n${show(rare)}`);
        assert.ok(!seqScanOfMessages(rare), `a sequential scan (${JSON.stringify(filter)}):\n${show(rare)}`);
        const common = await planOf('hello', key, filter);
        assert.ok(!seqScanOfMessages(common), `a sequential scan (${JSON.stringify(filter)}):\n${show(common)}`);
        assert.ok(!common.some((n) => n['Index Name'] === 'messages_idempotency'), `the sender's rows by messages_idempotency, unordered (${JSON.stringify(filter)}):\n${show(common)}`);
        // Between two ids the planner may also gather the bounded (conversation, id) range and sort it (a bitmap scan):
        // it reads no more than the walk would (it chose that in one clean-clone CI run, 2026-12-07: ANALYZE samples).
        const walked = (n: PlanNode) => n['Index Name'] === 'message_words_conv_id' && (n['Scan Direction'] === 'Backward' || (filter.idAbove !== undefined && filter.idBelow !== undefined));
        if (key) assert.ok(common.some(walked), `not walked newest first (${JSON.stringify(filter)}):\n${show(common)}`);
      }
    }
  });
  it('without words, by kind: every picture is read from messages_kind newest first, and from one sender from messages_by_sender, never sequentially', async () => {
    for (const key of [undefined, groupKey('g0')]) {
      for (const filter of [{ kind: 'image' }, { kind: 'image', sender: 'u3' }, { kind: 'link' }] satisfies SearchFilter[]) {
        const plan = await planOf('', key, filter);
        assert.ok(!seqScanOfMessages(plan), `a sequential scan (${JSON.stringify(filter)}):\n${show(plan)}`);
        // A sender's rows are walked in their own index (migration 35), the kind tested on each. In one
        // conversation the planner may walk its (conv_key, id) index instead: its rows, newest first.
        const index = 'sender' in filter ? 'messages_by_sender' : 'messages_kind';
        const ok = plan.some((n) => n['Index Name'] === index) || (key !== undefined && !('sender' in filter) && plan.some((n) => n['Index Name'] === 'messages_by_id'));
        assert.ok(ok, `${index} not used (${JSON.stringify(filter)}):\n${show(plan)}`);
      }
    }
  });
  it('without words, by sender or time: the viewer\'s rows by an index, never sequentially', async () => {
    for (const key of [undefined, groupKey('g0')]) {
      for (const filter of [{ sender: 'u1' }, { idAbove: '000000100000', idBelow: '000000100500' }, { kind: 'text', sender: 'u1' }] satisfies SearchFilter[]) {
        const plan = await planOf('', key, filter);
        assert.ok(!seqScanOfMessages(plan), `a sequential scan (${JSON.stringify(filter)}):\n${show(plan)}`);
      }
    }
  });
  it('a common word never reads the messages table sequentially', async () => {
    for (const key of [groupKey('g0'), undefined]) {
      const plan = await planOf('hello', key);
      assert.ok(!seqScanOfMessages(plan), `a sequential scan of messages:\n${show(plan)}`);
    }
  });
  it('a common word in one conversation walks its (conversation, id) index newest first, not every match', async () => {
    // In g0 the word is in every row, ten times its share of the table: gathering its matches
    // from the word index and sorting them read the whole conversation (20–30 ms in the benchmark).
    for (const query of ['hello', 'hel', 'hello word1']) {
      const plan = await planOf(query, groupKey('g0'));
      assert.ok(plan.some((n) => n['Node Type'] === 'Index Scan' && n['Index Name'] === 'message_words_conv_id' && n['Scan Direction'] === 'Backward'),
        `message_words_conv_id not walked newest first for ${query}:\n${show(plan)}`);
      // The word index only below a one-time filter (run when the walk found no page).
      const gated = new Set<PlanNode>();
      const under = (n: PlanNode) => (gated.add(n), n.Plans?.forEach(under));
      plan.filter((n) => n['One-Time Filter'] !== undefined).forEach(under);
      const looked = plan.filter((n) => n['Index Name'] === 'message_words_conv_words');
      assert.ok(looked.length > 0 && looked.every((n) => gated.has(n)), `the word index not behind the walk for ${query}:\n${show(plan)}`);
    }
  });
  it('the rows above the watermark are read by (conv_key, seq), never sequentially', async () => {
    for (const key of [groupKey('g0'), undefined]) {
      const plan = await planOf('zanzibar', key);
      assert.ok(plan.some((n) => n['Relation Name'] === 'messages' && n['Index Name'] === 'messages_pkey'), `messages_pkey not used:\n${show(plan)}`);
      assert.ok(!seqScanOfMessages(plan), `a sequential scan:\n${show(plan)}`);
    }
  });
});

/** A node of PostgreSQL's JSON plan (the fields read here). */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Scan Direction'?: string;
  'One-Time Filter'?: string;
  Plans?: PlanNode[];
}
