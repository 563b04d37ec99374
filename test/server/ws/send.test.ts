import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';

describe('sending over WebSocket', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bob', 'carol');
    await t.rest('POST', '/v1/groups', { id: 'team', name: 'Team', members: ['alice', 'bob', 'carol'] });
  });
  after(() => t.stop());

  it('acks a resend of a committed clientMsgId with the original values and duplicate: true, creating nothing', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const clientMsgId = cmid();
    const send = { type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text('once') } as const;
    alice.send(send);
    const ack = await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    await bob.next('message.new', (f) => f.message.clientMsgId === clientMsgId);
    alice.send(send);
    const again = await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    assert.deepEqual(again, { ...ack, duplicate: true });
    await bob.roundTrip();
    assert.equal(bob.pending('message.new').length, 0, 'the duplicate is not delivered again');
    const page = await t.rest('GET', '/v1/users/bob/conversations/p2p:alice/messages');
    assert.equal(page.body.messages.filter((m: { clientMsgId: string }) => m.clientMsgId === clientMsgId).length, 1);
    alice.close();
    bob.close();
  });

  it('refuses a clientMsgId reused for another conversation with CLIENT_MSG_ID_REUSED', async () => {
    const alice = await t.login('alice');
    const clientMsgId = cmid();
    alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text('a') });
    await alice.next('message.ack');
    alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:carol', elem: text('b') });
    const err = await alice.next('message.error');
    assert.equal(err.name, 'CLIENT_MSG_ID_REUSED');
    assert.equal(err.conversationId, 'p2p:carol');
    alice.close();
  });

  it('gives concurrent senders gapless seqs, each acked, and delivers every message in seq order', async () => {
    const senders = await Promise.all(['alice', 'bob', 'carol'].map((u) => t.login(u)));
    const watcher = await t.login('carol');
    const perSender = 40;
    const before = (await t.rest('GET', '/v1/users/alice/conversations')).body.items.find((c: { id: string }) => c.id === 'group:team').lastSeq;
    for (let i = 0; i < perSender; i++) {
      for (const s of senders) s.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'group:team', elem: text(`n${i}`) });
    }
    const acks = (await Promise.all(senders.map(async (s) => {
      const got = [];
      for (let i = 0; i < perSender; i++) got.push(await s.next('message.ack'));
      return got;
    }))).flat();
    const seqs = acks.map((a) => a.seq).sort((a, b) => a - b);
    assert.deepEqual(seqs, Array.from({ length: perSender * 3 }, (_, i) => before + i + 1));
    const delivered = [];
    for (let i = 0; i < perSender * 3; i++) delivered.push((await watcher.next('message.new')).message.seq);
    assert.deepEqual(delivered, seqs);
    for (const s of [...senders, watcher]) s.close();
  });

  it("delivers a p2p message to the peer as p2p:<sender> and to the sender's other devices as p2p:<peer>, not to the sending socket", async () => {
    const phone = await t.login('alice');
    const laptop = await t.login('alice');
    const bob = await t.login('bob');
    const clientMsgId = cmid();
    // A text that looks like the key the server rewrites for bob's view: it must arrive as sent.
    const body = 'hello bob ,"conversationId":"p2p:bob", "conversationId":"p2p:bob"';
    phone.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text(body) });
    const ack = await phone.next('message.ack');
    const atBob = await bob.next('message.new', (f) => f.message.clientMsgId === clientMsgId);
    const atLaptop = await laptop.next('message.new', (f) => f.message.clientMsgId === clientMsgId);
    assert.equal(atBob.message.conversationId, 'p2p:alice');
    assert.equal(atLaptop.message.conversationId, 'p2p:bob');
    assert.deepEqual(atBob.message, { ...atLaptop.message, conversationId: 'p2p:alice' });
    assert.deepEqual(atBob.message.elem, text(body));
    assert.equal(atBob.message.seq, ack.seq);
    assert.deepEqual(atBob.message.senderProfile, { name: 'Alice' });
    await phone.roundTrip();
    assert.equal(phone.pending('message.new').length, 0);
    for (const s of [phone, laptop, bob]) s.close();
  });

  it('shows a targeted group message only to the receiver and the sender; others later see a covered seq hole', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const carol = await t.login('carol');
    const clientMsgId = cmid();
    alice.send({ type: 'message.send', clientMsgId, conversationId: 'group:team', elem: text('psst'), receiver: 'bob' });
    const ack = await alice.next('message.ack');
    await bob.next('message.new', (f) => f.message.clientMsgId === clientMsgId);
    await carol.roundTrip();
    assert.equal(carol.pending('message.new').filter((f) => f.message.clientMsgId === clientMsgId).length, 0);
    carol.send({ type: 'history.fetch', reqId: 'h1', conversationId: 'group:team', after: ack.seq - 1 });
    const page = await carol.next('history.page');
    assert.equal(page.fromSeq, ack.seq);
    assert.ok(page.toSeq >= ack.seq);
    assert.ok(!page.messages.some((m) => m.seq === ack.seq));
    for (const s of [alice, bob, carol]) s.close();
  });

  it('delivers onlineUserOnly messages with seq 0 to online members only and never stores them', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const clientMsgId = cmid();
    alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: { type: 'custom', data: 'typing' }, onlineUserOnly: true });
    const ack = await alice.next('message.ack');
    assert.equal(ack.seq, 0);
    const got = await bob.next('message.new', (f) => f.message.clientMsgId === clientMsgId);
    assert.equal(got.message.seq, 0);
    const page = await t.rest('GET', '/v1/users/bob/conversations/p2p:alice/messages');
    assert.ok(!page.body.messages.some((m: { clientMsgId: string }) => m.clientMsgId === clientMsgId));
    alice.close();
    bob.close();
  });

  it('forwards one visible message with forwardedFrom, and merges several into a merger elem', async () => {
    const alice = await t.login('alice');
    const original = cmid();
    alice.send({ type: 'message.send', clientMsgId: original, conversationId: 'p2p:bob', elem: text('worth sharing') });
    const ack = await alice.next('message.ack');
    alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'group:team', forward: { conversationId: 'p2p:bob', messageIds: [ack.id] } });
    await alice.next('message.ack');
    alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:carol', forward: { conversationId: 'p2p:bob', messageIds: [ack.id, ack.id], merge: { title: 'Chat with Bob' } } });
    await alice.next('message.ack');
    const bob = await t.login('bob');
    const team = await t.rest('GET', '/v1/users/bob/conversations/group:team/messages?limit=1');
    const fwd = team.body.messages[0];
    assert.deepEqual(fwd.elem, text('worth sharing'));
    assert.equal(fwd.forwardedFrom.messageId, ack.id);
    const carolView = await t.rest('GET', '/v1/users/carol/conversations/p2p:alice/messages?limit=1');
    assert.equal(carolView.body.messages[0].elem.type, 'merger');
    assert.equal(carolView.body.messages[0].elem.messages.length, 2);
    bob.close();
    alice.close();
  });

  it('refuses to forward a system notification with NOT_FORWARDABLE and an unseen message with MESSAGE_UNKNOWN', async () => {
    const alice = await t.login('alice');
    const system = (await t.rest('GET', '/v1/users/alice/conversations/group:team/messages?before=2&limit=1')).body.messages[0];
    assert.equal(system.elem.type, 'system');
    alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:bob', forward: { conversationId: 'group:team', messageIds: [system.id] } });
    assert.equal((await alice.next('message.error')).name, 'NOT_FORWARDABLE');
    alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:bob', forward: { conversationId: 'group:team', messageIds: ['no-such-id'] } });
    assert.equal((await alice.next('message.error')).name, 'MESSAGE_UNKNOWN');
    alice.close();
  });
});

