import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { createChatClient, createMemoryStorage } from '../../../src/client/index.js';
import { REDIS_URL, requirePostgres, requireRedis } from '../helpers/services.js';
import { twoNodes } from '../helpers/two-nodes.js';
import { ADMIN_KEY, cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import { until } from '../../guard.js';

await requirePostgres();
await requireRedis();

/**
 * Two server nodes configured only by URL, as `natter-server` is with NATTER_DATABASE_URL and
 * NATTER_REDIS_URL: one PostgreSQL schema and one Redis prefix, both fresh for this run.
 */
describe('two nodes sharing PostgreSQL and Redis', () => {
  const nodes = twoNodes();
  let nodeA: TestServer;
  let nodeB: TestServer;
  before(async () => {
    ({ a: nodeA, b: nodeB } = nodes);
    await createUsers(nodeA, 'alice', 'bob', 'carol');
    await nodeB.rest('POST', '/v1/groups', { id: 'team', name: 'Team', members: ['alice', 'bob', 'carol'] });
  });

  it('reports store and bus healthy on both nodes', async () => {
    for (const node of [nodeA, nodeB]) {
      const res = await node.rest('GET', '/healthz', undefined, null);
      assert.deepEqual([res.status, res.body], [200, { ok: true, store: 'ok', bus: 'ok' }]);
    }
  });

  it('delivers a message sent on node A to the user connected on node B', async () => {
    const alice = await nodeA.login('alice');
    const bob = await nodeB.login('bob');
    const clientMsgId = cmid();
    alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text('across nodes') });
    const ack = await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    const got = await bob.next('message.new', (f) => f.message.clientMsgId === clientMsgId);
    assert.deepEqual([got.message.conversationId, got.message.seq, got.message.id], ['p2p:alice', ack.seq, ack.id]);
    alice.close();
    bob.close();
  });

  it('gives gapless seqs to concurrent sends on both nodes and delivers all of them on each node', async () => {
    const alice = await nodeA.login('alice');
    const bob = await nodeB.login('bob');
    const watchers = [await nodeA.login('carol'), await nodeB.login('carol')];
    const perSender = 30;
    const lastSeq = async () =>
      (await nodeB.rest('GET', '/v1/users/carol/conversations')).body.items.find((c: { id: string }) => c.id === 'group:team').lastSeq as number;
    const base = await lastSeq();
    for (let i = 0; i < perSender; i++) {
      alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'group:team', elem: text(`a${i}`) });
      bob.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'group:team', elem: text(`b${i}`) });
    }
    const acks = async (s: typeof alice) => {
      const seqs: number[] = [];
      for (let i = 0; i < perSender; i++) seqs.push((await s.next('message.ack')).seq);
      return seqs;
    };
    const [fromA, fromB] = await Promise.all([acks(alice), acks(bob)]);
    // Each connection's sends commit in order, so its own seqs rise.
    for (const seqs of [fromA, fromB]) assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
    const all = Array.from({ length: perSender * 2 }, (_, i) => base + i + 1);
    assert.deepEqual([...fromA, ...fromB].sort((x, y) => x - y), all);
    // Nodes publish independently, so arrival order may differ from seq order; the set may not.
    for (const carol of watchers) {
      const seqs: number[] = [];
      for (let i = 0; i < perSender * 2; i++) seqs.push((await carol.next('message.new')).message.seq);
      assert.deepEqual(seqs.sort((x, y) => x - y), all);
    }
    assert.equal(await lastSeq(), base + perSender * 2);
    for (const s of [alice, bob, ...watchers]) s.close();
  });

  it('delivers an onlineUserOnly message to members connected on the other node, and stores nothing', async () => {
    const alice = await nodeA.login('alice');
    const aliceOtherDevice = await nodeB.login('alice');
    const bob = await nodeB.login('bob');
    const carol = await nodeA.login('carol');
    const clientMsgId = cmid();
    alice.send({ type: 'message.send', clientMsgId, conversationId: 'group:team', elem: { type: 'custom', data: 'typing' }, onlineUserOnly: true });
    assert.equal((await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId)).seq, 0);
    for (const s of [bob, carol, aliceOtherDevice]) {
      const got = await s.next('message.new', (f) => f.message.clientMsgId === clientMsgId);
      assert.deepEqual([got.message.seq, got.message.sender, got.message.conversationId], [0, 'alice', 'group:team']);
    }
    const page = await nodeB.rest('GET', '/v1/users/bob/conversations/group:team/messages?limit=50');
    assert.ok(!page.body.messages.some((m: { clientMsgId: string }) => m.clientMsgId === clientMsgId), 'never stored');
    for (const s of [alice, aliceOtherDevice, bob, carol]) s.close();
  });

  it('makes clients resync when their node\'s bus subscription was cut, so events published meanwhile still arrive', async () => {
    const closeCodes: number[] = [];
    class RecordingWebSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        this.on('close', (code) => closeCodes.push(code));
      }
    }
    const bob = createChatClient({
      url: nodeB.wsUrl, getToken: () => nodeB.token('bob'), WebSocket: RecordingWebSocket,
      storage: createMemoryStorage(), backoff: { minDelayMs: 20, maxDelayMs: 200 },
    });
    await until(() => bob.$sync.get() === 'synced', 'bob to sync');
    const holds = (clientMsgId: string) => bob.messages('p2p:alice').get().some((m) => m.clientMsgId === clientMsgId);
    const before = cmid();
    await nodeA.rest('POST', '/v1/messages', { from: 'alice', to: 'bob', elem: text('before the cut'), clientMsgId: before });
    await until(() => holds(before), 'live delivery before the cut');

    // Cut every bus subscriber of this deployment (both nodes'), then publish at once: Redis
    // drops the event for the cut subscribers, and ioredis needs ~100 ms to reconnect.
    const admin = new Redis(REDIS_URL);
    const list = (await admin.client('LIST')) as string;
    const subs = list.split('\n').filter((l) => l.includes(` name=${nodes.redisPrefix}bus-sub`)).map((l) => /id=(\d+)/.exec(l)![1]!);
    assert.equal(subs.length, 2, 'one subscriber per node');
    for (const id of subs) await admin.client('KILL', 'ID', id);
    await admin.quit();
    const during = cmid();
    const sent = await nodeA.rest('POST', '/v1/messages', { from: 'alice', to: 'bob', elem: text('during the cut'), clientMsgId: during });
    assert.equal(sent.status, 200, 'the send commits while the bus is cut');

    // Nothing else is sent: only the resync can bring the message to bob.
    await until(() => holds(during), 'the message published during the cut to reach bob');
    // Every reconnect of the subscriber makes the node's clients resync. On a loaded machine the
    // subscriber may be back before the publish (then it came live) and the close come after it.
    await until(() => closeCodes.includes(1012), `bob's socket to be closed with 1012 to resync (codes: ${closeCodes.join(',')})`);
    await until(() => bob.$sync.get() === 'synced', 'bob to sync again');
    const seqs = bob.messages('p2p:alice').get().map((m) => m.seq);
    assert.deepEqual(seqs, [...new Set(seqs)].sort((x, y) => x - y), 'once each, in seq order');
    const metrics = (await fetch(`${nodeB.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }).then((r) => r.text()));
    assert.match(metrics, /^natter_bus_errors_total\{operation="gap"\} [1-9]/m);
    assert.match(metrics, /^natter_resync_connections_total [1-9]/m);
    await bob.close();
  });

  it('counts sends in Redis, where every node reads the same budget', async () => {
    // The wiring is what is tested here; the shared budget itself is in redis-rate-limiter.test.ts.
    const alice = await nodeA.login('alice');
    alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:bob', elem: text('counted') });
    await alice.next('message.ack');
    const redis = new Redis(REDIS_URL);
    const count = Number(await redis.hget(`${nodes.redisPrefix}rate:send:alice`, 'count'));
    await redis.quit();
    assert.ok(count >= 1, `alice's sends are counted in Redis (count ${count})`);
    alice.close();
  });
});

