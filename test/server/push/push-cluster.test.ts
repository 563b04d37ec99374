/** Web Push in a two-node cluster (PostgreSQL + Redis): one push per offline recipient per message, whichever node commits. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fakeBrowser, loopbackCert, startPushReceiver } from '../helpers/push-receiver.js';
import { requirePostgres, requireRedis } from '../helpers/services.js';
import { cmid, createUsers, text } from '../helpers/test-server.js';
import { twoNodes } from '../helpers/two-nodes.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { GUARD_MS } from '../../guard.js';

await requirePostgres();
await requireRedis();

async function send(s: TestSocket, conversationId: string) {
  const clientMsgId = cmid();
  s.send({ type: 'message.send', clientMsgId, conversationId, elem: text(`m-${clientMsgId}`) });
  return s.next('message.ack', (f) => f.clientMsgId === clientMsgId);
}

describe('Web Push across two nodes', () => {
  const nodes = twoNodes({ push: { allowLoopback: true, agentOptions: { ca: loopbackCert().cert }, retryBaseMs: 20 } });
  let rx: Awaited<ReturnType<typeof startPushReceiver>>;
  const carol = fakeBrowser();
  before(async () => {
    rx = await startPushReceiver();
    await createUsers(nodes.a, 'alice', 'bob', 'carol');
    await nodes.a.rest('POST', '/v1/groups', { id: 'cg', name: 'CG', members: ['alice', 'bob', 'carol'] });
    // Subscribed through node B, pushed by whichever node commits.
    const res = await nodes.b.rest('POST', '/v1/push/subscriptions', carol.subscription(`${rx.url}/carol`, 'c1'), await nodes.b.token('carol'));
    assert.equal(res.status, 204);
  });
  after(() => rx.close());

  it('pushes once to a recipient offline on every node, and not at all while they are online on the other node', async () => {
    const alice = await nodes.a.login('alice');
    const bob = await nodes.b.login('bob');
    const fromA = await send(alice, 'group:cg');
    const fromB = await send(bob, 'group:cg');
    await rx.waitFor(2);
    const carolOnB = await nodes.b.login('carol');
    const whileOnline = await send(alice, 'group:cg');
    carolOnB.close();
    await Promise.all([nodes.a.server.push!.queue.idle(), nodes.b.server.push!.queue.idle()]);
    // A message after carol left node B is pushed; by then the one while she was online would have been.
    const end = Date.now() + GUARD_MS;
    while (nodes.b.server.core.registry.isOnline('carol')) {
      assert.ok(Date.now() < end, 'carol gone from node B');
      await new Promise((r) => setTimeout(r, 10));
    }
    const last = await send(bob, 'group:cg');
    const pushed = (id: string) => rx.received.some((p) => JSON.parse(carol.decrypt(p.body)).messageId === id);
    while (!pushed(last.id)) {
      assert.ok(Date.now() < end, 'the push after carol left');
      await new Promise((r) => setTimeout(r, 10));
    }
    const ids = rx.received.map((p) => JSON.parse(carol.decrypt(p.body)).messageId as string);
    assert.equal(ids.filter((id) => id === fromA.id).length, 1);
    assert.equal(ids.filter((id) => id === fromB.id).length, 1);
    assert.equal(ids.includes(whileOnline.id), false);
    assert.equal(ids.filter((id) => id === last.id).length, 1);
    alice.close();
    bob.close();
  });
});
