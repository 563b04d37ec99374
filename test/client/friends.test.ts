import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { synced, until, useTestServer } from './real-server.js';

const ctx = useTestServer({ friendRequests: true });
const { uid, connect } = ctx;

describe('friends in the client (SPEC §13)', () => {
  test('a request, its acceptance and a removal reach $friendRequests and $friends on every device of both', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    for (const id of [a, b]) assert.equal((await ctx.srv.admin('PUT', `/v1/users/${id}`, { name: id.toUpperCase() })).ok, true);
    const alice = await connect(a);
    const bob = await connect(b);
    const bob2 = await connect(b);
    await Promise.all([synced(alice), synced(bob), synced(bob2)]);
    const [fa, fb, fb2] = await Promise.all([alice.friends(), bob.friends(), bob2.friends()]);
    await Promise.all([fa.load(), fb.load(), fb2.load()]);
    assert.deepEqual(fa.$friends.get(), []);
    await fa.add(b, 'hello');
    await until(() => fa.$friendRequests.get().outgoing.some((r) => r.id === b), 'alice sees her request');
    for (const c of [fb, fb2]) await until(() => c.$friendRequests.get().incoming.some((r) => r.id === a && r.message === 'hello' && r.name === a.toUpperCase()), 'bob sees it');
    await fb2.accept(a);
    await until(() => fa.$friends.get().some((f) => f.id === b), 'alice has bob as a friend');
    for (const c of [fb, fb2]) await until(() => c.$friends.get().some((f) => f.id === a) && c.$friendRequests.get().incoming.length === 0, 'bob too, with no request left');
    assert.deepEqual(fa.$friendRequests.get(), { incoming: [], outgoing: [] });
    await fb.remove(a);
    await until(() => fa.$friends.get().length === 0 && fb2.$friends.get().length === 0, 'gone on both sides');
    await assert.rejects(fa.accept(b), (e: { name?: string }) => e.name === 'FRIEND_REQUEST_UNKNOWN');
  });

  test('load() reads what changed while the actions were not loaded yet', async () => {
    const [a, b] = [uid('carol'), uid('dave')];
    for (const id of [a, b]) assert.equal((await ctx.srv.admin('PUT', `/v1/users/${id}`, {})).ok, true);
    assert.equal((await ctx.srv.admin('PUT', `/v1/users/${a}/friends/${b}`)).ok, true);
    const carol = await connect(a);
    await synced(carol);
    const friends = await carol.friends();
    assert.deepEqual(friends.$friends.get(), [], 'nothing before load()');
    await friends.load();
    assert.deepEqual(friends.$friends.get().map((f) => f.id), [b]);
  });
});
