/**
 * Members and read receipts over WebSocket, and the offline push hook: `members.fetch`, group
 * receipts that reach only the senders of needReadReceipt messages in the range read, p2p read
 * state, and `onOfflineMessage` with exactly the recipients offline in the whole cluster (one
 * node, and two nodes sharing PostgreSQL and Redis).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConversationId, MemberInfo } from '../../../src/protocol/index.js';
import type { OfflineMessageEvent } from '../../../src/server/core/offline-push.js';
import { dropRedisKeys, freshSchema, REDIS_URL, requirePostgres, requireRedis, uniqueName } from '../helpers/services.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { GUARD_MS } from '../../guard.js';

let req = 0;
async function members(s: TestSocket, conversationId: string): Promise<MemberInfo[]> {
  const reqId = `m${++req}`;
  s.send({ type: 'members.fetch', reqId, conversationId });
  const answer = await s.nextOf(['members', 'error']);
  assert.equal(answer.type, 'members', JSON.stringify(answer));
  assert.ok(answer.type === 'members' && answer.reqId === reqId && answer.conversationId === conversationId);
  return answer.members;
}

async function send(s: TestSocket, conversationId: string, fields: Record<string, unknown> = {}) {
  const clientMsgId = cmid();
  s.send({ type: 'message.send', clientMsgId, conversationId, elem: text(`m-${clientMsgId}`), ...fields });
  const ack = await s.next('message.ack', (f) => f.clientMsgId === clientMsgId);
  return { clientMsgId, seq: ack.seq, id: ack.id };
}

async function read(s: TestSocket, conversationId: string, seq: number): Promise<void> {
  const reqId = `r${++req}`;
  s.send({ type: 'conversation.read', reqId, conversationId: conversationId as ConversationId, seq });
  await s.next('ok', (f) => f.reqId === reqId);
}

/** Polls `check` (never a blind sleep). */
async function eventually<T>(check: () => T | undefined, what: string, ms = GUARD_MS): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const found = check();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('members and read receipts', () => {
  let t: TestServer;
  const G = 'group:rr';
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bob', 'carol', 'dave', 'erin');
    await t.rest('PUT', '/v1/users/bob', { avatar: 'https://cdn.example.com/bob.png' });
    await t.rest('POST', '/v1/groups', { id: 'rr', name: 'Receipts', members: ['alice', 'bob', 'carol', 'dave'] });
  });
  after(() => t.stop());

  it('members.fetch lists a group with profiles and read positions, and refuses a non-member with NOT_MEMBER', async () => {
    const alice = await t.login('alice');
    const erin = await t.login('erin');
    const list = await members(alice, G);
    assert.deepEqual(list.map((m) => m.id), ['alice', 'bob', 'carol', 'dave']);
    assert.deepEqual(list.find((m) => m.id === 'bob'), { id: 'bob', name: 'Bob', avatar: 'https://cdn.example.com/bob.png', readSeq: 0, role: 'member' });
    for (const id of [G, 'group:nope']) {
      erin.send({ type: 'members.fetch', reqId: 'x', conversationId: id });
      const err = await erin.next('error', (f) => f.reqId === 'x');
      assert.equal(err.name, 'NOT_MEMBER', id);
      assert.equal(erin.pending('members').length, 0);
    }
    // A p2p chat: both sides, even before anything was said; the peer's profile only once they
    // are a contact, so an existing id answers exactly as an unknown one (no account oracle).
    assert.deepEqual(await members(erin, 'p2p:alice'), [{ id: 'alice', readSeq: 0 }, { id: 'erin', name: 'Erin', readSeq: 0 }]);
    assert.deepEqual(await members(erin, 'p2p:nobody-here'), [{ id: 'erin', name: 'Erin', readSeq: 0 }, { id: 'nobody-here', readSeq: 0 }]);
    alice.close();
    erin.close();
  });

  it('group needReadReceipt: each member reading sends receipt.read to the sender only, and readers rise', async () => {
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((u) => t.login(u)));
    const first = await send(alice, G, { needReadReceipt: true });
    const second = await send(alice, G, { needReadReceipt: true });
    const readersOf = async (seq: number) => (await members(alice, G)).filter((m) => m.id !== 'alice' && m.readSeq >= seq).map((m) => m.id);
    assert.deepEqual(await readersOf(second.seq), []);

    await read(bob, G, second.seq);
    assert.deepEqual(await alice.next('receipt.read', (f) => f.userId === 'bob'), { type: 'receipt.read', conversationId: G, userId: 'bob', seq: second.seq });
    assert.deepEqual(await readersOf(second.seq), ['bob']);

    await read(carol, G, first.seq);
    assert.equal((await alice.next('receipt.read', (f) => f.userId === 'carol')).seq, first.seq);
    assert.deepEqual([await readersOf(first.seq), await readersOf(second.seq)], [['bob', 'carol'], ['bob']]);

    await read(carol, G, second.seq);
    await read(dave, G, second.seq);
    assert.equal((await alice.next('receipt.read', (f) => f.userId === 'carol')).seq, second.seq);
    assert.equal((await alice.next('receipt.read', (f) => f.userId === 'dave')).seq, second.seq);
    assert.deepEqual(await readersOf(second.seq), ['bob', 'carol', 'dave']);

    // Nobody else hears of these reads: receipts do not fan out to every member.
    for (const s of [bob, carol, dave]) {
      await s.roundTrip();
      assert.deepEqual(s.pending('receipt.read'), [], 'a member who asked for no receipt');
    }
    for (const s of [alice, bob, carol, dave]) s.close();
  });

  it('sends no group receipt for messages without needReadReceipt, nor to the reader for their own, nor twice', async () => {
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((u) => t.login(u)));
    const plain = await send(alice, G);
    const own = await send(bob, G, { needReadReceipt: true });
    await read(bob, G, own.seq);
    await read(bob, G, plain.seq); // nothing new
    // carol reads both: bob (who asked) hears of it, alice (who did not) does not.
    await read(carol, G, own.seq);
    assert.equal((await bob.next('receipt.read', (f) => f.userId === 'carol')).seq, own.seq);
    await alice.roundTrip();
    await bob.roundTrip();
    assert.deepEqual(alice.pending('receipt.read'), []);
    assert.deepEqual(bob.pending('receipt.read'), []);
    // A targeted message's receipt: only its receiver can read it, so only their read is reported.
    const targeted = await send(alice, G, { needReadReceipt: true, receiver: 'carol' });
    await read(bob, G, targeted.seq);
    await alice.roundTrip();
    assert.deepEqual(alice.pending('receipt.read'), [], 'bob cannot see it: no receipt');
    await read(carol, G, targeted.seq);
    assert.equal((await alice.next('receipt.read', (f) => f.userId === 'carol')).seq, targeted.seq);
    for (const s of [alice, bob, carol]) s.close();
  });

  it('p2p read state: the peer gets receipt.read as p2p:<reader>, sees peerReadSeq, and members show both positions', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    await send(alice, 'p2p:bob');
    const last = await send(alice, 'p2p:bob');
    await read(bob, 'p2p:alice', last.seq);
    assert.deepEqual(await alice.next('receipt.read'), { type: 'receipt.read', conversationId: 'p2p:bob', userId: 'bob', seq: last.seq });
    const summary = (await t.rest('GET', '/v1/users/alice/conversations')).body.items.find((c: { id: string }) => c.id === 'p2p:bob');
    assert.equal(summary.peerReadSeq, last.seq);
    assert.deepEqual((await members(alice, 'p2p:bob')).map((m) => [m.id, m.readSeq]), [['alice', 0], ['bob', last.seq]]);
    alice.close();
    bob.close();
  });
});

