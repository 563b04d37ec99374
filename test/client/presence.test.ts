import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createNetwork, synced, until, useTestServer } from './real-server.js';

const ctx = useTestServer({ presence: { intervalMs: 100 } });
const { uid, connect } = ctx;

describe('presence in the client', () => {
  test('client.presence() holds the 1:1 peers online, then last seen, and watches again after a reconnect', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const network = createNetwork();
    const alice = await connect(a, { network });
    const bob = await connect(b);
    await Promise.all([synced(alice), synced(bob)]);
    await bob.send(`p2p:${a}`, 'hi');
    await until(() => alice.$conversations.get().some((c) => c.id === `p2p:${b}`), 'the chat reaches alice');
    const presence = await alice.presence();
    await until(() => presence.$presence.get()[b]?.online === true, 'bob online');
    assert.equal(presence.$visible.get(), true);
    await bob.close();
    await until(() => presence.$presence.get()[b]?.online === false, 'bob offline');
    assert.equal(typeof presence.$presence.get()[b]!.lastSeen, 'number');

    // The server forgets a connection's watch with it: after a cut, the client watches again.
    const bobAgain = await connect(b);
    await until(() => presence.$presence.get()[b]?.online === true, 'bob online again');
    network.cut();
    await until(() => alice.$sync.get() !== 'synced', 'alice cut off');
    // Cut off, alice cannot know: bob is no longer shown online (nor offline) from a stale answer.
    assert.equal(presence.$presence.get()[b], undefined);
    await bobAgain.close();
    await synced(alice);
    const bob2 = await connect(b);
    await until(() => presence.$presence.get()[b]?.online === true, 'bob online again, seen through the new session');
    await bob2.close();
  });

  test('setVisible(false) reaches every device and hides this user from peers', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const alice = await connect(a);
    const bobPhone = await connect(b);
    const bobLaptop = await connect(b);
    await Promise.all([synced(alice), synced(bobPhone), synced(bobLaptop)]);
    await alice.send(`p2p:${b}`, 'hi');
    await until(() => bobPhone.$conversations.get().length > 0, 'chat at bob');
    const seen = await alice.presence();
    await until(() => seen.$presence.get()[b]?.online === true, 'bob online');
    const [phone, laptop] = await Promise.all([bobPhone.presence(), bobLaptop.presence()]);
    await until(() => laptop.$visible.get() === true, 'visibility known');
    await phone.setVisible(false);
    await until(() => laptop.$visible.get() === false, 'the other device learns it');
    await until(() => seen.$presence.get()[b]?.online === false, 'alice sees bob offline');
    assert.equal(seen.$presence.get()[b]!.lastSeen, undefined);
    await phone.setVisible(true);
    await until(() => seen.$presence.get()[b]?.online === true, 'visible again');
  });

  test('friends are watched without a 1:1 chat once the friends list is loaded, in either order, and dropped when removed', async () => {
    const [a, b, c] = [uid('alice'), uid('bob'), uid('carol')];
    // Friends through the admin API: no message, so no 1:1 conversation exists between them.
    for (const id of [a, b, c]) assert.equal((await ctx.srv.admin('PUT', `/v1/users/${id}`, {})).ok, true);
    for (const [x, y] of [[a, b], [c, b]] as const) assert.equal((await ctx.srv.admin('PUT', `/v1/users/${x}/friends/${y}`)).ok, true);
    const alice = await connect(a);
    const carol = await connect(c);
    let bob = await connect(b);
    await Promise.all([synced(alice), synced(carol), synced(bob)]);
    assert.equal(alice.$conversations.get().length, 0, 'no chat with bob');

    // Presence first, then the friends list.
    const seen = await alice.presence();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(seen.$presence.get()[b], undefined, 'a friend is not watched before the list is known');
    await (await alice.friends()).load();
    await until(() => seen.$presence.get()[b]?.online === true, 'alice sees her friend bob online');

    // The friends list first, then presence.
    await (await carol.friends()).load();
    const carolSees = await carol.presence();
    await until(() => carolSees.$presence.get()[b]?.online === true, 'carol sees bob online');

    await bob.close();
    await until(() => seen.$presence.get()[b]?.online === false, 'bob offline for alice');
    assert.equal(typeof seen.$presence.get()[b]!.lastSeen, 'number');
    bob = await connect(b);
    await synced(bob);
    await until(() => seen.$presence.get()[b]?.online === true, 'bob online again');

    // Ending the friendship drops bob from alice's watch (and the watch stays valid for the rest).
    await (await alice.friends()).remove(b);
    await until(() => seen.$presence.get()[b] === undefined, 'bob no longer watched by alice');
    assert.equal(carolSees.$presence.get()[b]?.online, true, 'carol still sees him');
    await bob.close();
  });

  test('a stranger named with watch() is dropped, the peers stay watched', async () => {
    const [a, b, s] = [uid('alice'), uid('bob'), uid('stranger')];
    const alice = await connect(a);
    const bob = await connect(b);
    const stranger = await connect(s);
    await Promise.all([synced(alice), synced(bob), synced(stranger)]);
    await bob.send(`p2p:${a}`, 'hi');
    await until(() => alice.$conversations.get().length > 0, 'chat at alice');
    const presence = await alice.presence();
    presence.watch([s]);
    await until(() => presence.$presence.get()[b]?.online === true, 'bob watched');
    assert.equal(presence.$presence.get()[s], undefined, 'no state of the stranger');
  });
});

describe('presence turned off by the site, in the client', () => {
  const off = useTestServer({ presence: false });
  test('$enabled turns false and nothing is held', async () => {
    const alice = await off.connect(off.uid('alice'));
    await synced(alice);
    const presence = await alice.presence();
    await until(() => presence.$enabled.get() === false, 'disabled');
    assert.deepEqual(presence.$presence.get(), {});
  });
});
