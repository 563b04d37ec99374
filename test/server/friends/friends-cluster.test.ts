import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { requirePostgres, requireRedis } from '../helpers/services.js';
import { twoNodes } from '../helpers/two-nodes.js';
import { createUsers, type TestServer } from '../helpers/test-server.js';
import { ask, ids, updated } from './friend-helpers.js';

await requirePostgres();
await requireRedis();

/** Friend requests (SPEC §13) made on one node are seen, and answered, on the other. */
describe('friend requests across two nodes sharing PostgreSQL and Redis', () => {
  const nodes = twoNodes({ friendRequests: true });
  let nodeA: TestServer;
  let nodeB: TestServer;
  before(async () => {
    ({ a: nodeA, b: nodeB } = nodes);
    await createUsers(nodeA, 'alice', 'bob');
  });

  it('alice on node A asks bob; bob on node B accepts; every device of both on both nodes hears each step', async () => {
    const aliceA = await nodeA.login('alice');
    const aliceB = await nodeB.login('alice');
    const bobA = await nodeA.login('bob');
    const bobB = await nodeB.login('bob');
    assert.equal(await ask(aliceA, { type: 'friend.add', userId: 'bob', message: 'hello' }), 'ok');
    for (const bob of [bobA, bobB]) assert.equal((await updated(bob, 'alice', 'in')).user.message, 'hello');
    await updated(aliceB, 'bob', 'out');
    assert.deepEqual(await ids(bobB, 'in'), ['alice'], 'node B reads the request node A stored');
    assert.equal(await ask(bobB, { type: 'friend.accept', userId: 'alice' }), 'ok');
    for (const alice of [aliceA, aliceB]) await updated(alice, 'bob', 'friend');
    for (const bob of [bobA, bobB]) await updated(bob, 'alice', 'friend');
    assert.deepEqual(await ids(aliceA), ['bob']);
    assert.equal(await ask(aliceB, { type: 'friend.remove', userId: 'bob' }), 'ok');
    for (const bob of [bobA, bobB]) await updated(bob, 'alice', 'none');
    assert.deepEqual(await ids(bobA), []);
  });
});
