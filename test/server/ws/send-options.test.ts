/**
 * Every elem type round trips (live, history, replay), and every send option has its server-side
 * effect (SPEC §1): exclusions from unread and last message, online-only messages never stored,
 * targeted group messages invisible to the other members, mentions, and the fields the server
 * carries untouched.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConversationSummary, Elem, Message } from '../../../src/protocol/index.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';

const GROUP = 'group:opts';

/** One sample of every elem a client may send (a merger only the server builds, from a `forward`: send.test.ts). */
function userElems(): Record<string, Elem> {
  return {
    text: { type: 'text', text: 'hello 👋 <b>not bold</b>' },
    face: { type: 'face', index: 3, data: '🎉' },
    location: { type: 'location', description: 'Office, 3rd floor', latitude: 52.52, longitude: 13.405 },
    image: {
      type: 'image', url: 'https://cdn.example.com/cat.png', width: 640, height: 480, size: 123_456, mime: 'image/png',
      thumbnail: { url: 'https://cdn.example.com/cat-small.png', width: 160, height: 120 },
    },
    sound: { type: 'sound', url: 'https://cdn.example.com/voice.ogg', size: 20_480, duration: 7.5, mime: 'audio/ogg' },
    video: {
      type: 'video', url: 'https://cdn.example.com/clip.mp4', size: 5_000_000, duration: 12, mime: 'video/mp4',
      snapshot: { url: 'https://cdn.example.com/clip.jpg', width: 1280, height: 720 },
    },
    file: { type: 'file', url: 'https://cdn.example.com/report.pdf', name: 'report (final).pdf', size: 99_000, mime: 'application/pdf' },
    custom: { type: 'custom', customType: 'poll', data: '{"q":"lunch?","options":["yes","no"]}', description: '[poll] lunch?', extension: 'v1' },
    call: { type: 'call', media: 'video', action: 'ended', duration: 65 },
  };
}

async function summaryOf(t: TestServer, user: string, id = GROUP): Promise<ConversationSummary> {
  const res = await t.rest('GET', `/v1/users/${user}/conversations`);
  assert.equal(res.status, 200);
  const found = (res.body.items as ConversationSummary[]).find((c) => c.id === id);
  assert.ok(found, `${user} has ${id}`);
  return found;
}

async function historyOf(t: TestServer, user: string, id = GROUP): Promise<Message[]> {
  const res = await t.rest('GET', `/v1/users/${user}/conversations/${id}/messages?limit=200`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.messages as Message[];
}

/** Sends and waits for the ack. */
async function sendAcked(s: TestSocket, fields: Record<string, unknown>) {
  const clientMsgId = cmid();
  s.send({ type: 'message.send', clientMsgId, conversationId: GROUP, ...fields });
  const answer = await s.nextOf(['message.ack', 'message.error']);
  assert.equal(answer.type, 'message.ack', JSON.stringify(answer));
  return { clientMsgId, ack: answer as Extract<typeof answer, { type: 'message.ack' }> };
}

/** Logs in with a cursor per conversation and collects what the replay brings. */
async function replay(t: TestServer, user: string, cursors: Record<string, number>): Promise<{ messages: Message[]; items: ConversationSummary[] }> {
  const s = await t.connect();
  const { PROTOCOL_VERSION } = await import('../../../src/protocol/index.js');
  s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token(user), cursors });
  const frames = await s.until('sync.done');
  s.close();
  const items = frames.flatMap((f) => (f.type === 'sync.conversations' ? f.items : []));
  return { messages: frames.flatMap((f) => (f.type === 'sync.messages' ? f.messages : [])), items };
}

