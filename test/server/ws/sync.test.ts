import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LIMITS, PROTOCOL_VERSION, type ServerFrame } from '../../../src/protocol/index.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';

/** Sends `count` p2p messages over admin REST (fast, no socket needed). */
async function sendMany(t: TestServer, from: string, to: string, count: number): Promise<number[]> {
  const seqs = [];
  for (let i = 0; i < count; i++) {
    const res = await t.rest('POST', '/v1/messages', { from, to, elem: text(`${from}#${i}`) });
    assert.equal(res.status, 200);
    seqs.push(res.body.seq as number);
  }
  return seqs;
}

function replayed(frames: ServerFrame[], conversationId: string): number[] {
  return frames.flatMap((f) => (f.type === 'sync.messages' && f.conversationId === conversationId ? f.messages.map((m) => m.seq) : []));
}

async function open(t: TestServer, user: string, cursors?: Record<string, number>) {
  const s = await t.connect();
  s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token(user), ...(cursors && { cursors }) });
  return { socket: s, frames: await s.until('sync.done') };
}

describe('session sync', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ replayLimit: 600 });
    await createUsers(t, 'alice', 'bob', 'carol', 'dave');
  });
  after(() => t.stop());

  it('sends an offline user what arrived while away, then sync.done', async () => {
    const seqs = await sendMany(t, 'alice', 'bob', 3);
    const { socket, frames } = await open(t, 'bob');
    const types = frames.map((f) => f.type);
    assert.deepEqual(types, ['session.ready', 'sync.conversations', 'sync.messages', 'sync.done']);
    const conv = frames[1]!.type === 'sync.conversations' ? frames[1]!.items.find((c) => c.id === 'p2p:alice') : undefined;
    assert.equal(conv?.unread, 3);
    assert.equal(conv?.lastMessage?.elem.type === 'text' && conv.lastMessage.elem.text, 'alice#2');
    assert.deepEqual(replayed(frames, 'p2p:alice'), seqs);
    socket.close();
  });

  it('replays exactly the gap after the client cursor, as a range that covers it', async () => {
    const seqs = await sendMany(t, 'carol', 'bob', 5);
    const { socket, frames } = await open(t, 'bob', { 'p2p:carol': seqs[1]! });
    assert.deepEqual(replayed(frames, 'p2p:carol'), seqs.slice(2));
    const batch = frames.find((f) => f.type === 'sync.messages' && f.conversationId === 'p2p:carol');
    assert.ok(batch?.type === 'sync.messages');
    assert.equal(batch.fromSeq, seqs[1]! + 1);
    assert.equal(batch.toSeq, seqs[4]);
    socket.close();
  });

  it('replays nothing for a conversation whose cursor is current', async () => {
    const { socket, frames } = await open(t, 'bob', { 'p2p:carol': 5, 'p2p:alice': 3 });
    assert.deepEqual(frames.filter((f) => f.type === 'sync.messages'), []);
    socket.close();
  });

  it('splits a long replay into batches of LIMITS.replayBatch with contiguous ranges', async () => {
    await sendMany(t, 'dave', 'carol', LIMITS.replayBatch + 20);
    const { socket, frames } = await open(t, 'carol', { 'p2p:dave': 0, 'p2p:bob': 0 });
    const batches = frames.filter((f) => f.type === 'sync.messages' && f.conversationId === 'p2p:dave');
    assert.equal(batches.length, 2);
    assert.ok(batches[0]!.type === 'sync.messages' && batches[1]!.type === 'sync.messages');
    assert.deepEqual([batches[0].fromSeq, batches[0].toSeq, batches[1].fromSeq, batches[1].toSeq], [1, LIMITS.replayBatch, LIMITS.replayBatch + 1, LIMITS.replayBatch + 20]);
    assert.equal(replayed(frames, 'p2p:dave').length, LIMITS.replayBatch + 20);
    socket.close();
  });

  it('answers sync.gap instead of replaying when the client is more than replayLimit behind', async () => {
    await sendMany(t, 'dave', 'carol', 100); // p2p:dave now has 620 > replayLimit (600)
    const { socket, frames } = await open(t, 'carol', { 'p2p:dave': 10 });
    assert.deepEqual(frames.find((f) => f.type === 'sync.gap'), { type: 'sync.gap', conversationId: 'p2p:dave', afterSeq: 10, lastSeq: 620 });
    assert.deepEqual(replayed(frames, 'p2p:dave'), []);
    socket.close();
  });

  it('replays an unlisted conversation from the read position, but at most its latest 50 messages', async () => {
    const { socket, frames } = await open(t, 'carol', {});
    assert.deepEqual(replayed(frames, 'p2p:dave'), Array.from({ length: 50 }, (_, i) => 571 + i));
    socket.send({ type: 'conversation.read', reqId: 'r', conversationId: 'p2p:dave', seq: 615 });
    await socket.next('ok');
    const again = await open(t, 'carol', {});
    assert.deepEqual(replayed(again.frames, 'p2p:dave'), [616, 617, 618, 619, 620]);
    socket.close();
    again.socket.close();
  });

  it('pages history backwards in ascending order with hasMore, and refuses non-members with NOT_MEMBER', async () => {
    const s = await t.login('carol');
    s.send({ type: 'history.fetch', reqId: 'p1', conversationId: 'p2p:dave', limit: 10 });
    const p1 = await s.next('history.page');
    assert.deepEqual(p1.messages.map((m) => m.seq), Array.from({ length: 10 }, (_, i) => 611 + i));
    assert.deepEqual([p1.fromSeq, p1.toSeq, p1.hasMore], [611, 620, true]);
    s.send({ type: 'history.fetch', reqId: 'p2', conversationId: 'p2p:dave', before: 3 });
    const p2 = await s.next('history.page', (f) => f.reqId === 'p2');
    assert.deepEqual([p2.fromSeq, p2.toSeq, p2.hasMore, p2.messages.length], [1, 2, false, 2]);
    await t.rest('POST', '/v1/groups', { id: 'private', name: 'P', members: ['alice'] });
    s.send({ type: 'history.fetch', reqId: 'p3', conversationId: 'group:private' });
    const err = await s.next('error');
    assert.deepEqual([err.name, err.reqId], ['NOT_MEMBER', 'p3']);
    s.close();
  });

  it('answers history of a 1:1 chat without messages with an empty page, not NOT_MEMBER', async () => {
    const s = await t.login('alice');
    s.send({ type: 'history.fetch', reqId: 'e', conversationId: 'p2p:dave' });
    const page = await s.next('history.page');
    assert.deepEqual([page.messages, page.hasMore], [[], false]);
    s.close();
  });

  it('delivers messages committed during the replay live, so none falls between', async () => {
    const bob = await t.connect();
    bob.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('bob'), cursors: {} });
    const sent = await sendMany(t, 'alice', 'bob', 5);
    const frames = await bob.until('sync.done');
    await bob.roundTrip();
    const seen = new Set([...replayed(frames, 'p2p:alice'), ...bob.pending('message.new').map((f) => f.message.seq), ...frames.flatMap((f) => (f.type === 'message.new' ? [f.message.seq] : []))]);
    for (const seq of sent) assert.ok(seen.has(seq), `seq ${seq} reached bob`);
    bob.close();
  });

  it("stores the read position, tells the user's other devices and the p2p peer", async () => {
    const [seq] = await sendMany(t, 'alice', 'dave', 1);
    const phone = await t.login('dave');
    const laptop = await t.login('dave');
    const alice = await t.login('alice');
    phone.send({ type: 'conversation.read', conversationId: 'p2p:alice', seq: seq! });
    assert.deepEqual(await laptop.next('conversation.read'), { type: 'conversation.read', conversationId: 'p2p:alice', readSeq: seq });
    assert.deepEqual(await alice.next('receipt.read'), { type: 'receipt.read', conversationId: 'p2p:dave', userId: 'dave', seq });
    const list = await t.rest('GET', '/v1/users/alice/conversations');
    assert.equal(list.body.items.find((c: { id: string }) => c.id === 'p2p:dave').peerReadSeq, seq);
    for (const s of [phone, laptop, alice]) s.close();
  });

  it('keeps a message a sender resends after reconnecting exactly once', async () => {
    const alice = await t.login('alice');
    const clientMsgId = cmid();
    alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:carol', elem: text('x') });
    const ack = await alice.next('message.ack');
    alice.close();
    const again = await t.login('alice', { 'p2p:carol': ack.seq });
    again.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:carol', elem: text('x') });
    const second = await again.next('message.ack');
    assert.deepEqual([second.seq, second.id, second.duplicate], [ack.seq, ack.id, true]);
    again.close();
  });
});
