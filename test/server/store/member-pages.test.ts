// A group's member pages (`members.fetch` over WebSocket, `GET /v1/groups/:id/members`) are read
// from the store a page at a time, by id from the cursor on. Each page used to read and sort the
// whole group: 27–97 ms a page of a 10,000-member group on SQLite, on the event loop, which any
// member could ask for again and again (300 a minute), stalling every other user.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { MEMBERS_PAGE_ROWS } from '../../../src/server/core/members.js';
import type { MembersPageQuery } from '../../../src/server/core/store.js';
import { MEMBERS_PAGE_SQL as PG_MEMBERS_PAGE_SQL, createPostgresStore } from '../../../src/server/store/postgres-store.js';
import { MEMBERS_PAGE_SQL as SQLITE_MEMBERS_PAGE_SQL, createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { freshSchema, requirePostgres } from '../helpers/services.js';
import { serverOnEachStore } from '../helpers/store-server.js';
import type { TestServer } from '../helpers/test-server.js';

await requirePostgres();

const id = (i: number) => `m${String(i).padStart(5, '0')}`;

/** Counts what the real store's listMembers reads: whole lists, and the rows of each page. */
function spyOnListMembers(t: TestServer) {
  const store = t.server.core.store;
  const real = store.listMembers.bind(store);
  const seen = { whole: 0, pageRows: [] as number[], pageLimits: [] as number[] };
  store.listMembers = async (key, page?: MembersPageQuery) => {
    const rows = await real(key, page);
    if (page) {
      seen.pageRows.push(rows.length);
      seen.pageLimits.push(page.limit);
    } else if (key === 'group:big') seen.whole++;
    return rows;
  };
  return { seen, restore: () => void (store.listMembers = real) };
}

serverOnEachStore('member pages', (server) => {
  const count = 3200;
  const members = Array.from({ length: count }, (_, i) => id(i * 10));
  before(async () => {
    const t = server();
    for (const m of members) await t.server.admin.putUser(m, { name: `Member ${m}` });
    assert.equal((await t.rest('POST', '/v1/groups', { id: 'big', name: 'Big', members, owner: members[0] })).status, 201);
  });

  /**
   * Pages through the group with `page` (answering the ids of a page and the cursor for the next,
   * or undefined at the end), while between pages a member ahead of the cursor leaves, one already
   * read leaves, and people join ahead of and behind it (undone after). Checks order and completeness: every
   * member there all along exactly once, ids strictly rising, who left ahead never, who joined
   * ahead always; and that the store was never asked for the whole group, each page reading at
   * most its limit and one more.
   */
  async function pageThrough(page: (after: string | undefined) => Promise<{ ids: string[]; next?: string }>, pageLimit: number) {
    const t = server();
    const spy = spyOnListMembers(t);
    const got: string[] = [];
    const removed: string[] = [];
    const leftAhead: string[] = [];
    const joined: string[] = [];
    const joinedAhead: string[] = [];
    let stayed = new Set(members);
    try {
      let cursor: string | undefined;
      for (;;) {
        const answer = await page(cursor);
        got.push(...answer.ids);
        if (answer.next === undefined) break;
        cursor = answer.next;
        const ahead = members.find((m) => m > cursor! && stayed.has(m))!;
        const behind = got.find((m) => m !== members[0] && stayed.has(m))!;
        for (const gone of [ahead, behind]) assert.equal((await t.rest('DELETE', `/v1/groups/big/members/${gone}`)).body.removed, true);
        removed.push(ahead, behind);
        leftAhead.push(ahead);
        stayed = new Set([...stayed].filter((m) => m !== ahead && m !== behind));
        // Ids no member has (members' end in 0): one just behind the cursor, one well ahead of it.
        const at = Number(cursor.slice(1));
        for (const joiner of [id(at - 5), id(at + 3005)]) {
          await t.server.admin.putUser(joiner, { name: 'Joiner' });
          assert.equal((await t.rest('PUT', `/v1/groups/big/members/${joiner}`)).body.added, true);
          joined.push(joiner);
          if (joiner > cursor) joinedAhead.push(joiner);
        }
      }
    } finally {
      spy.restore();
      // Back as it was for the next pass.
      for (const m of removed) await t.rest('PUT', `/v1/groups/big/members/${m}`);
      for (const m of joined) await t.rest('DELETE', `/v1/groups/big/members/${m}`);
    }
    for (let i = 1; i < got.length; i++) assert.ok(got[i - 1]! < got[i]!, `ids rise: ${got[i - 1]} then ${got[i]}`);
    for (const m of stayed) assert.ok(got.includes(m), `${m}, a member all along, listed`);
    for (const m of leftAhead) assert.ok(!got.includes(m), `${m} left before their page and was not listed`);
    for (const m of joinedAhead) assert.ok(got.includes(m), `${m} joined ahead of the cursor and was listed`);
    assert.ok(spy.seen.pageRows.length >= 3, `paged (${spy.seen.pageRows.length} reads)`);
    assert.equal(spy.seen.whole, 0, 'the whole group was never read for a page');
    for (const [i, rows] of spy.seen.pageRows.entries()) {
      assert.ok(spy.seen.pageLimits[i]! <= pageLimit + 1 && rows <= spy.seen.pageLimits[i]!, `a page read ${rows} rows (limit ${spy.seen.pageLimits[i]})`);
    }
  }

  it('members.fetch pages the group from the store a page at a time, none skipped or repeated while members come and go', async () => {
    const t = server();
    const reader = await t.login(members[0]!);
    let reqs = 0;
    await pageThrough(async (cursor) => {
      const reqId = `mp${++reqs}`;
      reader.send({ type: 'members.fetch', reqId, conversationId: 'group:big', ...(cursor !== undefined && { after: cursor }) });
      const page = await reader.next('members', (f) => f.reqId === reqId);
      const ids = page.members.map((m) => m.id);
      return { ids, ...(page.hasMore && { next: ids.at(-1)! }) };
    }, MEMBERS_PAGE_ROWS);
    reader.close();
  });

  it('GET /v1/groups/:id/members pages the same way', async () => {
    const t = server();
    await pageThrough(async (cursor) => {
      const res = await t.rest('GET', `/v1/groups/big/members?limit=1000${cursor === undefined ? '' : `&after=${cursor}`}`);
      assert.equal(res.status, 200);
      return { ids: (res.body.items as { id: string }[]).map((m) => m.id), ...(res.body.next !== undefined && { next: res.body.next as string }) };
    }, 1000);
  });
});

describe('sqlite: a member page is a range of memberships_by_conv (EXPLAIN QUERY PLAN)', () => {
  let db: Database.Database;
  before(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'natter-member-pages-')), 'natter.db');
    const store = createSqliteStore(file);
    for (let g = 0; g < 10; g++) await store.createGroup({ id: `g${g}`, name: `G${g}`, createdAt: 1, historyVisibility: 'all' }, Array.from({ length: 300 * (g + 1) }, (_, i) => id(i)));
    await store.close();
    db = new Database(file);
  });
  after(() => db?.close());

  const check = () => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${SQLITE_MEMBERS_PAGE_SQL}`).all({ key: 'group:g9', after: id(100), limit: 1501 }) as { detail: string }[]).map((r) => r.detail).join('\n');
    assert.match(plan, /^SEARCH m USING INDEX memberships_by_conv \(conv_key=\? AND user_id>\?\)/m, `the page from the cursor by (conv_key, user_id):\n${plan}`);
    assert.match(plan, /^SEARCH u USING INDEX sqlite_autoindex_users_1 \(id=\?\)|^SEARCH u USING (INTEGER )?PRIMARY KEY/m, `each profile by id:\n${plan}`);
    assert.doesNotMatch(plan, /^SCAN m\b|TEMP B-TREE/m, `no scan of the group, no sort:\n${plan}`);
  };
  it('as planned without statistics (as the store runs)', check);
  it('as planned after ANALYZE', () => {
    db.exec('ANALYZE');
    check();
  });
});

/**
 * PostgreSQL: 10,000 members with profiles in one group among 16,500 memberships, analysed. The page is read
 * from the index in order and stops at its limit: the plan's scan of memberships returns the
 * page's rows, whatever the group's size.
 */
describe('postgres: a member page is a range of memberships_by_conv (EXPLAIN ANALYZE)', () => {
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let pool: pg.Pool;
  before(async () => {
    schema = await freshSchema();
    const store = await createPostgresStore({ connectionString: schema.url });
    await store.createGroup({ id: 'huge', name: 'Huge', createdAt: 1, historyVisibility: 'all' }, Array.from({ length: 10_000 }, (_, i) => id(i)));
    for (let g = 0; g < 10; g++) await store.createGroup({ id: `g${g}`, name: `G${g}`, createdAt: 1, historyVisibility: 'all' }, Array.from({ length: 650 }, (_, i) => id(i * 7)));
    await store.close();
    pool = new pg.Pool({ connectionString: schema.url, max: 1 });
    // Each member has a profile (the join's other side), in bulk.
    await pool.query(`INSERT INTO users (id, name, created_at) SELECT 'm' || lpad(i::text, 5, '0'), 'Member ' || i, 1 FROM generate_series(0, 9999) i`);
    await pool.query('ANALYZE');
  });
  after(async () => {
    await pool?.end();
    await schema?.drop();
  });

  type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; 'Actual Rows': number; Plans?: PlanNode[] };
  const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

  for (const [name, after] of [['the first page', ''], ['a page from the middle', id(5000)], ['the last page', id(9990)]] as const) {
    it(`${name}: an index range in order, ${MEMBERS_PAGE_ROWS + 1} rows at most, no sort`, async () => {
      const { rows } = await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${PG_MEMBERS_PAGE_SQL}`, ['group:huge', after, MEMBERS_PAGE_ROWS + 1]);
      const all = nodes((rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan);
      const text = JSON.stringify(all.map((n) => [n['Node Type'], n['Relation Name'], n['Index Name'], n['Actual Rows']]));
      const scan = all.find((n) => n['Relation Name'] === 'memberships');
      assert.equal(scan?.['Node Type'], 'Index Scan', text);
      assert.equal(scan?.['Index Name'], 'memberships_by_conv', text);
      assert.ok(scan!['Actual Rows'] <= MEMBERS_PAGE_ROWS + 1, `memberships rows read: ${scan!['Actual Rows']}\n${text}`);
      assert.ok(!all.some((n) => n['Node Type'] === 'Sort'), `no sort:\n${text}`);
    });
  }
});
