/**
 * SPEC §11's "group changed" webhook: every change of a group's settings, roles, group mutes and
 * its dismissal reaches the site as a `group.changed` event, queued in the commit of the group's
 * notification (so told exactly when the group is told), on SQLite and PostgreSQL, with a real
 * HTTP receiver that checks every signature.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { change } from '../groups/group-helpers.js';
import { serverOnEachStore } from '../helpers/store-server.js';
import { createUsers, type TestServer } from '../helpers/test-server.js';
import { startReceiver, until, type Received } from '../helpers/webhook-receiver.js';

const SECRET = 'webhook-secret-0123456789';
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let url = '';

before(async () => {
  receiver = await startReceiver(SECRET);
  url = receiver.url;
});
after(() => receiver.close());

const changesOf = (groupId: string) => receiver.accepted().filter((r: Received) => r.type === 'group.changed' && r.data.group.id === groupId);
/** An endpoint for every event at the receiver, made over REST (the receiver's port is known only once it listens). */
const endpoint = async (t: TestServer, query: string, events?: string[]) => {
  const made = await t.rest('POST', '/v1/webhooks', { url: `${url}?${query}`, secret: SECRET, ...(events && { events }) });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return made.body.id as string;
};

serverOnEachStore('webhooks: group.changed', (server) => {
  it('tells the site of each rename, picture, notice, visibility, role, mute, unmute and the dismissal, with who made it, once each', async () => {
    const t = server();
    const all = await endpoint(t, 'all');
    // Each store's suite on its own group and users (one receiver for both).
    const g = `club${Math.random().toString(36).slice(2, 8)}`;
    const [own, ann, bea] = ['own', 'ann', 'bea'].map((u) => `${u}${g}`) as [string, string, string];
    await createUsers(t, own, ann, bea);
    assert.equal((await t.rest('POST', '/v1/groups', { id: g, name: 'Club', members: [ann, bea], owner: own })).status, 201);
    const owner = await t.login(own);
    assert.equal(await change(owner, g, { kind: 'rename', name: 'Book club' }), 'ok');
    // The same name again changes nothing, and tells nothing.
    assert.equal(await change(owner, g, { kind: 'rename', name: 'Book club' }), 'ok');
    assert.equal(await change(owner, g, { kind: 'avatar', avatar: 'https://img.example/club.png' }), 'ok');
    assert.equal(await change(owner, g, { kind: 'notice', notice: 'Chapter 3 by Friday' }), 'ok');
    assert.equal(await change(owner, g, { kind: 'visibility', historyVisibility: 'all' }), 'ok');
    assert.equal(await change(owner, g, { kind: 'role', userId: ann, role: 'admin' }), 'ok');
    assert.equal(await change(owner, g, { kind: 'mute', userId: bea, until: 4_102_444_800_000, reason: 'spoilers' }), 'ok');
    assert.equal(await change(owner, g, { kind: 'unmute', userId: bea }), 'ok');
    // The site's own changes carry no operator.
    assert.equal((await t.rest('PATCH', `/v1/groups/${g}`, { avatar: null })).status, 200);
    assert.equal((await t.rest('PUT', `/v1/users/${bea}/mute`, { groupId: g })).status, 200);
    assert.equal((await t.rest('DELETE', `/v1/groups/${g}`)).status, 200);

    await until(() => changesOf(g).length >= 10, 'the group.changed events');
    const got = changesOf(g);
    assert.ok(got.every((r) => r.verified), 'every signature verifies');
    assert.deepEqual(got.map((r) => [r.data.change, r.data.operator]), [
      [{ kind: 'rename', name: 'Book club' }, own],
      [{ kind: 'avatar', avatar: 'https://img.example/club.png' }, own],
      [{ kind: 'notice', notice: 'Chapter 3 by Friday' }, own],
      [{ kind: 'visibility', historyVisibility: 'all' }, own],
      [{ kind: 'role', userId: ann, role: 'admin' }, own],
      [{ kind: 'mute', userId: bea, until: 4_102_444_800_000, reason: 'spoilers' }, own],
      [{ kind: 'unmute', userId: bea }, own],
      [{ kind: 'avatar' }, undefined],
      [{ kind: 'mute', userId: bea }, undefined],
      [{ kind: 'dismiss' }, undefined],
    ]);
    // Ordered with the group's messages: each right after the notification it stands for.
    await until(() => receiver.accepted().filter((r) => r.data.conversation === `group:${g}` && r.type === 'message.created').length >= 11, 'the notifications');
    const stream = receiver.accepted().filter((r) => r.data.conversation === `group:${g}` || r.data.group?.id === g).map((r) => r.type);
    assert.deepEqual(stream.slice(-2), ['message.created', 'group.changed']);
    assert.equal(new Set(got.map((r) => r.id)).size, got.length, 'distinct event ids');
    assert.equal((await t.rest('DELETE', `/v1/webhooks/${all}`)).status, 204);
    owner.close();
  });

  it('lets an endpoint ask for group.changed alone', async () => {
    const t = server();
    const only = await endpoint(t, 'only', ['group.changed']);
    const g = `solo${Math.random().toString(36).slice(2, 8)}`;
    await createUsers(t, `m${g}`);
    await t.rest('POST', '/v1/groups', { id: g, name: 'Solo', members: [`m${g}`] });
    await t.rest('PATCH', `/v1/groups/${g}`, { name: 'Solo 2' });
    await until(() => receiver.accepted().some((r) => r.path === '/hook?only' && r.data.group?.id === g), 'the event at the filtered endpoint');
    assert.deepEqual(receiver.accepted().filter((r) => r.path === '/hook?only' && (r.data.group?.id === g || r.data.conversation === `group:${g}`)).map((r) => [r.type, r.data]), [
      ['group.changed', { group: { id: g }, change: { kind: 'rename', name: 'Solo 2' } }],
    ]);
    assert.equal((await t.rest('DELETE', `/v1/webhooks/${only}`)).status, 204);
  });
}, { webhooks: { backoffMs: 50, backoffMaxMs: 200, pollMs: 50 } });
