import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lockUsers, type Schema } from '../helpers/services.js';
import { startServerOnPostgres } from '../helpers/store-server.js';
import { ADMIN_KEY, createUsers, type TestServer } from '../helpers/test-server.js';

/**
 * A request that waits past the store's connect timeout (5 s) for a PostgreSQL connection, all
 * of them busy, answers 503 UNAVAILABLE with Retry-After: an overload to retry, not a 500 bug.
 * The real database, its `users` table locked by another client so the pool's 10 connections
 * stay busy on reads of it.
 */
describe('REST when no database connection comes free in time (postgres)', () => {
  let t: TestServer;
  let schema: Schema;
  before(async () => {
    ({ t, schema } = await startServerOnPostgres());
    await createUsers(t, 'alice');
  });
  after(() => t.stop());

  it('answers 503 UNAVAILABLE with Retry-After to the requests left waiting, and the rest once the lock goes', async () => {
    const lock = await lockUsers(schema);
    try {
      const ask = async () => {
        const res = await fetch(`${t.url}/v1/users/alice`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
        return res.status === 200 ? 'ok' : `${res.status} ${(await res.json()).name} retry-after ${res.headers.get('retry-after')}`;
      };
      // The pool's connections wait on the lock; the 4 requests past them time out waiting for one.
      // The lock goes once those 4 have answered (not after a fixed time, which a loaded machine
      // could overrun and let every request through).
      let answered = 0;
      const answers = Promise.all(Array.from({ length: 14 }, () => ask().finally(() => answered++)));
      const deadline = Date.now() + 30_000;
      while (answered < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      await lock.release();
      const seen = [...new Set(await answers)].sort();
      assert.deepEqual(seen, ['503 UNAVAILABLE retry-after 1', 'ok']);
    } finally {
      await lock.release();
    }
  });
});
