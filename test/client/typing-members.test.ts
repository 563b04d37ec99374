/**
 * Typing indicators and members/readers through the real client against the real server:
 * `sendTyping` throttled and never stored, `typing()` showing and expiring, a real message
 * ending it, and `loadMembers` / `members` / `readers` kept live by read receipts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PROTOCOL_VERSION } from '../../src/protocol/index.js';
import type { ChatClient } from '../../src/client/index.js';
import { TYPING_CUSTOM_TYPE, TYPING_EXPIRY_MS } from '../../src/client/typing.js';
import { TestSocket } from '../server/helpers/ws-client.js';
import { received, synced, until, useTestServer } from './real-server.js';

const ctx = useTestServer();
const { uid, connect, group } = ctx;
const sockets: TestSocket[] = [];
ctx.cleanup(() => sockets.forEach((s) => s.close()));

/** A raw socket of `userId`, to see exactly which frames the server sends. */
async function rawSession(userId: string): Promise<TestSocket> {
  const s = await TestSocket.connect(ctx.srv.wsUrl);
  sockets.push(s);
  s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await ctx.srv.token(userId) });
  await s.next('sync.done');
  return s;
}

describe('typing indicator', () => {
  test('sendTyping sends one online-only typing signal per 3 s per conversation; it is never stored nor shown in a thread', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const alice = await connect(a);
    const bob = await connect(b);
    const bobRaw = await rawSession(b);
    const inbox = received(bob);
    await Promise.all([synced(alice), synced(bob)]);

    for (let i = 0; i < 5; i++) alice.sendTyping(`p2p:${b}`);
    await until(() => bob.typing(`p2p:${a}`).get().includes(a), 'bob sees alice typing');
    await alice.send(`p2p:${b}`, 'a real one');
    const real = await bobRaw.next('message.new', (f) => f.message.seq > 0);
    const signals = bobRaw.received.filter((f) => f.type === 'message.new' && f.message.seq === 0);
    assert.equal(signals.length, 1, 'five calls in a row send one signal');
    const signal = signals[0]!.type === 'message.new' ? signals[0]!.message : undefined;
    assert.deepEqual(signal?.elem, { type: 'custom', customType: TYPING_CUSTOM_TYPE, data: '' });
    assert.deepEqual([signal?.onlineUserOnly, signal?.isExcludedFromUnreadCount, signal?.isExcludedFromLastMessage], [true, true, true]);
    assert.equal(real.message.seq, 1, 'the signal took no seq');

    // Neither side's thread, events, unread count or last message shows it.
    await until(() => inbox.length === 1, 'bob gets the real message');
    assert.deepEqual(inbox.map((m) => m.seq), [1]);
    assert.deepEqual(alice.messages(`p2p:${b}`).get().map((m) => m.seq), [1]);
    assert.deepEqual(bob.messages(`p2p:${a}`).get().map((m) => m.seq), [1]);
    const conv = bob.$conversations.get().find((c) => c.id === `p2p:${a}`);
    assert.deepEqual([conv?.unread, conv?.lastMessage?.seq], [1, 1]);
    // Another conversation has its own throttle.
    const c = uid('carol');
    const carolRaw = await rawSession(c);
    alice.sendTyping(`p2p:${c}`);
    assert.equal((await carolRaw.next('message.new')).message.seq, 0);
    // History never has it.
    const page = await ctx.srv.admin('GET', `/v1/users/${b}/conversations/p2p:${a}/messages`);
    assert.deepEqual(((await page.json()) as { messages: { seq: number }[] }).messages.map((m) => m.seq), [1]);
  });

  test("the other client's typing store shows the typist and expires 6 s after the last signal", async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const id = await group([a, b]);
    const alice = await connect(a);
    const bob = await connect(b);
    await Promise.all([synced(alice), synced(bob)]);
    assert.deepEqual(bob.typing(id).get(), []);
    // The store's own changes, timed as they happen (not when a poll sees them, which a loaded
    // machine can delay at either end): shown, then hidden no sooner than the expiry.
    const changes: { at: number; typing: readonly string[] }[] = [];
    const stop = bob.typing(id).listen((typing) => void changes.push({ at: performance.now(), typing }));
    alice.sendTyping(id);
    await until(() => bob.typing(id).get().length > 0, 'bob sees typing');
    assert.deepEqual(bob.typing(id).get(), [a]);
    assert.deepEqual(alice.typing(id).get(), [], 'never oneself');
    await until(() => bob.typing(id).get().length === 0, 'typing expires', TYPING_EXPIRY_MS + 5000);
    stop();
    assert.deepEqual(changes.map((c) => c.typing), [[a], []]);
    const shown = changes[1]!.at - changes[0]!.at;
    // A timer never fires early (Node may round it by a millisecond).
    assert.ok(shown >= TYPING_EXPIRY_MS - 2, `shown ${shown} ms`);
  });

  test('a real message from the typist ends the indicator at once', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const id = await group([a, b]);
    const alice = await connect(a);
    const bob = await connect(b);
    await Promise.all([synced(alice), synced(bob)]);
    // Timed as the store changes (not when a poll sees them): the expiry's timer cannot end it
    // sooner than TYPING_EXPIRY_MS after it showed, so an end before that is the message's.
    const changes: { at: number; typing: readonly string[] }[] = [];
    const stop = bob.typing(id).listen((typing) => void changes.push({ at: performance.now(), typing }));
    alice.sendTyping(id);
    await until(() => bob.typing(id).get().includes(a), 'bob sees typing');
    await alice.send(id, 'done typing');
    await until(() => bob.typing(id).get().length === 0, 'cleared by the message');
    stop();
    assert.deepEqual(changes.map((c) => c.typing), [[a], []]);
    const shown = changes[1]!.at - changes[0]!.at;
    assert.ok(shown < TYPING_EXPIRY_MS - 2, `shown ${shown} ms, the expiry is ${TYPING_EXPIRY_MS} ms`);
  });

  test("an edit from the typist ends the indicator as a message does, when it arrives", async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const id = await group([a, b]);
    const alice = await connect(a);
    const bob = await connect(b);
    await Promise.all([synced(alice), synced(bob)]);
    const sent = await alice.send(id, 'first try');
    await until(() => bob.messages(id).get().some((m) => m.id === sent.id), 'bob has it');
    alice.sendTyping(id);
    await until(() => bob.typing(id).get().includes(a), 'bob sees typing');
    await alice.edit(id, sent.id, 'second try');
    await until(() => bob.messages(id).get().some((m) => m.id === sent.id && m.edited), 'bob has the edit');
    // Folded and cleared by the same event: no wait for the expiry.
    assert.deepEqual(bob.typing(id).get(), [], 'the edit ended the typing');
  });
});

