import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { createChatClient, createMemoryStorage, type ChatClient } from '../../../src/client/index.js';
import { createRedisBus } from '../../../src/server/bus/redis-bus.js';
import type { Bus, BusEvent } from '../../../src/server/core/bus.js';
import { dropRedisKeys, freshSchema, REDIS_URL, requirePostgres, requireRedis, uniqueName } from '../helpers/services.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { until } from '../../guard.js';

await requirePostgres();
await requireRedis();

type Fault = 'fail' | 'crash';

/**
 * The real Redis bus with a fault switch on its next message publish: `fail` throws (Redis
 * refused it), `crash` never returns (the node died after its commit, before its publish
 * reached Redis). It records which messages reached Redis, and when.
 */
function faultyBus(inner: Bus) {
  let armed: Fault | undefined;
  const crashed: (() => void)[] = [];
  const published = new Set<string>();
  const bus: Bus = {
    ...inner,
    async publish(event: BusEvent) {
      if (event.kind === 'message' && armed) {
        const fault = armed;
        armed = undefined;
        if (fault === 'fail') throw new Error('injected: publish refused');
        // A process killed here never publishes; released (as a failure) only at teardown.
        await new Promise<void>((_, reject) => crashed.push(() => reject(new Error('injected: node killed'))));
      }
      await inner.publish(event);
      if (event.kind === 'message') published.add(event.message.id);
    },
  };
  return {
    bus,
    published,
    arm(fault: Fault) {
      armed = fault;
    },
    releaseCrashed() {
      for (const r of crashed.splice(0)) r();
    },
  };
}

/**
 * The window between a commit and its publish (issue 7): two nodes over one PostgreSQL and the
 * real Redis bus; node A's bus fails or "dies" between its commit and its publish. An ack must
 * imply the publish, and a resend of a committed but unacked message (same clientMsgId, to
 * either node) must publish it, so other devices get it live without waiting for a reconnect.
 */
describe('publish before ack: a node failing between commit and publish', () => {
  let nodeA: TestServer;
  let nodeB: TestServer;
  let faults: ReturnType<typeof faultyBus>;
  let db: Awaited<ReturnType<typeof freshSchema>>;
  let bob: ChatClient;
  const redisPrefix = `${uniqueName('natter_test')}:`;

  before(async () => {
    db = await freshSchema();
    nodeA = await startServer({
      databaseUrl: db.url,
      bus: async () => (faults = faultyBus(await createRedisBus({ url: REDIS_URL, prefix: redisPrefix }))).bus,
    });
    nodeB = await startServer({ databaseUrl: db.url, redisUrl: REDIS_URL, redisPrefix });
    await createUsers(nodeA, 'alice', 'bob');
    // Bob's device is the real SDK on node B: it must get every message live, each once.
    bob = createChatClient({
      url: nodeB.wsUrl, getToken: () => nodeB.token('bob'), WebSocket, storage: createMemoryStorage(),
      backoff: { minDelayMs: 20, maxDelayMs: 200 },
    });
    await until(() => bob.$sync.get() === 'synced', 'bob to sync');
  });
  after(async () => {
    faults?.releaseCrashed();
    await bob?.close();
    await nodeA?.stop();
    await nodeB?.stop();
    await db?.drop();
    await dropRedisKeys(redisPrefix);
  });

  const bobHolds = (clientMsgId: string) => bob.messages('p2p:alice').get().filter((m) => m.clientMsgId === clientMsgId).length;
  const stored = async (clientMsgId: string) => {
    const page = await nodeB.rest('GET', '/v1/users/bob/conversations/p2p:alice/messages?limit=100');
    return (page.body.messages as { clientMsgId: string; seq: number }[]).find((m) => m.clientMsgId === clientMsgId);
  };
  const send = (s: TestSocket, clientMsgId: string, body: string) =>
    s.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text(body) });

  it('acks a send only once its message is on the bus', async () => {
    const alice = await nodeA.login('alice');
    for (let i = 0; i < 5; i++) {
      const clientMsgId = cmid();
      send(alice, clientMsgId, `hello ${i}`);
      const ack = await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId);
      assert.ok(faults.published.has(ack.id), `message ${i} reached Redis before its ack`);
      await until(() => bobHolds(clientMsgId) === 1, `bob to get message ${i} live`);
    }
    alice.close();
  });

  it('does not ack a message whose node died after the commit; its resend on another node delivers it live, once', async () => {
    const alice = await nodeA.login('alice');
    const clientMsgId = cmid();
    faults.arm('crash');
    send(alice, clientMsgId, 'sent just before node A died');
    // The commit happened (bob would replay it at his next reconnect) …
    await until(async () => (await stored(clientMsgId)) !== undefined, 'the commit');
    // … but it never reached the bus, so nothing may claim it was delivered: no ack, and bob
    // (online on node B) has not got it.
    await alice.roundTrip();
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(alice.pending('message.ack'), [], 'no ack before the publish');
    assert.equal(bobHolds(clientMsgId), 0);
    // Node A is gone for alice: her outbox resends the unacked message to node B.
    alice.close();
    const again = await nodeB.login('alice');
    send(again, clientMsgId, 'sent just before node A died');
    const ack = await again.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    assert.equal(ack.duplicate, true);
    assert.equal(ack.seq, (await stored(clientMsgId))!.seq);
    await until(() => bobHolds(clientMsgId) === 1, 'bob to get the resent message live');
    again.close();
  });

  it('refuses a send whose publish failed after the commit, and publishes it on the resend to the same node', async () => {
    const alice = await nodeA.login('alice');
    const clientMsgId = cmid();
    faults.arm('fail');
    send(alice, clientMsgId, 'bus refused the first publish');
    const error = await alice.next('message.error', (f) => f.clientMsgId === clientMsgId);
    assert.equal(error.name, 'UNAVAILABLE');
    assert.ok(await stored(clientMsgId), 'committed nonetheless');
    assert.deepEqual(alice.pending('message.ack'), []);
    send(alice, clientMsgId, 'bus refused the first publish');
    const ack = await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    assert.equal(ack.duplicate, true);
    assert.ok(faults.published.has(ack.id), 'the duplicate was published before its ack');
    await until(() => bobHolds(clientMsgId) === 1, 'bob to get it live');
    alice.close();
  });

  it('publishes again when the ack was lost after the publish; receivers keep the message once', async () => {
    const alice = await nodeA.login('alice');
    const bobRaw = await nodeB.login('bob');
    const clientMsgId = cmid();
    send(alice, clientMsgId, 'ack lost on the way');
    const first = await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    await until(() => bobHolds(clientMsgId) === 1, 'bob to get it live');
    // Alice never saw that ack (say her connection dropped): she resends through node B, which
    // cannot know node A published it, so it publishes again.
    alice.close();
    const again = await nodeB.login('alice');
    send(again, clientMsgId, 'ack lost on the way');
    const second = await again.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    assert.deepEqual([second.id, second.seq, second.duplicate], [first.id, first.seq, true]);
    const copies = [
      await bobRaw.next('message.new', (f) => f.message.clientMsgId === clientMsgId),
      await bobRaw.next('message.new', (f) => f.message.clientMsgId === clientMsgId),
    ];
    assert.deepEqual(copies.map((f) => f.message.seq), [first.seq, first.seq], 'the wire carries it twice');
    await again.roundTrip();
    assert.equal(bobHolds(clientMsgId), 1, "bob's client keeps it once");
    again.close();
    bobRaw.close();
  });
});

