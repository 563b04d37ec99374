import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Change, ConversationId, Message, ServerFrame } from '../../../src/protocol/index.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';

/** Sends a change and answers its ack or error. */
async function change(s: TestSocket, conversationId: ConversationId, messageId: string, c: Change, changeId = cmid()) {
  s.send({ type: 'change.send', changeId, conversationId, messageId, change: c });
  return s.nextOf(['change.ack', 'change.error']);
}

async function sendText(s: TestSocket, conversationId: ConversationId, body: string, extra: Record<string, unknown> = {}) {
  const clientMsgId = cmid();
  s.send({ type: 'message.send', clientMsgId, conversationId, elem: text(body), ...extra });
  const ack = await s.nextOf(['message.ack', 'message.error']);
  if (ack.type !== 'message.ack') assert.fail(`send refused: ${ack.name}`);
  return ack;
}

const changeOf = (m: Message) => (m.elem.type === 'change' ? m.elem : assert.fail('not a change event'));
const seqsOf = (frames: ServerFrame[], id: string) =>
  frames.flatMap((f) => (f.type === 'sync.messages' && f.conversationId === id ? f.messages : []));

describe('changes to sent messages over WebSocket (SPEC §9)', () => {
  let t: TestServer;
  let now = Date.now();
  before(async () => {
    t = await startServer({ clock: () => now, changes: { editWindowSeconds: 600, reactionsPerMessage: 3, reactionsPerUser: 2, pinsPerConversation: 2 } });
    await createUsers(t, 'alice', 'bob', 'carol', 'dave');
    await t.rest('POST', '/v1/groups', { id: 'team', name: 'Team', members: ['alice', 'bob', 'carol'] });
  });
  after(() => t.stop());

  it('delivers every change type live, folds them into history, and replays them to a device that was away', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const carol = await t.login('carol');
    const g = 'group:team' as const;
    const hello = await sendText(alice, g, 'hello team');
    const phoneCursor = hello.seq;
    const reply = await sendText(bob, g, 'hi alice', { replyTo: hello.id });
    const replyNew = await carol.next('message.new', (f) => f.message.id === reply.id);
    assert.deepEqual(replyNew.message.replyTo, { messageId: hello.id, sender: 'alice', senderName: 'Alice', excerpt: 'hello team' });

    const react = await change(carol, g, hello.id, { kind: 'reaction', emoji: '👍', on: true });
    assert.equal(react.type, 'change.ack');
    const seen = await alice.next('message.new', (f) => f.message.elem.type === 'change' && f.message.seq === (react as { seq: number }).seq);
    assert.deepEqual(changeOf(seen.message), { type: 'change', target: hello.id, change: { kind: 'reaction', emoji: '👍', on: true, count: 1 } });
    assert.equal(seen.message.sender, 'carol');

    assert.equal((await change(alice, g, hello.id, { kind: 'edit', text: 'hello team!' })).type, 'change.ack');
    assert.equal((await change(bob, g, reply.id, { kind: 'pin', on: true })).type, 'change.ack');
    const hide = await change(bob, g, hello.id, { kind: 'hide' });
    assert.equal(hide.type, 'change.ack');
    // Another of bob's devices hears of the hide; carol never does.
    await carol.roundTrip();
    assert.equal(carol.pending('message.new').filter((f) => f.message.seq === (hide as { seq: number }).seq).length, 0);

    // Recalling the quoted message: the reply's quote says so when read.
    assert.equal((await change(alice, g, hello.id, { kind: 'recall' })).type, 'change.ack');

    const page = await t.rest('GET', '/v1/users/carol/conversations/group:team/messages');
    const byId = new Map<string, Message>(page.body.messages.map((m: Message) => [m.id, m]));
    const original = byId.get(hello.id)!;
    assert.deepEqual(original.elem, { type: 'recalled' });
    assert.equal(original.recalled?.by, 'alice');
    assert.equal(original.reactions, undefined, 'a recall drops reactions with the content');
    assert.deepEqual(byId.get(reply.id)!.replyTo, { messageId: hello.id, sender: 'alice', senderName: 'Alice', excerpt: '', recalled: true });
    assert.deepEqual(byId.get(reply.id)!.pinned?.by, 'bob');
    const bobPage = await t.rest('GET', '/v1/users/bob/conversations/group:team/messages');
    assert.equal(bobPage.body.messages.find((m: Message) => m.id === hello.id).hidden, true);

    // bob's phone was away since `hello`: it catches up on every event, in seq order, once.
    const phone = await t.connect();
    phone.send({ type: 'session.open', protocol: 1, token: await t.token('bob'), cursors: { [g]: phoneCursor } });
    const frames = await phone.until('sync.done');
    const replayed = seqsOf(frames, g);
    assert.deepEqual(replayed.map((m) => m.seq), Array.from({ length: replayed.length }, (_, i) => phoneCursor + 1 + i));
    assert.deepEqual(replayed.filter((m) => m.elem.type === 'change').map((m) => changeOf(m).change.kind), ['reaction', 'edit', 'pin', 'hide', 'recall']);
    const pins = await (async () => { phone.send({ type: 'pins.fetch', reqId: 'p1', conversationId: g }); return phone.next('pins'); })();
    assert.deepEqual(pins.pins.map((p) => p.messageId), [reply.id]);
    // With who wrote it and one line, so a pinned bar shows a pin whose message is not loaded.
    assert.deepEqual(pins.pins[0]!.quote, { messageId: reply.id, sender: 'bob', senderName: 'Bob', excerpt: 'hi alice' });
    for (const s of [alice, bob, carol, phone]) s.close();
  });

  it('answers a repeated changeId with the original ack and stores nothing new, for every kind', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const g = 'group:team' as const;
    const kinds: [TestSocket, Change][] = [
      [bob, { kind: 'reaction', emoji: '🎉', on: true }],
      [alice, { kind: 'edit', text: 'edited once' }],
      [bob, { kind: 'pin', on: true }],
      [bob, { kind: 'hide' }],
      [alice, { kind: 'recall' }],
    ];
    for (const [who, c] of kinds) {
      const target = await sendText(alice, g, `target of ${c.kind}`);
      const id = cmid();
      const first = await change(who, g, target.id, c, id);
      assert.equal(first.type, 'change.ack', c.kind);
      const again = await change(who, g, target.id, c, id);
      assert.deepEqual(again, { ...first, duplicate: true }, c.kind);
      const list = await t.rest('GET', '/v1/users/alice/conversations');
      assert.equal(list.body.items.find((x: { id: string }) => x.id === g).lastSeq, (first as { seq: number }).seq, `${c.kind}: no new seq`);
    }
    // Unpin to stay under the pin limit for the other tests.
    for (const p of (await (async () => { bob.send({ type: 'pins.fetch', reqId: 'p', conversationId: g }); return bob.next('pins'); })()).pins) {
      await change(bob, g, p.messageId, { kind: 'pin', on: false });
    }
    alice.close();
    bob.close();
  });

  it('enforces windows, ownership and limits with stable codes', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const carol = await t.login('carol');
    const g = 'group:team' as const;
    const m = await sendText(alice, g, 'rules');
    const code = async (s: TestSocket, c: Change) => {
      const r = await change(s, g, m.id, c);
      return r.type === 'change.error' ? r.name : 'ok';
    };
    assert.equal(await code(bob, { kind: 'edit', text: 'not mine' }), 'NOT_MESSAGE_SENDER');
    assert.equal(await code(bob, { kind: 'recall' }), 'NOT_MESSAGE_SENDER');
    assert.equal(await code(bob, { kind: 'reaction', emoji: '😀', on: true }), 'ok');
    assert.equal(await code(bob, { kind: 'reaction', emoji: '😂', on: true }), 'ok');
    assert.equal(await code(bob, { kind: 'reaction', emoji: '😍', on: true }), 'USER_REACTIONS_LIMIT');
    assert.equal(await code(carol, { kind: 'reaction', emoji: '😍', on: true }), 'ok');
    assert.equal(await code(carol, { kind: 'reaction', emoji: '🔥', on: true }), 'REACTIONS_LIMIT');
    assert.equal(await code(carol, { kind: 'reaction', emoji: '😀', on: true }), 'ok', 'an existing emoji is not a new distinct one');
    // Who reacted, on demand.
    bob.send({ type: 'reactions.fetch', reqId: 'r', conversationId: g, messageId: m.id, emoji: '😀', limit: 1 });
    const who = await bob.next('reactions');
    assert.deepEqual([who.users, who.count, who.hasMore], [['bob'], 2, true]);

    now += 601_000;
    assert.equal(await code(alice, { kind: 'edit', text: 'too late' }), 'CHANGE_WINDOW_EXPIRED');
    assert.equal(await code(alice, { kind: 'recall' }), 'CHANGE_WINDOW_EXPIRED');
    // Admins recall any time, over REST, idempotently.
    const res = await t.rest('DELETE', `/v1/messages/${m.id}?groupId=team`);
    assert.equal(res.status, 200);
    const again = await t.rest('DELETE', `/v1/messages/${m.id}?groupId=team`);
    assert.deepEqual(again.body, { ...res.body, duplicate: true });
    assert.equal((await t.rest('DELETE', `/v1/messages/${m.id}?groupId=team`, undefined, null)).status, 403);
    assert.equal((await t.rest('DELETE', `/v1/messages/no-such-message?groupId=team`)).body.name, 'MESSAGE_UNKNOWN');
    assert.equal(await code(bob, { kind: 'reaction', emoji: '😀', on: false }), 'MESSAGE_RECALLED');
    // A recalled message can be neither quoted nor forwarded.
    bob.send({ type: 'message.send', clientMsgId: cmid(), conversationId: g, elem: text('re'), replyTo: m.id });
    assert.equal((await bob.next('message.error')).name, 'MESSAGE_RECALLED');
    bob.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:carol', forward: { conversationId: g, messageIds: [m.id] } });
    assert.equal((await bob.next('message.error')).name, 'MESSAGE_RECALLED');
    for (const s of [alice, bob, carol]) s.close();
  });

  it('never counts a change as unread or as the last message, except a recall of the last message', async () => {
    const alice = await t.login('alice');
    const dave = await t.login('dave');
    const m = await sendText(alice, 'p2p:dave', 'preview me');
    const summary = async () => (await t.rest('GET', '/v1/users/dave/conversations')).body.items.find((c: { id: string }) => c.id === 'p2p:alice');
    const before = await summary();
    assert.equal((await change(alice, 'p2p:dave', m.id, { kind: 'reaction', emoji: '👀', on: true })).type, 'change.ack');
    assert.equal((await change(alice, 'p2p:dave', m.id, { kind: 'edit', text: 'preview edited' })).type, 'change.ack');
    let after = await summary();
    assert.equal(after.unread, before.unread);
    assert.equal(after.lastMessage.id, m.id);
    assert.deepEqual(after.lastMessage.elem, text('preview edited'));
    assert.equal((await change(alice, 'p2p:dave', m.id, { kind: 'recall' })).type, 'change.ack');
    after = await summary();
    assert.deepEqual(after.lastMessage.elem, { type: 'recalled' });
    assert.equal(after.unread, before.unread);
    alice.close();
    dave.close();
  });

  it('stops serving the file of a recalled message to everyone but its uploader', async () => {
    const alice = await t.login('alice');
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const res = await fetch(`${t.url}/v1/uploads?conversationId=group:team&name=a.png`, { method: 'POST', headers: { authorization: `Bearer ${await t.token('alice')}`, 'content-type': 'image/png' }, body: png });
    assert.equal(res.status, 201);
    const file = (await res.json()) as { url: string; size: number; mime: string };
    const clientMsgId = cmid();
    alice.send({ type: 'message.send', clientMsgId, conversationId: 'group:team', elem: { type: 'image', url: file.url, width: 1, height: 1, size: file.size, mime: file.mime } });
    const sent = await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    const get = async (user: string) => (await fetch(file.url, { headers: { authorization: `Bearer ${await t.token(user)}` } })).status;
    assert.equal(await get('bob'), 200, 'a member reads it while the message stands');
    assert.equal((await change(alice, 'group:team', sent.id, { kind: 'recall' })).type, 'change.ack');
    assert.equal(await get('bob'), 403, 'recalled: the file is gone for the others');
    assert.equal(await get('alice'), 200, 'the uploader keeps their own file');
  });

  it('keeps hostile reaction keys out and stores hostile edits and quotes as plain text', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const g = 'group:team' as const;
    const hostile = '<img src=x onerror=alert(1)>\n<script>alert(2)</script>' + 'x'.repeat(300);
    const m = await sendText(alice, g, hostile);
    for (const emoji of ['<script>', 'ab', '👍👍', '\u202e👍', '👍\u0000', '🏳️‍🌈'.repeat(3), ':Not_A_Code:', '']) {
      const changeId = cmid();
      bob.send({ type: 'change.send', changeId, conversationId: g, messageId: m.id, change: { kind: 'reaction', emoji, on: true } });
      // Refused by the decoder, and still answered by its changeId so the client fails that change.
      const err = await bob.next('change.error', (f) => f.changeId === changeId);
      assert.equal(err.name, 'BAD_FRAME', JSON.stringify(emoji));
    }
    for (const emoji of ['👍🏽', '👨‍👩‍👧‍👦']) assert.equal((await change(bob, g, m.id, { kind: 'reaction', emoji, on: true })).type, 'change.ack', emoji);
    const reply = await sendText(bob, g, 'quoting', { replyTo: m.id });
    const quoted = (await alice.next('message.new', (f) => f.message.id === reply.id)).message.replyTo!;
    assert.equal([...quoted.excerpt].length, 120);
    assert.ok(!quoted.excerpt.includes('\n'), 'one line');
    assert.ok(quoted.excerpt.startsWith('<img src=x onerror=alert(1)> <script>'), 'kept as text, not sanitised into something else');
    assert.equal((await change(alice, g, m.id, { kind: 'edit', text: hostile })).type, 'change.ack');
    const page = await t.rest('GET', '/v1/users/bob/conversations/group:team/messages');
    assert.deepEqual(page.body.messages.find((x: Message) => x.id === m.id).elem, text(hostile));
    alice.close();
    bob.close();
  });
});
