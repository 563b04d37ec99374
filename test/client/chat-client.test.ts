import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChatError } from '../../src/protocol/index.js';
import { createMemoryStorage, type ChatClient } from '../../src/client/index.js';
import { connectClient, createNetwork, queuedBeforeReload, received, synced, until, useTestServer } from './real-server.js';

const ctx = useTestServer();
const { uid, connect, track, group } = ctx;

describe('chat client against the real server', () => {
  test('two users chat 1:1: the recipient gets the message once, the sender sees it sent', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const alice = await connect(a);
    const bob = await connect(b);
    const inbox = received(bob);
    await Promise.all([synced(alice), synced(bob)]);

    const sent = await alice.send(`p2p:${b}`, 'hi bob');
    assert.equal(sent.status, 'sent');
    assert.equal(sent.seq, 1);
    await until(() => inbox.length === 1, 'bob receives');
    assert.equal(inbox[0].elem.type === 'text' && inbox[0].elem.text, 'hi bob');
    assert.equal(inbox[0].conversationId, `p2p:${a}`);
    assert.equal(inbox[0].isSelf, false);
    assert.deepEqual(alice.messages(`p2p:${b}`).get().map((m) => [m.seq, m.status]), [[1, 'sent']]);
    await until(() => bob.$conversations.get().find((c) => c.id === `p2p:${a}`)?.unread === 1, 'bob unread 1');
  });

  test('a new 1:1 conversation is named after the peer on both sides at once, not by its id', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    for (const [id, name] of [[a, 'Alice'], [b, 'Bob']]) assert.equal((await ctx.srv.admin('PUT', `/v1/users/${id}`, { name })).ok, true);
    const alice = await connect(a);
    const bob = await connect(b);
    await Promise.all([synced(alice), synced(bob)]);
    assert.equal(alice.$conversations.get().length, 0);

    await alice.send(`p2p:${b}`, 'hi bob');
    // The sender learns the peer's name from the member list, the recipient from the message.
    await until(() => alice.$conversations.get().find((c) => c.id === `p2p:${b}`)?.name === 'Bob', 'alice sees "Bob"');
    await until(() => bob.$conversations.get().find((c) => c.id === `p2p:${a}`)?.name === 'Alice', 'bob sees "Alice"');
  });

  test('a group message reaches every other member once, in seq order', async () => {
    const [a, b, c] = [uid('alice'), uid('bob'), uid('carol')];
    const team = await group([a, b, c], 'Team');
    const alice = await connect(a);
    const bob = await connect(b);
    const carol = await connect(c);
    const [bobInbox, carolInbox] = [received(bob), received(carol)];
    await Promise.all([synced(alice), synced(bob), synced(carol)]);

    // Creating the group committed a system notification at seq 1, replayed to everyone.
    await until(() => carolInbox.length === 1 && bobInbox.length === 1, 'replayed group-created');
    await alice.send(team, 'one');
    await bob.send(team, 'two');
    await until(() => carolInbox.length === 3, 'carol receives both');
    assert.deepEqual(carolInbox.map((m) => m.seq), [1, 2, 3]);
    assert.deepEqual(carolInbox.slice(1).map((m) => m.sender), [a, b]);
    assert.deepEqual(bobInbox.slice(1).map((m) => m.sender), [a]);
    await until(() => alice.messages(team).get().length === 3, 'alice sees all');
    assert.deepEqual(alice.messages(team).get().map((m) => m.isSelf), [false, true, false]);
  });

  test('a send whose ack was lost is re-sent after reconnecting and never duplicates', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const net = createNetwork();
    const alice = await connect(a, { network: net });
    const bob = await connect(b);
    const inbox = received(bob);
    await Promise.all([synced(alice), synced(bob)]);

    let dropped = 0;
    net.dropInbound = (data) => {
      if (!data.includes('"message.ack"')) return false;
      dropped++;
      queueMicrotask(() => net.cut()); // the connection dies right after the commit
      return true;
    };
    const sent = alice.send(`p2p:${b}`, 'exactly once');
    await until(() => dropped === 1, 'ack dropped');
    net.dropInbound = () => false;
    const message = await sent;
    assert.equal(message.seq, 1);
    await until(() => inbox.length === 1, 'bob receives');
    await synced(alice);
    assert.equal(alice.messages(`p2p:${b}`).get().length, 1);
    const history = await (await ctx.srv.admin('GET', `/v1/users/${b}/conversations/p2p:${a}/messages`)).json() as { messages: unknown[] };
    assert.equal(history.messages.length, 1);
    assert.equal(inbox.length, 1);
  });

  test('a message written offline is shown as sending and delivered once when the connection returns', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const net = createNetwork();
    const alice = await connect(a, { network: net, ackTimeoutMs: 60_000 });
    const bob = await connect(b);
    const inbox = received(bob);
    await Promise.all([synced(alice), synced(bob)]);

    net.offline = true;
    net.cut();
    await until(() => alice.$connection.get() === 'offline', 'alice offline');
    const sent = alice.send(`p2p:${b}`, 'written offline');
    await until(() => alice.messages(`p2p:${b}`).get().length === 1, 'shown');
    assert.equal(alice.messages(`p2p:${b}`).get()[0].status, 'sending');

    net.offline = false;
    const message = await sent;
    assert.equal(message.status, 'sent');
    await until(() => inbox.length === 1, 'bob receives');
    await synced(alice);
    assert.deepEqual(alice.messages(`p2p:${b}`).get().map((m) => m.status), ['sent']);
    assert.equal(inbox.length, 1);
  });

  test('after a reload, a pending message from the persisted outbox is sent once', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const { storage, net, token: tokenA } = await queuedBeforeReload(ctx.srv, a, `p2p:${b}`, 'before reload');

    const bob = await connect(b);
    const inbox = received(bob);
    await synced(bob);
    net.offline = false;
    const second = track(connectClient(ctx.srv, tokenA, { network: net, storage }));
    // Every status the message is shown with, as published: 'sending' may last less than a
    // poll's interval (restore, connect, send and ack can all happen within it).
    const statuses: string[] = [];
    second.messages(`p2p:${b}`).subscribe((list) => {
      const status = list[0]?.status;
      if (status !== undefined && statuses.at(-1) !== status) statuses.push(status);
    });
    await until(() => inbox.length === 1, 'bob receives');
    await until(() => second.messages(`p2p:${b}`).get()[0]?.status === 'sent', 'sent after reload');
    assert.deepEqual(statuses, ['sending', 'sent'], 'restored as sending, then sent');
    await synced(second);
    assert.equal(second.messages(`p2p:${b}`).get().length, 1);
    assert.equal(inbox.length, 1);
    await until(() => true);
    assert.equal((await storage.loadOutbox()).length, 0);
  });

  test('markRead on one device clears unread on the other and tells the peer', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const tokenA = await ctx.srv.token(a);
    const phone = track(connectClient(ctx.srv, tokenA));
    const laptop = track(connectClient(ctx.srv, tokenA));
    const bob = await connect(b);
    await Promise.all([synced(phone), synced(laptop), synced(bob)]);

    await bob.send(`p2p:${a}`, 'one');
    await bob.send(`p2p:${a}`, 'two');
    const unread = (c: ChatClient) => c.$conversations.get().find((x) => x.id === `p2p:${b}`)?.unread;
    await until(() => unread(phone) === 2 && unread(laptop) === 2, 'both devices unread 2');

    phone.markRead(`p2p:${b}`);
    assert.equal(unread(phone), 0);
    await until(() => unread(laptop) === 0, 'laptop unread 0');
    await until(() => bob.$conversations.get().find((x) => x.id === `p2p:${a}`)?.peerReadSeq === 2, 'bob sees read receipt');
  });

  test("an own message from another device raises a message event, one from this device does not", async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const tokenA = await ctx.srv.token(a);
    await ctx.srv.token(b);
    const phone = track(connectClient(ctx.srv, tokenA));
    const laptop = track(connectClient(ctx.srv, tokenA));
    const [phoneEvents, laptopEvents] = [received(phone), received(laptop)];
    await Promise.all([synced(phone), synced(laptop)]);
    await phone.send(`p2p:${b}`, 'from phone');
    await until(() => laptopEvents.length === 1, 'laptop event');
    assert.equal(laptopEvents[0].isSelf, true);
    assert.equal(phoneEvents.length, 0);
  });

  test('messages missed while offline are replayed in order and reported once', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const net = createNetwork();
    const alice = await connect(a, { network: net });
    const bob = await connect(b);
    const inbox = received(alice);
    await Promise.all([synced(alice), synced(bob)]);
    await bob.send(`p2p:${a}`, 'm1');
    await until(() => inbox.length === 1, 'first');
    net.offline = true;
    net.cut();
    await until(() => alice.$connection.get() === 'offline', 'offline');
    for (const text of ['m2', 'm3', 'm4']) await bob.send(`p2p:${a}`, text);
    net.offline = false;
    await until(() => inbox.length === 4, 'replayed');
    await synced(alice);
    assert.deepEqual(inbox.map((m) => m.seq), [1, 2, 3, 4]);
    assert.deepEqual(alice.messages(`p2p:${b}`).get().map((m) => m.seq), [1, 2, 3, 4]);
  });

  test('block and unblock update $blocked', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    await ctx.srv.token(b);
    const alice = await connect(a);
    await synced(alice);
    await alice.block(b);
    assert.deepEqual(alice.$blocked.get(), [b]);
    await alice.unblock(b);
    assert.deepEqual(alice.$blocked.get(), []);
  });

  test('loadOlder pages history from the server and reports when none remain', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const tokenA = await ctx.srv.token(a);
    const bob = await connect(b);
    await synced(bob);
    for (let i = 1; i <= 5; i++) await bob.send(`p2p:${a}`, `m${i}`);
    const alice = track(connectClient(ctx.srv, tokenA));
    await synced(alice);
    // Unlisted conversations replay only unread/recent messages; mark read and start fresh.
    alice.markRead(`p2p:${b}`);
    const fresh = track(connectClient(ctx.srv, tokenA));
    await synced(fresh);
    assert.equal(fresh.messages(`p2p:${b}`).get().length, 0);
    assert.equal(fresh.hasOlder(`p2p:${b}`).get(), true);
    assert.equal(await fresh.loadOlder(`p2p:${b}`, 3), true);
    assert.deepEqual(fresh.messages(`p2p:${b}`).get().map((m) => m.seq), [3, 4, 5]);
    assert.equal(await fresh.loadOlder(`p2p:${b}`, 3), false);
    assert.deepEqual(fresh.messages(`p2p:${b}`).get().map((m) => m.seq), [1, 2, 3, 4, 5]);
    assert.equal(fresh.hasOlder(`p2p:${b}`).get(), false);
  });

  test('a refused fixed token closes the client with the error instead of retrying', async () => {
    const client = track(connectClient(ctx.srv, 'not-a-token'));
    await until(() => client.$connection.get() === 'closed', 'closed');
    assert.equal(client.$error.get()?.name, 'TOKEN_INVALID');
  });

  test('getToken is called before every connect, so a refreshed token is used', async () => {
    const a = uid('alice');
    const net = createNetwork();
    let calls = 0;
    const client = track(
      connectClient(ctx.srv, '', {
        network: net,
        token: undefined,
        storageKey: a,
        getToken: async () => {
          calls++;
          return ctx.srv.token(a);
        },
      }),
    );
    await synced(client);
    const before = calls;
    net.cut();
    await until(() => calls > before && client.$sync.get() === 'synced', 'reconnected with a new token');
  });

  test('a send refused by the server fails with its reason and can be discarded', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const alice = await connect(a);
    await synced(alice);
    await assert.rejects(alice.send(`p2p:${a}`, 'to myself'), (e: ChatError) => e.name === 'SELF_CONVERSATION');
    const failed = alice.messages(`p2p:${a}`).get();
    assert.equal(failed.length, 1);
    assert.equal(failed[0].status, 'failed');
    assert.equal(failed[0].error?.name, 'SELF_CONVERSATION');
    await alice.discard(failed[0].clientMsgId);
    assert.equal(alice.messages(`p2p:${a}`).get().length, 0);
    void b;
  });
  test('a history page over the frame limit fails loadOlder at once instead of leaving it waiting', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    assert.equal((await ctx.srv.admin('PUT', `/v1/users/${a}`, { name: 'Alice' })).ok, true);
    const bob = await connect(b);
    await synced(bob);
    // 40 texts of 8 KB: one replay batch or history page of them is over 256 KiB.
    for (let i = 0; i < 40; i++) await bob.send(`p2p:${a}`, `${i} ${'x'.repeat(8000)}`);
    const warn = console.warn;
    console.warn = () => {};
    try {
      // A fresh device: the request timeout is far off, so only the client's handling can answer.
      const alice = await connect(a, { requestTimeoutMs: 120_000 });
      await synced(alice);
      const started = Date.now();
      const outcome = await alice.loadOlder(`p2p:${b}`, 50).then(
        () => 'loaded',
        (error: unknown) => (error as ChatError).name,
      );
      assert.ok(Date.now() - started < 10_000, `settled after ${Date.now() - started} ms`);
      // A server that cuts its frames by bytes answers; one that does not is refused, not waited for.
      if (outcome === 'loaded') assert.equal(alice.$invalidFrames.get(), 0);
      else {
        assert.equal(outcome, 'FRAME_TOO_LARGE');
        assert.ok(alice.$invalidFrames.get() >= 1);
      }
    } finally {
      console.warn = warn;
    }
  });
});
