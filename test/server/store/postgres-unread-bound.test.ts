import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { createPostgresStore } from '../../../src/server/store/postgres-store.js';
import { UNREAD_STATE_SQL } from '../../../src/server/store/postgres-unread-count.js';
import { freshSchema, requirePostgres, type Schema } from '../helpers/services.js';
import { UNREAD_ROWS_BOUND, unreadAttack } from './unread-attack.js';

await requirePostgres();

type PlanNode = { 'Relation Name'?: string; 'Actual Rows': number; 'Actual Loops': number; Plans?: PlanNode[] };
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

    // A schema made before migration 36: its column and indexes gone, the next start fills every row's run.
    await pool.query('DROP INDEX messages_targeted, messages_mentions; ALTER TABLE messages DROP COLUMN run_start; DELETE FROM natter_migrations WHERE version = 36');
    store = await createPostgresStore({ connectionString: schema.url });
    assert.deepEqual(await store.unreadState(k, 'reader', 0), expected);
    await store.close();
    assert.equal(await rowsRead(), fresh);
  });
});
