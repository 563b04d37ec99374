import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { lockUsers, type Schema } from '../helpers/services.js';
import { startServerOnPostgres } from '../helpers/store-server.js';
import { ADMIN_KEY, cmid, createUsers, text, type TestServer } from '../helpers/test-server.js';
import { GUARD_MS } from '../../guard.js';

/**
 * Frames that wait past the store's connect timeout (5 s) for a PostgreSQL connection, all of
 * them busy, are refused UNAVAILABLE with a retry hint, as REST answers 503 with Retry-After
 * (test/server/http/pool-timeout.test.ts): an overload to retry, not an INTERNAL bug. The real
 * database, its `users` table locked by another client while REST reads of it hold the pool's
 * ten connections.
 */
describe('WebSocket frames when no database connection comes free in time (postgres)', () => {
  let t: TestServer;
  let schema: Schema;
  before(async () => {
    ({ t, schema } = await startServerOnPostgres());
    await createUsers(t, 'alice', 'bob');
  });
  after(() => t.stop());

  it('refuses a send, a history fetch and a session open UNAVAILABLE with retryAfterMs, and the resend commits once it is free', async () => {
    const alice = await t.login('alice');
    const stranger = await t.connect();
    const send = { type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:bob', elem: text('while the store is saturated') } as const;
    const lock = await lockUsers(schema);
    try {
      // Twelve for ten connections: one may be busy elsewhere for a moment (the search mover), and
      // the two queued take it when it comes free, before the frames below, which queue after them.
      const held = Promise.all(Array.from({ length: 12 }, () => fetch(`${t.url}/v1/users/alice`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })));
      const deadline = Date.now() + GUARD_MS;
      for (;;) {
        const waiting = await lock.waiting();
        if (waiting >= 9) break;
        assert.ok(Date.now() < deadline, `the pool's connections wait on the lock (${waiting} so far)`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      alice.send(send);
      alice.send({ type: 'history.fetch', reqId: 'h1', conversationId: 'p2p:bob' });
      stranger.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('bob') });
      const refused = await alice.next('message.error', (f) => f.clientMsgId === send.clientMsgId);
      const history = await alice.next('error', (f) => f.reqId === 'h1');
      const open = await stranger.next('error', () => true);
      for (const error of [refused, history, open]) {
        assert.deepEqual([error.name, error.code, error.retryAfterMs], ['UNAVAILABLE', 9001, 1000]);
      }
      await lock.release();
      await held;
    } finally {
      await lock.release();
    }
    alice.send(send);
    const ack = await alice.next('message.ack', (f) => f.clientMsgId === send.clientMsgId);
    assert.equal(ack.duplicate, undefined, 'nothing was committed while the store was saturated');
  });
});