describe('onOfflineMessage on one node', () => {
  let t: TestServer;
  const calls: OfflineMessageEvent[] = [];
  before(async () => {
    t = await startServer({ onOfflineMessage: (e) => void calls.push(e) });
    await createUsers(t, 'alice', 'bob', 'carol', 'dave');
    await t.rest('POST', '/v1/groups', { id: 'push', name: 'Push', members: ['alice', 'bob', 'carol', 'dave'] });
  });
  after(() => t.stop());
  const callFor = (id: string) => eventually(() => calls.find((c) => c.message.id === id), `the hook for ${id}`);

  it('is called once per committed message with exactly the offline recipients, never the sender, and the push info', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const pushInfo = { title: 'Alice in Push', body: 'Dinner?', ext: '{"k":1}' };
    const m = await send(alice, 'group:push', { offlinePushInfo: pushInfo });
    const call = await callFor(m.id);
    assert.deepEqual(call.recipients, ['carol', 'dave']);
    assert.deepEqual(call.offlinePushInfo, pushInfo);
    assert.deepEqual([call.message.seq, call.message.conversationId, call.message.sender], [m.seq, 'group:push', 'alice']);

    // bob leaves: the next message counts him offline too; carol comes online.
    bob.close();
    const carol = await t.login('carol');
    await eventually(() => (t.server.core.registry.isOnline('bob') ? undefined : true), 'bob gone');
    const next = await send(alice, 'group:push');
    assert.deepEqual((await callFor(next.id)).recipients, ['bob', 'dave']);
    assert.equal((await callFor(next.id)).offlinePushInfo, undefined);

    // p2p: as the recipient sees it; nothing for an online peer.
    const toDave = await send(alice, 'p2p:dave', { offlinePushInfo: { title: 'Alice' } });
    const daveCall = await callFor(toDave.id);
    assert.deepEqual([daveCall.recipients, daveCall.message.conversationId], [['dave'], 'p2p:alice']);
    const toCarol = await send(alice, 'p2p:carol');
    // Online-only messages are never committed: no call either.
    const typing = await send(alice, 'group:push', { onlineUserOnly: true, elem: { type: 'custom', customType: 'natter.typing', data: '' } });
    assert.equal(typing.seq, 0);
    // A message sent after them is called: by then theirs would have been.
    const marker = await send(alice, 'group:push');
    await callFor(marker.id);
    assert.equal(calls.find((c) => c.message.id === toCarol.id), undefined, 'carol is online');
    assert.equal(calls.filter((c) => c.message.seq === 0).length, 0, 'online-only');
    // Resending a committed clientMsgId (a lost ack) calls nothing more.
    alice.send({ type: 'message.send', clientMsgId: marker.clientMsgId, conversationId: 'group:push', elem: text(`m-${marker.clientMsgId}`) });
    assert.equal((await alice.next('message.ack', (f) => f.clientMsgId === marker.clientMsgId)).duplicate, true);
    await callFor((await send(alice, 'group:push')).id);
    assert.equal(calls.filter((c) => c.message.id === marker.id).length, 1);

    // A message sent over REST by an offline sender does not name the sender.
    carol.close();
    await eventually(() => (t.server.core.registry.isOnline('carol') ? undefined : true), 'carol gone');
    const rest = await t.rest('POST', '/v1/messages', { from: 'dave', groupId: 'push', elem: text('from REST') });
    assert.deepEqual((await callFor(rest.body.id)).recipients, ['bob', 'carol']);
    alice.close();
  });

  it('logs a throwing hook and still delivers and acks', async () => {
    const t2 = await startServer({ onOfflineMessage: () => { throw new Error('push service down'); } });
    await createUsers(t2, 'alice', 'bob');
    const alice = await t2.login('alice');
    const m = await send(alice, 'p2p:bob');
    assert.ok(m.seq > 0);
    const bob = await t2.login('bob');
    bob.close();
    alice.close();
    await t2.stop();
  });
});