describe('members and readers', () => {
  test('loadMembers fills members(); readers() rises live as members read a needReadReceipt message', async () => {
    const [a, b, c] = [uid('alice'), uid('bob'), uid('carol')];
    const id = await group([a, b, c]);
    const alice = await connect(a);
    const bob = await connect(b);
    const carol = await connect(c);
    await Promise.all([synced(alice), synced(bob), synced(carol)]);

    const message = await alice.send(id, 'please read', { needReadReceipt: true });
    assert.equal(alice.members(id).get(), undefined);
    assert.equal(alice.readers(id, message), undefined, 'undefined until loaded');
    const list = await alice.loadMembers(id);
    assert.deepEqual(list.map((m) => m.id), [a, b, c].sort());
    assert.deepEqual(alice.members(id).get(), list);
    const names = (r: ReturnType<ChatClient['readers']>) => [r?.read.map((m) => m.id) ?? [], r?.unread.map((m) => m.id) ?? []];
    assert.deepEqual(names(alice.readers(id, message)), [[], [b, c].sort()]);

    await until(() => bob.messages(id).get().some((m) => m.seq === message.seq), 'bob has it');
    bob.markRead(id);
    await until(() => names(alice.readers(id, message))[0]!.length === 1, 'bob read');
    assert.deepEqual(names(alice.readers(id, message)), [[b], [c]]);

    await until(() => carol.messages(id).get().some((m) => m.seq === message.seq), 'carol has it');
    carol.markRead(id);
    await until(() => names(alice.readers(id, message))[0]!.length === 2, 'carol read');
    assert.deepEqual(names(alice.readers(id, message)), [[b, c].sort(), []]);
    assert.equal(alice.members(id).get()!.find((m) => m.id === c)!.readSeq, message.seq);

    // A local message (not yet committed, seq 0) has no readers.
    assert.deepEqual(names(alice.readers(id, { ...message, seq: 0 })), [[], [b, c].sort()]);
  });

  test('p2p: members are me and the peer; readers() turns read when the peer reads', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const alice = await connect(a);
    const bob = await connect(b);
    await Promise.all([synced(alice), synced(bob)]);
    const message = await alice.send(`p2p:${b}`, 'seen?');
    const list = await alice.loadMembers(`p2p:${b}`);
    assert.deepEqual(list.map((m) => [m.id, m.readSeq]), [[a, 0], [b, 0]].sort());
    await until(() => bob.messages(`p2p:${a}`).get().length === 1, 'bob has it');
    bob.markRead(`p2p:${a}`);
    await until(() => alice.readers(`p2p:${b}`, message)?.read.length === 1, 'alice sees it read');
    assert.equal(alice.$conversations.get().find((c) => c.id === `p2p:${b}`)?.peerReadSeq, message.seq);
  });

  test('loadMembers of a group one is not in rejects with NOT_MEMBER', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const id = await group([b]);
    const alice = await connect(a);
    await synced(alice);
    await assert.rejects(alice.loadMembers(id), (e: unknown) => (e as { name?: string }).name === 'NOT_MEMBER');
    assert.equal(alice.members(id).get(), undefined);
  });
});
