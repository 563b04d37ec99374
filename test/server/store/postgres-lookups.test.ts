import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { QueryResultRow } from 'pg';
import { pairExists, rowsById, rowsOfKeys } from '../../../src/server/store/postgres-lookups.js';
import { FactMemo } from '../../../src/server/store/postgres-facts.js';
import { freshSchema, requirePostgres } from '../helpers/services.js';

await requirePostgres();

/** The lookups over a real pool on a fresh schema, counting the queries that reach PostgreSQL. */
describe('PostgreSQL per-turn lookups', () => {
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let pool: pg.Pool;
  let queries = 0;
  const q = async <R extends QueryResultRow>(sql: string, params: unknown[] = []) => (queries++, (await pool.query<R>(sql, params)).rows);
  before(async () => {
    schema = await freshSchema();
    pool = new pg.Pool({ connectionString: schema.url, max: 2 });
    await pool.query('CREATE TABLE users (id text PRIMARY KEY, name text)');
    await pool.query('CREATE TABLE memberships (user_id text, conv_key text, PRIMARY KEY (user_id, conv_key))');
    await pool.query("INSERT INTO users VALUES ('a', 'A'), ('b', 'B')");
    await pool.query("INSERT INTO memberships VALUES ('a', 'g1'), ('b', 'g1'), ('a', 'g2')");
  });
  after(async () => {
    await pool.end();
    await schema.drop();
  });

  it('answers every read of one turn with one query each kind, each read its own answer', async () => {
    const user = rowsById<{ id: string; name: string }>(q, 'users');
    const member = pairExists(q, 'memberships', ['user_id', 'conv_key']);
    const members = rowsOfKeys<{ user_id: string }>(q, 'SELECT conv_key AS k, user_id FROM memberships WHERE conv_key = ANY($1::text[]) ORDER BY conv_key, user_id');
    queries = 0;
    const [a, b, missing, a2, isA, notB, g1, g2, none] = await Promise.all([
      user('a'), user('b'), user('nobody'), user('a'), member('a', 'g2'), member('b', 'g2'), members('g1'), members('g2'), members('g3'),
    ]);
    assert.equal(queries, 3);
    assert.deepEqual([a?.name, b?.name, missing, a2?.name], ['A', 'B', undefined, 'A']);
    assert.deepEqual([isA, notB], [true, false]);
    assert.deepEqual([g1.map((r) => r.user_id), g2.map((r) => r.user_id), none], [['a', 'b'], ['a'], []]);
    // A later turn reads again: nothing is kept between turns.
    await pool.query("UPDATE users SET name = 'A2' WHERE id = 'a'");
    assert.equal((await user('a'))?.name, 'A2');
    assert.equal(queries, 4);
  });

  it('rejects every read of a turn whose query failed', async () => {
    const broken = rowsById(q, 'groups');
    const results = await Promise.allSettled([broken('x'), broken('y')]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  });

  it('with held facts connected, answers later turns from memory until a name is invalidated', async () => {
    const memo = new FactMemo();
    const user = rowsById<{ id: string; name: string }>(q, 'users', { memo, prefix: 'u:' });
    queries = 0;
    assert.equal((await user('b'))?.name, 'B');
    assert.equal((await user('b'))?.name, 'B');
    assert.equal(queries, 2, 'nothing is held before the node connects the facts to its bus');
    memo.connect(async () => {});
    await user('b');
    await pool.query("UPDATE users SET name = 'B2' WHERE id = 'b'");
    assert.equal((await user('b'))?.name, 'B', 'held');
    assert.equal(await user('nobody'), undefined);
    assert.equal(await user('nobody'), undefined, 'an absence is held too');
    assert.equal(queries, 4);
    memo.invalidate(['u:b']);
    assert.equal((await user('b'))?.name, 'B2');
    assert.equal(queries, 5);
    memo.suspend();
    assert.equal((await user('b'))?.name, 'B2');
    assert.equal(queries, 6, 'a suspended memo holds nothing');
  });

  it('answers a held read of a turn at once, not after the query for the turn\'s other reads', async () => {
    const memo = new FactMemo();
    memo.connect(async () => {});
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let gated = false;
    const slow = async <R extends QueryResultRow>(sql: string, params: unknown[] = []) => {
      if (gated) await gate;
      return q<R>(sql, params);
    };
    const user = rowsById<{ id: string; name: string }>(slow, 'users', { memo, prefix: 'u:' });
    const a = (await user('a'))?.name;
    const b = (await pool.query<{ name: string }>("SELECT name FROM users WHERE id = 'b'")).rows[0]!.name;
    queries = 0;
    gated = true;
    const order: string[] = [];
    const held = user('a').then((r) => order.push(`held ${r?.name}`));
    const read = user('b').then((r) => order.push(`read ${r?.name}`));
    const again = user('b').then((r) => order.push(`read again ${r?.name}`));
    await held;
    assert.deepEqual(order, [`held ${a}`], 'the held answer did not wait for the query');
    release();
    await Promise.all([read, again]);
    assert.deepEqual(order, [`held ${a}`, `read ${b}`, `read again ${b}`]);
    assert.equal(queries, 1, 'one query for the id read twice');
  });

  it('does not keep an answer that was on its way while a name was invalidated', async () => {
    const memo = new FactMemo();
    memo.connect(async () => {});
    const member = pairExists(q, 'memberships', ['user_id', 'conv_key'], { memo, prefix: 'p:' });
    queries = 0;
    const inFlight = member('b', 'g1');
    // The read is sent at the end of this turn; word of another node's removal lands before its
    // answer (PostgreSQL answered as of before the removal).
    await new Promise((r) => setImmediate(r));
    memo.invalidate(['p:b\u0000g1']);
    await pool.query("DELETE FROM memberships WHERE user_id = 'b' AND conv_key = 'g1'");
    assert.equal(await inFlight, true, 'the read itself answers what PostgreSQL said');
    assert.equal(await member('b', 'g1'), false, 'but it was not kept: read again');
    assert.equal(queries, 2);
    await pool.query("INSERT INTO memberships VALUES ('b', 'g1')");
  });
});