await requirePostgres();
await requireRedis();

describe('onOfflineMessage with two nodes over Redis', () => {
  let nodeA: TestServer;
  let nodeB: TestServer;
  let db: Awaited<ReturnType<typeof freshSchema>>;
  const redisPrefix = `${uniqueName('natter_test')}:`;
  const callsA: OfflineMessageEvent[] = [];
  const callsB: OfflineMessageEvent[] = [];
  before(async () => {
    db = await freshSchema();
    const options = { databaseUrl: db.url, redisUrl: REDIS_URL, redisPrefix };
    [nodeA, nodeB] = await Promise.all([
      startServer({ ...options, onOfflineMessage: (e) => void callsA.push(e) }),
      startServer({ ...options, onOfflineMessage: (e) => void callsB.push(e) }),
    ]);
    await createUsers(nodeA, 'alice', 'bob', 'carol');
    await nodeA.rest('POST', '/v1/groups', { id: 'team', name: 'Team', members: ['alice', 'bob', 'carol'] });
  });
  after(async () => {
    await nodeA?.stop();
    await nodeB?.stop();
    await db?.drop();
    await dropRedisKeys(redisPrefix);
  });

  it('a user online on node B is not offline for node A; once gone from B, A counts them offline; only the committing node calls', async () => {
    const alice = await nodeA.login('alice');
    const bob = await nodeB.login('bob');
    const first = await send(alice, 'group:team');
    const call = await eventually(() => callsA.find((c) => c.message.id === first.id), 'node A hook');
    assert.deepEqual(call.recipients, ['carol']);

    bob.close();
    const carol = await nodeA.login('carol');
    await eventually(() => (nodeB.server.core.registry.isOnline('bob') ? undefined : true), 'bob gone from B');
    // B withdraws bob as his socket closes, on its own Redis connection: A sees it a moment later.
    let recipients: string[] = [];
    for (let i = 0; i < 50 && !recipients.includes('bob'); i++) {
      const m = await send(alice, 'group:team');
      recipients = (await eventually(() => callsA.find((c) => c.message.id === m.id), 'node A hook')).recipients;
    }
    assert.deepEqual(recipients, ['bob'], 'carol is online on A now, bob on no node');
    assert.equal(callsB.length, 0, 'node B committed nothing, so it called nothing');

    // Committed on B: alice and carol, online on A only, are not offline for B.
    const bobAgain = await nodeB.login('bob');
    const fromB = await send(bobAgain, 'group:team');
    carol.close();
    await eventually(() => (nodeA.server.core.registry.isOnline('carol') ? undefined : true), 'carol gone from A');
    let later: OfflineMessageEvent | undefined;
    for (let i = 0; i < 50 && !later?.recipients.includes('carol'); i++) {
      const m = await send(bobAgain, 'group:team');
      later = await eventually(() => callsB.find((c) => c.message.id === m.id), 'node B hook');
    }
    assert.deepEqual(later?.recipients, ['carol']);
    // Calls of one node come in commit order, so the earlier message's would be here by now.
    assert.equal(callsB.some((c) => c.message.id === fromB.id), false, 'alice and carol were online on A');
    assert.equal(callsA.some((c) => c.message.sender === 'bob'), false, 'only the committing node calls');
    alice.close();
    bobAgain.close();
  });
});
