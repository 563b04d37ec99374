import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { requirePostgres, requireRedis } from '../helpers/services.js';
import { twoNodes } from '../helpers/two-nodes.js';
import { createUsers, startServer, type TestServer } from '../helpers/test-server.js';

await requirePostgres();
await requireRedis();

/** Broadcasts on two nodes sharing PostgreSQL and Redis: one quota, delivery on every node. */
describe('broadcasts across two nodes', () => {
  const nodes = twoNodes();
  let nodeA: TestServer;
  let nodeB: TestServer;
  before(async () => {
    ({ a: nodeA, b: nodeB } = nodes);
    await createUsers(nodeA, 'alice', 'bob');
  });

  it('delivers a broadcast posted on node A to a user connected to node B, and withdraws it there', async () => {
    const bob = await nodeB.login('bob');
    const res = await nodeA.rest('POST', '/v1/broadcasts', { content: 'from A', from: 'Ops' });
    assert.equal(res.status, 201);
    assert.deepEqual((await bob.next('broadcast.new')).broadcast, { id: res.body.id, content: 'from A', from: 'Ops', time: res.body.time });
    assert.equal((await nodeB.rest('DELETE', `/v1/broadcasts/${res.body.id}`)).status, 204);
    assert.equal((await bob.next('broadcast.removed')).id, res.body.id);
    bob.close();
  });

  it('holds one per-minute limit for both nodes, even when they are asked at the same time', async () => {
    // One broadcast above was counted already: 9 more fit, whichever node is asked.
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? nodeA : nodeB).rest('POST', '/v1/broadcasts', { content: `race ${i}` })),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [...Array(9).fill(201), 416, 416, 416]);
  });
});
