import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChatError } from '../../src/protocol/index.js';
import { createMemoryStorage, type ChatClient } from '../../src/client/index.js';
import { connectClient, createNetwork, received, shown, synced, takeOffline, until, useTestServer } from './real-server.js';

const ctx = useTestServer();
const { uid, connect, track, group } = ctx;

describe('changes to sent messages through the client (SPEC §9)', () => {
  test('reply, react, edit, pin and recall reach every device folded into the message, never as messages of their own', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const team = await group([a, b], 'Team');
    const alice = await connect(a);
    const bob = await connect(b);
    const bobInbox = received(bob);
    await Promise.all([synced(alice), synced(bob)]);

    const original = await alice.send(team, 'original');
    await until(() => shown(bob, team, original.id) !== undefined, 'bob holds the original');
    const reply = await bob.reply(team, original.id, 'a reply');
    assert.equal(reply.replyTo?.messageId, original.id);
    await until(() => shown(alice, team, reply.id)?.replyTo?.excerpt === 'original', 'alice sees the quote');

    const receipt = await bob.react(team, original.id, '👍', true);
    assert.ok(receipt.seq > reply.seq);
    await until(() => shown(alice, team, original.id)?.reactions?.[0]?.count === 1, 'alice sees 👍 1');
    assert.deepEqual(shown(alice, team, original.id)!.reactions, [{ emoji: '👍', count: 1, users: [b] }]);
    await until(() => shown(bob, team, original.id)?.reactions?.[0]?.me === true, 'bob sees his own 👍');

    await alice.edit(team, original.id, 'original, edited');
    await until(() => { const m = shown(bob, team, original.id); return m?.elem.type === 'text' && m.elem.text === 'original, edited' && m.edited !== undefined; }, 'bob sees the edit');
    await bob.pin(team, reply.id, true);
    await until(() => shown(alice, team, reply.id)?.pinned?.by === b, 'alice sees the pin');
    assert.deepEqual((await alice.pins(team)).map((p) => p.messageId), [reply.id]);

    await alice.recall(team, original.id);
    await until(() => shown(bob, team, original.id)?.recalled?.by === a, 'bob sees the recall');
    assert.deepEqual(shown(bob, team, original.id)!.elem, { type: 'recalled' });
    await until(() => shown(bob, team, reply.id)?.replyTo?.recalled === true, "bob's quote says it was recalled");

    // Change events advance the thread's seq but are never shown or announced as messages.
    for (const c of [alice, bob]) assert.ok(c.messages(team).get().every((m) => m.elem.type !== 'change'));
    assert.ok(bobInbox.every((m) => m.elem.type !== 'change'));
    assert.deepEqual(bobInbox.filter((m) => m.seq > 1).map((m) => m.id), [original.id]);
    // Unread: the group-created notice and alice's message; none of alice's changes.
    assert.equal(bob.$conversations.get().find((c) => c.id === team)?.unread, 2, 'changes are not unread');
  });

  test('a change made offline survives a reload and is applied once', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const team = await group([a, b], 'Team');
    const alice = await connect(a);
    const storage = createMemoryStorage();
    const net = createNetwork();
    const tokenB = await ctx.srv.token(b);
    const first = connectClient(ctx.srv, tokenB, { network: net, storage, ackTimeoutMs: 60_000 });
    await Promise.all([synced(alice), synced(first)]);
    const m = await alice.send(team, 'react to me later');
    await until(() => shown(first, team, m.id) !== undefined, 'bob holds it');

    await takeOffline(net, first, 'bob');
    const pending = first.react(team, m.id, '🎉', true).catch((e: unknown) => e);
    await until(() => shown(first, team, m.id)?.pendingChanges?.[0]?.status === 'sending', 'shown as sending on its message');
    await first.close();
    assert.equal(((await pending) as ChatError).name, 'CANCELLED');
    assert.equal((await storage.loadOutbox()).length, 1);

    net.offline = false;
    const second = track(connectClient(ctx.srv, tokenB, { network: net, storage }));
    await until(() => shown(second, team, m.id)?.reactions?.[0]?.me === true, 'applied after the reload');
    await until(() => shown(alice, team, m.id)?.reactions?.[0]?.count === 1, 'alice sees it');
    assert.equal((await storage.loadOutbox()).length, 0);
    assert.equal(shown(second, team, m.id)!.pendingChanges, undefined);
    // Exactly one event was committed: the conversation advanced by one seq.
    const page = await ctx.srv.admin('GET', `/v1/users/${a}/conversations/${team}/messages`);
    const events = ((await page.json()) as { messages: { elem: { type: string } }[] }).messages.filter((x) => x.elem.type === 'change');
    assert.equal(events.length, 1);
  });

  test('a refused change rejects with its reason, stays on its message as failed, and can be discarded', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const alice = await connect(a);
    const bob = await connect(b);
    await Promise.all([synced(alice), synced(bob)]);
    const m = await alice.send(`p2p:${b}`, 'not yours to edit');
    await until(() => shown(bob, `p2p:${a}`, m.id) !== undefined, 'bob holds it');
    const failed = await bob.edit(`p2p:${a}`, m.id, 'hijacked').catch((e: unknown) => e);
    assert.ok(failed instanceof ChatError);
    assert.equal(failed.name, 'NOT_MESSAGE_SENDER');
    const pendingChange = shown(bob, `p2p:${a}`, m.id)!.pendingChanges?.[0];
    assert.equal(pendingChange?.status, 'failed');
    assert.equal(pendingChange?.error?.name, 'NOT_MESSAGE_SENDER');
    await bob.discard(pendingChange!.changeId);
    await until(() => shown(bob, `p2p:${a}`, m.id)?.pendingChanges === undefined, 'discarded');
    const text = shown(alice, `p2p:${b}`, m.id)!.elem;
    assert.deepEqual(text, { type: 'text', text: 'not yours to edit' });
  });

  test('a message deleted for me is neither unread nor the preview on every device of mine, live and after a fresh sync', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const team = await group([a, b], 'Team');
    const alice = await connect(a);
    const phone = await connect(b);
    const laptop = await connect(b);
    await Promise.all([synced(alice), synced(phone), synced(laptop)]);
    const summary = (c: ChatClient) => c.$conversations.get().find((x) => x.id === team)!;
    const first = await alice.send(team, 'first');
    const second = await alice.send(team, '@bob second', { groupAtUserList: [b] });
    await until(() => summary(laptop).lastMessage?.id === second.id && summary(laptop).mentioned === true, 'the laptop sees the mention');
    const unread = summary(laptop).unread;

    await phone.deleteForMe(team, second.id);
    for (const [name, c] of [['phone', phone], ['laptop', laptop]] as const) {
      await until(() => summary(c).lastMessage?.id === first.id, `${name}: the preview falls back to the message before`);
      assert.equal(summary(c).unread, unread - 1, `${name}: not unread`);
      assert.ok(!summary(c).mentioned, `${name}: its mention is gone too`);
    }
    // Alice's view is untouched; a device that syncs afresh gets the same from the server.
    assert.equal(summary(alice).lastMessage?.id, second.id);
    const fresh = await connect(b);
    await synced(fresh);
    assert.equal(summary(fresh).lastMessage?.id, first.id);
    assert.equal(summary(fresh).unread, unread - 1);
    assert.ok(!summary(fresh).mentioned);
  });

  test('a device that was away catches up on a delete-for-me once: the summary already counts it, the replayed event does not again', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const team = await group([a, b], 'Team');
    const alice = await connect(a);
    const phone = await connect(b);
    const net = createNetwork();
    const laptop = track(connectClient(ctx.srv, await ctx.srv.token(b), { network: net, storage: createMemoryStorage() }));
    await Promise.all([synced(alice), synced(phone), synced(laptop)]);
    const summary = (c: ChatClient) => c.$conversations.get().find((x) => x.id === team)!;
    const first = await alice.send(team, 'first');
    const second = await alice.send(team, 'second');
    await until(() => summary(laptop).lastMessage?.id === second.id && shown(laptop, team, second.id) !== undefined, 'the laptop holds both');
    const unread = summary(laptop).unread;

    await takeOffline(net, laptop, 'laptop');
    await phone.deleteForMe(team, second.id);
    const marker = await alice.send(team, 'third');
    net.offline = false;
    await until(() => shown(laptop, team, marker.id) !== undefined && shown(laptop, team, second.id) === undefined, 'the laptop caught up');
    assert.equal(summary(laptop).unread, unread, 'one more (third) and one fewer (the hidden one), never two fewer');
    assert.equal(summary(laptop).lastMessage?.id, marker.id);
  });
});
