import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { createPostgresStore } from '../../../src/server/store/postgres-store.js';
import { UNREAD_STATE_SQL } from '../../../src/server/store/postgres-unread-count.js';
import { freshSchema, requirePostgres, type Schema } from '../helpers/services.js';
import { UNREAD_ROWS_BOUND, mentionAttack, unreadAttack } from './unread-attack.js';

await requirePostgres();

type PlanNode = { 'Relation Name'?: string; 'Actual Rows': number; 'Actual Loops': number; 'Rows Removed by Filter'?: number; 'Shared Hit Blocks'?: number; 'Shared Read Blocks'?: number; Plans?: PlanNode[] };
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

/** As sqlite-unread-bound.test.ts: the count's statement read every row after the mark (its EXISTS for a mention did, whatever the LIMIT). */
describe('PostgreSQL unread count: 100,000 rows that do not count read in a bounded number of rows, the count exact', () => {
  let schema: Schema | undefined;
  let pool: pg.Pool | undefined;
  after(async () => {
    await pool?.end();
    await schema?.drop();
  });

  it('counts 6 (a mention among them) reading at most UNREAD_ROWS_BOUND message rows; so does a schema given its runs by migration 36', async () => {
    schema = await freshSchema();
    pool = new pg.Pool({ connectionString: schema.url, max: 1 });
    const k = groupKey('big');
    let store = await createPostgresStore({ connectionString: schema.url });
    await store.createGroup({ id: 'big', name: 'Big', createdAt: 1, historyVisibility: 'all' }, ['reader', 'stranger', 'other', 'friend0', 'friend1', 'friend2', 'friend3']);
    const { drafts, expected } = unreadAttack(k);
    for (const batch of drafts) await store.commitMessages(batch);
    assert.deepEqual(await store.unreadState(k, 'reader', 0), expected);
    await store.close();

    const rowsRead = async (): Promise<number> => {
      await pool!.query('ANALYZE messages');
      const { rows } = await pool!.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${UNREAD_STATE_SQL}`, [k, 'reader', 0]);
      const plan = (rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan;
      return nodes(plan).filter((n) => n['Relation Name'] === 'messages').reduce((sum, n) => sum + n['Actual Rows'] * n['Actual Loops'], 0);
    };
    const fresh = await rowsRead();
    assert.ok(fresh <= UNREAD_ROWS_BOUND, `read ${fresh} rows`);

    // A schema made before migration 36: its column and indexes gone, the next start fills every
    // row's run (window functions over the whole table): the same runs as the commits gave them
    // from the conversation's row, batch after batch (a duplicate among them: commitBatch's path).
    const runs = async () => (await pool!.query('SELECT seq, run_start FROM messages WHERE conv_key = $1 ORDER BY seq', [k])).rows;
    const conversation = async () => (await pool!.query('SELECT last_seq, last_cls, last_run FROM conversations WHERE key = $1', [k])).rows;
    const written = await runs();
    const kept = await conversation();
    await pool.query(`DROP INDEX messages_targeted; DROP TABLE message_mentions; ALTER TABLE messages DROP COLUMN run_start;
      ALTER TABLE conversations DROP COLUMN last_cls, DROP COLUMN last_run, DROP COLUMN prev_cls, DROP COLUMN prev_run; DELETE FROM natter_migrations WHERE version IN (36, 37)`);
    store = await createPostgresStore({ connectionString: schema.url });
    assert.deepEqual(await store.unreadState(k, 'reader', 0), expected);
    await store.close();
    assert.deepEqual(await runs(), written);
    assert.deepEqual(await conversation(), kept);
    assert.equal(await rowsRead(), fresh);
  });

  it('finds the one mention of the reader among 100,000 rows mentioning someone else past the cap, touching a bounded number of pages; so does a schema given its mentions table by migration 37', async () => {
    const mentions = await freshSchema();
    const db = new pg.Pool({ connectionString: mentions.url, max: 1 });
    try {
      const k = groupKey('loud');
      let store = await createPostgresStore({ connectionString: mentions.url });
      await store.createGroup({ id: 'loud', name: 'Loud', createdAt: 1, historyVisibility: 'all' }, ['reader', 'stranger', 'other', 'friend0', 'friend1']);
      const { drafts, expected } = mentionAttack(k);
      for (const batch of drafts) await store.commitMessages(batch);
      for (const viewer of ['reader', 'friend1'] as const) assert.deepEqual(await store.unreadState(k, viewer, 0), expected[viewer], viewer);
      await store.close();

      // Rows read by every scan of the plan (kept or filtered out), and pages touched (buffers hit or read, the whole
      // plan's), whatever the statement reads. The count's walk reads 999 rows, touching some 4,000
      // pages; the EXISTS for a mention read every message mentioning anyone below where the count
      // stopped (50,000 rows for the reader, 100,000 for friend1; 6,600 and 9,200 pages).
      const reads = async (viewer: string): Promise<{ rows: number; pages: number }> => {
        await db.query('ANALYZE messages');
        const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${UNREAD_STATE_SQL}`, [k, viewer, 0]);
        const plan = (rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan;
        const scanned = nodes(plan).filter((n) => n['Relation Name'] !== undefined).reduce((sum, n) => sum + (n['Actual Rows'] + (n['Rows Removed by Filter'] ?? 0)) * n['Actual Loops'], 0);
        return { rows: scanned, pages: (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0) };
      };
      const bounded = async (when: string) => {
        for (const viewer of ['reader', 'friend1'] as const) {
          const r = await reads(viewer);
          assert.ok(r.rows <= 999 + UNREAD_ROWS_BOUND && r.pages <= 5 * 999, `${viewer}${when}: ${r.rows} rows, ${r.pages} pages`);
        }
      };
      await bounded('');

      // A schema made before migration 37: the table gone, migration 36's index back; the next start fills it.
      const rows = async () => (await db.query('SELECT conv_key, who, seq FROM message_mentions ORDER BY conv_key, who, seq')).rows;
      const written = await rows();
      assert.equal(written.length, 2 * 100_000 + 2);
      await db.query(`DROP TABLE message_mentions; CREATE INDEX messages_mentions ON messages (conv_key, seq) WHERE mentions IS NOT NULL;
        ALTER TABLE conversations DROP COLUMN last_cls, DROP COLUMN last_run, DROP COLUMN prev_cls, DROP COLUMN prev_run; DELETE FROM natter_migrations WHERE version = 37`);
      store = await createPostgresStore({ connectionString: mentions.url });
      for (const viewer of ['reader', 'friend1'] as const) assert.deepEqual(await store.unreadState(k, viewer, 0), expected[viewer], viewer);
      await store.close();
      assert.deepEqual(await rows(), written);
      await bounded(' after migration 37');
    } finally {
      await db.end();
      await mentions.drop();
    }
  });
});
