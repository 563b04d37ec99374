// An edit, recall or delete for me shows at once, before the server saves it: offline, across a
// reload, and between the server's ack and its event; a refused one puts the message back as the
// server has it, with why.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMemoryStorage, type ChatClient, type ChatMessage } from '../../src/client/index.js';
import { connectClient, createNetwork, synced, until, useTestServer } from './real-server.js';

const ctx = useTestServer();
const { uid, connect, track } = ctx;

const shown = (c: ChatClient, id: `p2p:${string}`, messageId: string): ChatMessage | undefined => c.messages(id).get().find((m) => m.id === messageId);
const textOf = (m: ChatMessage | undefined) => (m?.elem.type === 'text' ? m.elem.text : m?.elem.type);

describe('changes shown before the server saves them', () => {
  test('an edit made offline shows its text at once, pending, across a reload, and is saved once back', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const bob = await connect(b);
    const storage = createMemoryStorage();
    const net = createNetwork();
    const token = await ctx.srv.token(a);
    const first = connectClient(ctx.srv, token, { network: net, storage, ackTimeoutMs: 200 });
    await Promise.all([synced(first), synced(bob)]);
    const m = await first.send(`p2p:${b}`, 'see you at 5');

    net.offline = true;
    net.cut();
    await until(() => first.$connection.get() !== 'online', 'alice offline');
    void first.edit(`p2p:${b}`, m.id, 'see you at 6').catch(() => undefined);
    await until(() => textOf(shown(first, `p2p:${b}`, m.id)) === 'see you at 6', 'the new text at once');
    assert.equal(shown(first, `p2p:${b}`, m.id)!.pendingChanges?.[0]?.status, 'sending');
    // Past the ack timeout (it goes out by itself later): still the new text.
    await until(() => shown(first, `p2p:${b}`, m.id)!.pendingChanges?.[0]?.status === 'failed', 'the ack times out');
    assert.equal(textOf(shown(first, `p2p:${b}`, m.id)), 'see you at 6');
    await first.close();

    // A reload, still offline: the edit is still shown, still pending.
    const second = track(connectClient(ctx.srv, token, { network: net, storage }));
    await until(() => textOf(shown(second, `p2p:${b}`, m.id)) === 'see you at 6', 'the new text after a reload');
    assert.equal(shown(second, `p2p:${b}`, m.id)!.pendingChanges?.length, 1);

    net.offline = false;
    await until(() => shown(second, `p2p:${b}`, m.id)?.pendingChanges === undefined && shown(second, `p2p:${b}`, m.id)?.edited !== undefined, 'saved', 10_000);
    assert.equal(textOf(shown(second, `p2p:${b}`, m.id)), 'see you at 6');
    await until(() => textOf(shown(bob, `p2p:${a}`, m.id)) === 'see you at 6', 'bob sees it');
  });

  test('an edit the server refuses goes back to the text the server has, with why', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const alice = await connect(a);
    const bob = await connect(b);
    await Promise.all([synced(alice), synced(bob)]);
    const m = await alice.send(`p2p:${b}`, 'mine to edit');
    await until(() => shown(bob, `p2p:${a}`, m.id) !== undefined, 'bob holds it');
    const texts: (string | undefined)[] = [];
    const stop = bob.messages(`p2p:${a}`).subscribe((list) => texts.push(textOf(list.find((x) => x.id === m.id))));
    await bob.edit(`p2p:${a}`, m.id, 'hijacked').catch(() => undefined);
    stop();
    assert.ok(texts.includes('hijacked'), 'shown at once');
    const back = shown(bob, `p2p:${a}`, m.id)!;
    assert.equal(textOf(back), 'mine to edit');
    assert.equal(back.pendingChanges?.[0]?.status, 'failed');
    assert.equal(back.pendingChanges?.[0]?.error?.name, 'NOT_MESSAGE_SENDER');
  });

  test('an acked edit keeps its text until its event arrives (never the old text in between)', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    await ctx.srv.token(b);
    const net = createNetwork();
    const alice = track(connectClient(ctx.srv, await ctx.srv.token(a), { network: net }));
    await synced(alice);
    const m = await alice.send(`p2p:${b}`, 'first words');
    // The edit's event is lost on the way: only the ack comes.
    net.dropInbound = (data) => data.includes('"type":"message.new"') && data.includes('"kind":"edit"');
    const texts: (string | undefined)[] = [];
    const stop = alice.messages(`p2p:${b}`).subscribe((list) => texts.push(textOf(list.find((x) => x.id === m.id))));
    await alice.edit(`p2p:${b}`, m.id, 'second words');
    assert.equal(textOf(shown(alice, `p2p:${b}`, m.id)), 'second words', 'acked, event not here');
    net.dropInbound = () => false;
    // The next message shows the gap; the event is fetched and folded.
    await alice.send(`p2p:${b}`, 'and more');
    await until(() => shown(alice, `p2p:${b}`, m.id)?.edited !== undefined, 'the event folded');
    stop();
    assert.equal(textOf(shown(alice, `p2p:${b}`, m.id)), 'second words');
    assert.deepEqual([...new Set(texts)], ['first words', 'second words'], 'never back to the old text');
  });

  test('a recall and a delete for me made offline show at once and are saved once back', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const bob = await connect(b);
    const net = createNetwork();
    const alice = track(connectClient(ctx.srv, await ctx.srv.token(a), { network: net }));
    await Promise.all([synced(alice), synced(bob)]);
    const recalled = await alice.send(`p2p:${b}`, 'oops');
    const hidden = await bob.send(`p2p:${a}`, 'hide me');
    await until(() => shown(alice, `p2p:${b}`, hidden.id) !== undefined, 'alice holds bob’s');

    net.offline = true;
    net.cut();
    await until(() => alice.$connection.get() !== 'online', 'alice offline');
    void alice.recall(`p2p:${b}`, recalled.id).catch(() => undefined);
    void alice.deleteForMe(`p2p:${b}`, hidden.id).catch(() => undefined);
    await until(() => shown(alice, `p2p:${b}`, recalled.id)?.elem.type === 'recalled' && shown(alice, `p2p:${b}`, hidden.id) === undefined, 'both at once');
    assert.equal(shown(alice, `p2p:${b}`, recalled.id)!.recalled?.by, a);
    assert.equal(shown(alice, `p2p:${b}`, recalled.id)!.pendingChanges?.[0]?.status, 'sending');

    net.offline = false;
    await until(() => shown(bob, `p2p:${a}`, recalled.id)?.elem.type === 'recalled', 'bob sees the recall', 10_000);
    await until(() => shown(alice, `p2p:${b}`, recalled.id)?.pendingChanges === undefined, 'saved');
    assert.equal(shown(alice, `p2p:${b}`, recalled.id)!.elem.type, 'recalled');
    assert.equal(shown(alice, `p2p:${b}`, hidden.id), undefined);
  });
});
