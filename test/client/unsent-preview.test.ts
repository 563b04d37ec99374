/**
 * The conversation list previews this user's newest message not sent yet (`Conversation.outgoing`,
 * from the outbox): written offline, restored after a reload, or refused. The conversation moves
 * to the top at once, and once the message is committed its committed copy takes over without the
 * older last message coming back in between. Against the real server.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatClient, Conversation } from '../../src/client/index.js';
import type { ChatError } from '../../src/protocol/index.js';
import { connectClient, createNetwork, queuedBeforeReload, synced, until, useTestServer } from './real-server.js';

const ctx = useTestServer();
const { uid, connect, track } = ctx;

const text = (c: Conversation | undefined, which: 'outgoing' | 'lastMessage') => {
  const elem = c?.[which]?.elem;
  return elem?.type === 'text' ? elem.text : undefined;
};
const find = (client: ChatClient, id: string) => client.$conversations.get().find((c) => c.id === id);

describe('unsent messages in the conversation list', () => {
  test('a message written offline previews its conversation at the top, then its committed copy takes over', async () => {
    const [a, b, c] = [uid('alice'), uid('bob'), uid('carol')];
    const net = createNetwork();
    const alice = await connect(a, { network: net, ackTimeoutMs: 60_000 });
    const [bob, carol] = [await connect(b), await connect(c)];
    await Promise.all([synced(alice), synced(bob), synced(carol)]);
    await bob.send(`p2p:${a}`, 'from bob');
    await carol.send(`p2p:${a}`, 'from carol, later');
    await until(() => text(alice.$conversations.get()[0], 'lastMessage') === 'from carol, later', 'carol on top');

    // What alice's list shows for bob's conversation, each time it is published.
    const shown: string[] = [];
    alice.$conversations.subscribe((list) => {
      const bobs = list.find((x) => x.id === `p2p:${b}`);
      const now = `${list[0]?.id === `p2p:${b}` ? 'top' : 'below'}:${bobs?.outgoing ? `${bobs.outgoing.status}:${text(bobs, 'outgoing')}` : `sent:${text(bobs, 'lastMessage')}`}`;
      if (shown.at(-1) !== now) shown.push(now);
    });
    net.offline = true;
    net.cut();
    await until(() => alice.$connection.get() === 'offline', 'alice offline');
    const sent = alice.send(`p2p:${b}`, 'written offline');
    await until(() => find(alice, `p2p:${b}`)?.outgoing !== undefined, 'previewed');
    const waiting = find(alice, `p2p:${b}`)!;
    assert.equal(alice.$conversations.get()[0]!.id, `p2p:${b}`, 'moved to the top');
    assert.equal(waiting.outgoing!.status, 'sending');
    assert.equal(waiting.outgoing!.isSelf, true);
    assert.equal(text(waiting, 'lastMessage'), 'from bob', 'the committed last message is left as it is');

    net.offline = false;
    await sent;
    await synced(alice);
    const after = find(alice, `p2p:${b}`)!;
    assert.equal(after.outgoing, undefined);
    assert.equal(text(after, 'lastMessage'), 'written offline');
    assert.deepEqual(shown, ['below:sent:from bob', 'top:sending:written offline', 'top:sent:written offline'], 'never the older last message again');
  });

  test('restored from the persisted outbox after a reload, before the connection opens; never persisted itself', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const { storage, net, token: tokenA } = await queuedBeforeReload(ctx.srv, a, `p2p:${b}`, 'before reload');
    const saved = await storage.loadState();
    assert.ok(saved && saved.conversations.length > 0 && saved.conversations.every((x) => !('outgoing' in x)), 'the outbox is the only copy persisted');

    await connect(b); // bob exists from here on
    const second = track(connectClient(ctx.srv, tokenA, { network: net, storage }));
    await until(() => text(find(second, `p2p:${b}`), 'outgoing') === 'before reload', 'restored offline');
    net.offline = false;
    await until(() => text(find(second, `p2p:${b}`), 'lastMessage') === 'before reload', 'sent after the reload');
    assert.equal(find(second, `p2p:${b}`)!.outgoing, undefined);
  });

  test('a refused message previews as failed with its reason until it is discarded', async () => {
    const a = uid('alice');
    const alice = await connect(a);
    await synced(alice);
    await assert.rejects(alice.send(`p2p:${a}`, 'to myself'), (e: ChatError) => e.name === 'SELF_CONVERSATION');
    const failed = find(alice, `p2p:${a}`)!.outgoing!;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.name, 'SELF_CONVERSATION');
    await alice.discard(failed.clientMsgId);
    await until(() => find(alice, `p2p:${a}`)?.outgoing === undefined, 'gone with the message');
  });
});
