import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { synced, until, useTestServer } from './real-server.js';

const ctx = useTestServer();
const { uid, connect, group } = ctx;

describe('mutes in the client', () => {
  test('a mute made on one device shows on the other at once and after a reconnect; do-not-disturb mutes everything', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const team = await group([a, b], 'Team');
    const phone = await connect(a);
    const laptop = await connect(a);
    await Promise.all([synced(phone), synced(laptop)]);
    assert.equal(laptop.isMuted(team), false);
    await phone.mute(team);
    await until(() => laptop.isMuted(team), 'the laptop sees the mute');
    assert.deepEqual(laptop.$mutes.get(), { conversations: { [team]: 0 } });
    const tablet = await connect(a);
    await synced(tablet);
    assert.equal(tablet.isMuted(team), true, 'a new device has it by sync.done');
    await laptop.unmute(team);
    await until(() => !phone.isMuted(team) && !tablet.isMuted(team), 'unmuted everywhere');

    const until_ = Date.now() + 60_000;
    await tablet.setDoNotDisturb(until_);
    await until(() => phone.isMuted(`p2p:${b}`) && phone.isMuted(team), 'do-not-disturb everywhere');
    assert.equal(phone.isMuted(team, until_ + 1), false, 'it ends at its time');
    await tablet.setDoNotDisturb(null);
    await until(() => !phone.isMuted(team), 'do-not-disturb off');
  });

  test('a mute that ends changes $mutes then, so what shows it redraws', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    const team = await group([a, b], 'Team');
    const alice = await connect(a);
    await synced(alice);
    await alice.mute(team, Date.now() + 400);
    await until(() => alice.isMuted(team), 'muted');
    let changes = 0;
    const off = alice.$mutes.listen(() => changes++);
    await until(() => changes > 0 && !alice.isMuted(team), 'the store changes when the mute ends');
    off();
  });

  test('muting a conversation the user is not in is refused', async () => {
    const [a, b, c] = [uid('alice'), uid('bob'), uid('carol')];
    const theirs = await group([b, c], 'Theirs');
    const alice = await connect(a);
    await synced(alice);
    await assert.rejects(alice.mute(theirs), (e: Error) => e.name === 'NOT_MEMBER');
    assert.equal(alice.isMuted(theirs), false);
  });
});