describe('a store that fails to commit', () => {
  it('answers message.error UNAVAILABLE, never an ack', async () => {
    const t = await startServer();
    await createUsers(t, 'alice', 'bob');
    const alice = await t.login('alice');
    t.server.store.commitMessages = async () => {
      throw new Error('disk full');
    };
    const clientMsgId = cmid();
    alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text('lost?') });
    const err = await alice.next('message.error');
    assert.equal(err.name, 'UNAVAILABLE');
    assert.equal(err.clientMsgId, clientMsgId);
    assert.equal(alice.pending('message.ack').length, 0);
    await t.stop();
  });
});

describe('a burst from one socket', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ sendsPerMinute: 10_000 });
    await createUsers(t, 'alice', 'bob');
  });
  after(() => t.stop());

  it('takes a burst far past what it reads at once from one socket: every send acked once, in order, and delivered', async () => {
    // The gateway stops reading a socket with 32 frames in hand and reads on as they finish.
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const ids = Array.from({ length: 400 }, () => cmid());
    // Written in one go, 2 KB each: the server finds far more than 32 frames waiting, over many
    // reads of the socket, so it pauses and resumes reading it several times.
    const pad = ' '.padEnd(2000, 'x');
    for (const [i, clientMsgId] of ids.entries()) alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text(`burst ${i}${pad}`) });
    const acks = [];
    for (let i = 0; i < ids.length; i++) acks.push(await alice.next('message.ack'));
    assert.deepEqual(acks.map((a) => a.clientMsgId), ids, 'acked in send order');
    const seqs = acks.map((a) => a.seq);
    assert.deepEqual(seqs, Array.from({ length: ids.length }, (_, i) => seqs[0]! + i), 'gapless seqs in send order');
    const delivered = [];
    for (let i = 0; i < ids.length; i++) delivered.push((await bob.next('message.new')).message);
    assert.deepEqual(delivered.map((m) => m.clientMsgId), ids);
    await alice.roundTrip();
    assert.equal(alice.pending('message.ack').length, 0, 'no ack twice');
    alice.close();
    bob.close();
  });
});
