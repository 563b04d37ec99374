// An edit, recall or delete for me shows at once, before the server saves it: offline, across a
// reload, and between the server's ack and its event; a refused one puts the message back as the
// server has it, with why.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMemoryStorage, type ChatMessage } from '../../src/client/index.js';
import { createNetwork, shown, synced, takeOffline, until, useTestServer, type TestClientOptions } from './real-server.js';

const ctx = useTestServer();
const { uid, connect } = ctx;

const textOf = (m: ChatMessage | undefined) => (m?.elem.type === 'text' ? m.elem.text : m?.elem.type);

/** A fresh Alice and Bob, both synced; Alice's client (with `aliceOptions`) goes through `net`. */
async function aliceAndBob(aliceOptions: TestClientOptions = {}) {
  const [a, b] = [uid('alice'), uid('bob')];
  const net = createNetwork();
  const bob = await connect(b);
  const alice = await connect(a, { ...aliceOptions, network: net });
  await Promise.all([synced(alice), synced(bob)]);
  return { a, b, net, alice, bob, toBob: `p2p:${b}` as const, toAlice: `p2p:${a}` as const };
}

describe('changes shown before the server saves them', () => {
  test('an edit made offline shows its text at once, pending, across a reload, and is saved once back', async () => {
    const storage = createMemoryStorage();
    // Short, to pass while offline below. The message itself is sent for alice by the admin API:
    // a send through this client failed when its ack took over 1 s (load average 21).
    const { a, b, net, alice: first, bob, toBob, toAlice } = await aliceAndBob({ storage, ackTimeoutMs: 1_000 });
    const res = await ctx.srv.admin('POST', '/v1/messages', { from: a, to: b, elem: { type: 'text', text: 'see you at 5' } });
    const m = (await res.json()) as { id: string };
    await until(() => shown(first, toBob, m.id) !== undefined, 'alice holds her message');

    await takeOffline(net, first, 'alice');
    void first.edit(toBob, m.id, 'see you at 6').catch(() => undefined);
    await until(() => textOf(shown(first, toBob, m.id)) === 'see you at 6', 'the new text at once');
    assert.equal(shown(first, toBob, m.id)!.pendingChanges?.[0]?.status, 'sending');
    // Past the ack timeout (it goes out by itself later): still the new text.
    await until(() => shown(first, toBob, m.id)!.pendingChanges?.[0]?.status === 'failed', 'the ack times out');
    assert.equal(textOf(shown(first, toBob, m.id)), 'see you at 6');
    await first.close();

    // A reload, still offline: the edit is still shown, still pending.
    const second = await connect(a, { network: net, storage });
    await until(() => textOf(shown(second, toBob, m.id)) === 'see you at 6', 'the new text after a reload');
    assert.equal(shown(second, toBob, m.id)!.pendingChanges?.length, 1);

    net.offline = false;
    await until(() => shown(second, toBob, m.id)?.pendingChanges === undefined && shown(second, toBob, m.id)?.edited !== undefined, 'saved');
    assert.equal(textOf(shown(second, toBob, m.id)), 'see you at 6');
    await until(() => textOf(shown(bob, toAlice, m.id)) === 'see you at 6', 'bob sees it');
  });

  test('an edit the server refuses goes back to the text the server has, with why', async () => {
    const { alice, bob, toBob, toAlice } = await aliceAndBob();
    const m = await alice.send(toBob, 'mine to edit');
    await until(() => shown(bob, toAlice, m.id) !== undefined, 'bob holds it');
    const texts: (string | undefined)[] = [];
    const stop = bob.messages(toAlice).subscribe((list) => texts.push(textOf(list.find((x) => x.id === m.id))));
    await bob.edit(toAlice, m.id, 'hijacked').catch(() => undefined);
    stop();
    assert.ok(texts.includes('hijacked'), 'shown at once');
    const back = shown(bob, toAlice, m.id)!;
    assert.equal(textOf(back), 'mine to edit');
    assert.equal(back.pendingChanges?.[0]?.status, 'failed');
    assert.equal(back.pendingChanges?.[0]?.error?.name, 'NOT_MESSAGE_SENDER');
  });

  test('an acked edit keeps its text until its event arrives (never the old text in between)', async () => {
    const { net, alice, toBob } = await aliceAndBob();
    const m = await alice.send(toBob, 'first words');
    // The edit's event is lost on the way: only the ack comes.
    net.dropInbound = (data) => data.includes('"type":"message.new"') && data.includes('"kind":"edit"');
    const texts: (string | undefined)[] = [];
    const stop = alice.messages(toBob).subscribe((list) => texts.push(textOf(list.find((x) => x.id === m.id))));
    await alice.edit(toBob, m.id, 'second words');
    assert.equal(textOf(shown(alice, toBob, m.id)), 'second words', 'acked, event not here');
    net.dropInbound = () => false;
    // The next message shows the gap; the event is fetched and folded.
    await alice.send(toBob, 'and more');
    await until(() => shown(alice, toBob, m.id)?.edited !== undefined, 'the event folded');
    stop();
    assert.equal(textOf(shown(alice, toBob, m.id)), 'second words');
    assert.deepEqual([...new Set(texts)], ['first words', 'second words'], 'never back to the old text');
  });

  test('a recall and a delete for me made offline show at once and are saved once back', async () => {
    const { a, net, alice, bob, toBob, toAlice } = await aliceAndBob();
    const recalled = await alice.send(toBob, 'oops');
    const hidden = await bob.send(toAlice, 'hide me');
    await until(() => shown(alice, toBob, hidden.id) !== undefined, 'alice holds bob’s');

    await takeOffline(net, alice, 'alice');
    void alice.recall(toBob, recalled.id).catch(() => undefined);
    void alice.deleteForMe(toBob, hidden.id).catch(() => undefined);
    await until(() => shown(alice, toBob, recalled.id)?.elem.type === 'recalled' && shown(alice, toBob, hidden.id) === undefined, 'both at once');
    assert.equal(shown(alice, toBob, recalled.id)!.recalled?.by, a);
    assert.equal(shown(alice, toBob, recalled.id)!.pendingChanges?.[0]?.status, 'sending');

    net.offline = false;
    await until(() => shown(bob, toAlice, recalled.id)?.elem.type === 'recalled', 'bob sees the recall');
    await until(() => shown(alice, toBob, recalled.id)?.pendingChanges === undefined, 'saved');
    assert.equal(shown(alice, toBob, recalled.id)!.elem.type, 'recalled');
    assert.equal(shown(alice, toBob, hidden.id), undefined);
  });
});
