import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { freshSchema, POSTGRES_URL, requirePostgres } from '../helpers/services.js';
import { ADMIN_KEY, createUsers, startServer, type TestServer } from '../helpers/test-server.js';

/**
 * A request that waits past the store's connect timeout (5 s) for a PostgreSQL connection, all
 * of them busy, answers 503 UNAVAILABLE with Retry-After: an overload to retry, not a 500 bug.
 * The real database, its `users` table locked by another client so the pool's 10 connections
 * stay busy on reads of it.
 */
describe('REST when no database connection comes free in time (postgres)', () => {
  let t: TestServer;
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  before(async () => {
    await requirePostgres();
    schema = await freshSchema();
    t = await startServer({ databaseUrl: schema.url });
    await createUsers(t, 'alice');
  });
  after(async () => {
    await t.stop();
    await schema.drop();
  });

  it('answers 503 UNAVAILABLE with Retry-After to the requests left waiting, and the rest once the lock goes', async () => {
    const locker = new pg.Client({ connectionString: POSTGRES_URL });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${schema.schema}.users IN ACCESS EXCLUSIVE MODE`);
      const ask = async () => {
        const res = await fetch(`${t.url}/v1/users/alice`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
        return res.status === 200 ? 'ok' : `${res.status} ${(await res.json()).name} retry-after ${res.headers.get('retry-after')}`;
      };
      // The pool's connections wait on the lock; the requests past them time out waiting for one.
      const answers = Promise.all(Array.from({ length: 14 }, ask));
      await new Promise((resolve) => setTimeout(resolve, 6_500));
      await locker.query('ROLLBACK');
      const seen = [...new Set(await answers)].sort();
      assert.deepEqual(seen, ['503 UNAVAILABLE retry-after 1', 'ok']);
    } finally {
      await locker.end();
    }
  });
});