describe('message types and send options', () => {
  let t: TestServer;
  let alice: TestSocket;
  let bob: TestSocket;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bob', 'carol');
    await t.rest('PUT', '/v1/users/alice', { avatar: 'https://cdn.example.com/alice.png' });
    await t.rest('POST', '/v1/groups', { id: 'opts', name: 'Options', members: ['alice', 'bob', 'carol'] });
    alice = await t.login('alice');
    bob = await t.login('bob');
  });
  after(() => t.stop());

  it('round trips every elem type a user may send: live, in history and in the replay, unchanged', async () => {
    const { ack: firstAck, clientMsgId: firstId } = await sendAcked(alice, { elem: text('the first') });
    const first = (await bob.next('message.new', (f) => f.message.clientMsgId === firstId)).message;
    assert.equal(first.seq, firstAck.seq);
    const elems = userElems();
    const sent = new Map<string, { elem: Elem; seq: number }>();
    for (const [type, elem] of Object.entries(elems)) {
      const { clientMsgId, ack } = await sendAcked(alice, { elem });
      const live = await bob.next('message.new', (f) => f.message.clientMsgId === clientMsgId);
      assert.deepEqual(live.message.elem, elem, `${type} live`);
      assert.equal(live.message.seq, ack.seq);
      sent.set(clientMsgId, { elem, seq: ack.seq });
    }
    const history = await historyOf(t, 'bob');
    const replayed = (await replay(t, 'bob', { [GROUP]: firstAck.seq })).messages;
    for (const [clientMsgId, { elem, seq }] of sent) {
      const h = history.find((m) => m.clientMsgId === clientMsgId);
      assert.deepEqual([h?.seq, h?.elem], [seq, elem], `${elem.type} in history`);
      const r = replayed.find((m) => m.clientMsgId === clientMsgId);
      assert.deepEqual([r?.seq, r?.elem], [seq, elem], `${elem.type} in the replay`);
    }
    assert.equal(sent.size, 9);
  });

  it('round trips a system notification sent over admin REST, and refuses one from a user', async () => {
    const elem = { type: 'system', event: 'custom', text: 'Maintenance tonight at 22:00', data: '{"level":"info"}' } as const;
    const res = await t.rest('POST', '/v1/messages', { groupId: 'opts', elem });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const live = await bob.next('message.new', (f) => f.message.id === res.body.id);
    assert.deepEqual(live.message.elem, elem);
    assert.equal(live.message.sender, 'system');
    assert.deepEqual((await historyOf(t, 'carol')).find((m) => m.id === res.body.id)?.elem, elem);
    const clientMsgId = cmid();
    alice.send({ type: 'message.send', clientMsgId, conversationId: GROUP, elem });
    assert.equal((await alice.next('message.error', (f) => f.clientMsgId === clientMsgId)).name, 'ADMIN_REQUIRED');
  });

  it('isExcludedFromUnreadCount: stored and delivered, but the unread count does not change', async () => {
    const before = await summaryOf(t, 'carol');
    const { clientMsgId, ack } = await sendAcked(alice, { elem: text('quiet'), isExcludedFromUnreadCount: true });
    assert.ok(ack.seq > 0);
    assert.equal((await bob.next('message.new', (f) => f.message.clientMsgId === clientMsgId)).message.isExcludedFromUnreadCount, true);
    const afterIt = await summaryOf(t, 'carol');
    assert.equal(afterIt.lastSeq, ack.seq);
    assert.equal(afterIt.unread, before.unread);
    assert.equal(afterIt.lastMessage?.clientMsgId, clientMsgId, 'still the last message');
    // The replay's summaries agree with REST.
    const item = (await replay(t, 'carol', {})).items.find((c) => c.id === GROUP);
    assert.equal(item?.unread, before.unread);
    // An ordinary message counts again.
    await sendAcked(alice, { elem: text('loud') });
    assert.equal((await summaryOf(t, 'carol')).unread, before.unread + 1);
  });

  it("isExcludedFromLastMessage: stored and counted, but the summary's last message stays the one before", async () => {
    const { clientMsgId: previous } = await sendAcked(alice, { elem: text('the last real one') });
    const before = await summaryOf(t, 'carol');
    const { clientMsgId, ack } = await sendAcked(alice, { elem: text('not a preview'), isExcludedFromLastMessage: true });
    await bob.next('message.new', (f) => f.message.clientMsgId === clientMsgId);
    for (const user of ['alice', 'bob', 'carol']) {
      const s = await summaryOf(t, user);
      assert.equal(s.lastSeq, ack.seq, user);
      assert.equal(s.lastMessage?.clientMsgId, previous, `${user}'s last message`);
    }
    assert.equal((await summaryOf(t, 'carol')).unread, before.unread + 1);
    assert.ok((await historyOf(t, 'carol')).some((m) => m.clientMsgId === clientMsgId));
  });

  it('onlineUserOnly: delivered to online members only with seq 0, never stored: no seq, no history, no replay, no unread', async () => {
    const before = await summaryOf(t, 'carol');
    const { clientMsgId, ack } = await sendAcked(alice, { elem: { type: 'custom', customType: 'natter.typing', data: '' }, onlineUserOnly: true });
    assert.equal(ack.seq, 0);
    const live = await bob.next('message.new', (f) => f.message.clientMsgId === clientMsgId);
    assert.equal(live.message.seq, 0);
    // carol was offline: she never gets it, neither now nor when she comes back.
    const back = await replay(t, 'carol', { [GROUP]: Math.max(0, before.lastSeq - 5) });
    assert.ok(!back.messages.some((m) => m.clientMsgId === clientMsgId));
    const after1 = await summaryOf(t, 'carol');
    assert.deepEqual([after1.lastSeq, after1.unread, after1.lastMessage?.id], [before.lastSeq, before.unread, before.lastMessage?.id]);
    for (const user of ['alice', 'bob', 'carol']) {
      assert.ok(!(await historyOf(t, user)).some((m) => m.clientMsgId === clientMsgId), `not in ${user}'s history`);
    }
    // bob reconnects from an older cursor: the replay does not bring it either.
    const bobBack = await replay(t, 'bob', { [GROUP]: Math.max(0, before.lastSeq - 5) });
    assert.ok(!bobBack.messages.some((m) => m.clientMsgId === clientMsgId));
    // The next stored message takes the next seq: online-only messages take none.
    const { ack: next } = await sendAcked(alice, { elem: text('stored again') });
    assert.equal(next.seq, before.lastSeq + 1);
  });

  it('receiver: a targeted group message reaches only the receiver and the sender, live, in the replay and in history', async () => {
    const carol = await t.login('carol');
    const aliceLaptop = await t.login('alice');
    const { clientMsgId, ack } = await sendAcked(alice, { elem: text('only for bob'), receiver: 'bob' });
    const atBob = await bob.next('message.new', (f) => f.message.clientMsgId === clientMsgId);
    assert.equal(atBob.message.receiver, 'bob');
    await aliceLaptop.next('message.new', (f) => f.message.clientMsgId === clientMsgId);
    await carol.roundTrip();
    assert.ok(!carol.pending('message.new').some((f) => f.message.clientMsgId === clientMsgId), 'carol never gets it live');
    for (const [user, sees] of [['alice', true], ['bob', true], ['carol', false]] as const) {
      assert.equal((await historyOf(t, user)).some((m) => m.clientMsgId === clientMsgId), sees, `${user}'s history`);
      assert.equal((await replay(t, user, { [GROUP]: ack.seq - 1 })).messages.some((m) => m.clientMsgId === clientMsgId), sees, `${user}'s replay`);
    }
    // Not carol's last message nor unread either.
    assert.notEqual((await summaryOf(t, 'carol')).lastMessage?.clientMsgId, clientMsgId);
    // A receiver outside the group is refused.
    const refused = cmid();
    alice.send({ type: 'message.send', clientMsgId: refused, conversationId: GROUP, elem: text('x'), receiver: 'mallory' });
    assert.equal((await alice.next('message.error', (f) => f.clientMsgId === refused)).name, 'NOT_MEMBER');
    carol.close();
    aliceLaptop.close();
  });

  it('groupAtUserList: the mentioned member (everyone for @all) gets the mentioned flag on the summary until read', async () => {
    const read = (s: TestSocket, seq: number) => s.send({ type: 'conversation.read', conversationId: GROUP, seq });
    const carol = await t.login('carol');
    const { ack: base } = await sendAcked(alice, { elem: text('catch up') });
    read(bob, base.seq);
    read(carol, base.seq);
    await bob.roundTrip();
    await carol.roundTrip();
    assert.equal((await summaryOf(t, 'bob')).mentioned, undefined);
    const { ack } = await sendAcked(alice, { elem: text('@Bob look'), groupAtUserList: ['bob'] });
    assert.deepEqual([(await summaryOf(t, 'bob')).mentioned, (await summaryOf(t, 'carol')).mentioned], [true, undefined]);
    assert.equal((await summaryOf(t, 'alice')).mentioned, undefined, 'not the sender');
    read(bob, ack.seq);
    await bob.roundTrip();
    assert.equal((await summaryOf(t, 'bob')).mentioned, undefined, 'cleared by reading');
    const { clientMsgId } = await sendAcked(alice, { elem: text('@all lunch'), groupAtUserList: ['@all'] });
    assert.deepEqual((await bob.next('message.new', (f) => f.message.clientMsgId === clientMsgId)).message.groupAtUserList, ['@all']);
    assert.deepEqual([(await summaryOf(t, 'bob')).mentioned, (await summaryOf(t, 'carol')).mentioned], [true, true]);
    carol.close();
  });

  it('carries priority, cloudCustomData, offlinePushInfo, needReadReceipt and the sender profile snapshot unchanged', async () => {
    const options = {
      priority: 'high',
      cloudCustomData: '{"orderId":42,"note":"ünïcödé"}',
      offlinePushInfo: { title: 'Alice', body: 'New order', ext: '{"deepLink":"/orders/42"}' },
      needReadReceipt: true,
    } as const;
    const { clientMsgId, ack } = await sendAcked(alice, { elem: text('order placed'), ...options });
    const live = (await bob.next('message.new', (f) => f.message.clientMsgId === clientMsgId)).message;
    const stored = (await historyOf(t, 'carol')).find((m) => m.clientMsgId === clientMsgId);
    const replayed = (await replay(t, 'carol', { [GROUP]: ack.seq - 1 })).messages.find((m) => m.clientMsgId === clientMsgId);
    for (const [where, m] of [['live', live], ['history', stored], ['replay', replayed]] as const) {
      assert.ok(m, where);
      assert.deepEqual(
        { priority: m.priority, cloudCustomData: m.cloudCustomData, offlinePushInfo: m.offlinePushInfo, needReadReceipt: m.needReadReceipt },
        options,
        where,
      );
      assert.deepEqual(m.senderProfile, { name: 'Alice', avatar: 'https://cdn.example.com/alice.png' }, where);
    }
    // The snapshot is of send time: a later profile change does not rewrite stored messages.
    await t.rest('PUT', '/v1/users/alice', { name: 'Alice Renamed' });
    assert.equal((await historyOf(t, 'carol')).find((m) => m.clientMsgId === clientMsgId)?.senderProfile.name, 'Alice');
    // p2p messages carry the snapshot as well.
    const p2p = cmid();
    alice.send({ type: 'message.send', clientMsgId: p2p, conversationId: 'p2p:bob', elem: text('hi'), priority: 'low' });
    const got = await bob.next('message.new', (f) => f.message.clientMsgId === p2p);
    assert.deepEqual([got.message.priority, got.message.senderProfile.name], ['low', 'Alice']);
  });

  it('refuses cloudCustomData over 8 KB and an unknown priority before anything is stored', async () => {
    const big = cmid();
    alice.send({ type: 'message.send', clientMsgId: big, conversationId: GROUP, elem: text('x'), cloudCustomData: 'x'.repeat(8 * 1024 + 1) });
    assert.equal((await alice.next('message.error', (f) => f.clientMsgId === big)).name, 'MESSAGE_TOO_LARGE');
    const odd = cmid();
    alice.send({ type: 'message.send', clientMsgId: odd, conversationId: GROUP, elem: text('x'), priority: 'urgent' });
    assert.equal((await alice.next('message.error', (f) => f.clientMsgId === odd)).name, 'BAD_FRAME');
    const history = await historyOf(t, 'alice');
    assert.ok(!history.some((m) => m.clientMsgId === big || m.clientMsgId === odd));
  });
});
