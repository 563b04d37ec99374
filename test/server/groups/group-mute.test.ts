/** Group owners and admins mute members in their group (SPEC §11 moderation, §13 roles), end to end. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConversationId, SystemElem } from '../../../src/protocol/index.js';
import { requirePostgres, requireRedis } from '../helpers/services.js';
import { twoNodes } from '../helpers/two-nodes.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { change, create } from './group-helpers.js';
import { GUARD_MS } from '../../guard.js';

await requirePostgres();
await requireRedis();

async function send(s: TestSocket, conversationId: ConversationId, words: string) {
  s.send({ type: 'message.send', clientMsgId: cmid(), conversationId, elem: text(words) });
  return s.nextOf(['message.ack', 'message.error']);
}

async function notice(s: TestSocket, event: SystemElem['event'], conversationId = 'group:gm'): Promise<SystemElem> {
  const f = await s.next('message.new', (m) => m.message.conversationId === conversationId && m.message.elem.type === 'system' && m.message.elem.event === event);
  return f.message.elem as SystemElem;
}

let reqs = 0;
/** Who `s` sees muted in the group (id -> `muted`), from a `members.fetch` answer. */
async function mutedAsSeenBy(s: TestSocket, conversationId: ConversationId = 'group:gm'): Promise<Record<string, unknown>> {
  const reqId = `mm${++reqs}`;
  s.send({ type: 'members.fetch', reqId, conversationId });
  const page = await s.next('members', (f) => f.reqId === reqId);
  assert.ok(page.members.length > 1);
  return Object.fromEntries(page.members.filter((m) => m.muted !== undefined).map((m) => [m.id, m.muted]));
}

/** Sends a marker as `from` and answers the first of `event` notices or the marker that `s` receives next: no notice in between when it is the marker. */
async function nextNoticeOrMarker(from: TestSocket, s: TestSocket, event: SystemElem['event'], marker: string, conversationId: ConversationId = 'group:gm') {
  assert.equal((await send(from, conversationId, marker)).type, 'message.ack');
  const f = await s.next('message.new', (m) => m.message.conversationId === conversationId
    && ((m.message.elem.type === 'system' && m.message.elem.event === event) || (m.message.elem.type === 'text' && m.message.elem.text === marker)));
  return f.message.elem.type === 'text' ? 'marker' : 'notice';
}

describe('group mutes by role', () => {
  let t: TestServer;
  let owner: TestSocket, admin: TestSocket, bob: TestSocket, dave: TestSocket, outsider: TestSocket;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'olga', 'adam', 'bob', 'dave', 'xena');
    [owner, admin, bob, dave, outsider] = await Promise.all(['olga', 'adam', 'bob', 'dave', 'xena'].map((u) => t.login(u)));
    assert.equal(await create(owner, 'gm', ['adam', 'bob', 'dave']), 'ok');
    assert.equal(await change(owner, 'gm', { kind: 'role', userId: 'adam', role: 'admin' }), 'ok');
    assert.equal(await create(owner, 'other', ['bob']), 'ok');
  });
  after(() => t.stop());

  it('an admin mutes a member until a time: every member sees a notice, the member is told and refused MUTED there only', async () => {
    const until = Date.now() + 3_600_000;
    assert.equal(await change(admin, 'gm', { kind: 'mute', userId: 'bob', until, reason: 'Calm down.' }), 'ok');
    const told = await bob.next('sanctions.updated');
    assert.deepEqual(told.mutes, [{ conversationId: 'group:gm', until, reason: 'Calm down.' }]);
    for (const s of [owner, admin, bob, dave]) {
      const elem = await notice(s, 'member-muted');
      assert.deepEqual([elem.targets, elem.targetNames, elem.operator, elem.data], [['bob'], ['Bob'], 'adam', String(until)]);
    }
    const refused = await send(bob, 'group:gm', 'hello?');
    assert.deepEqual([refused.type, (refused as { name?: string }).name, (refused as { reason?: string }).reason], ['message.error', 'MUTED', 'Calm down.']);
    assert.equal((await send(bob, 'group:other', 'fine here')).type, 'message.ack');
    // A new session learns the running mute at once.
    const again = await t.connect();
    again.send({ type: 'session.open', protocol: (await import('../../../src/protocol/index.js')).PROTOCOL_VERSION, token: await t.token('bob') });
    const frames = await again.until('sync.done');
    assert.deepEqual(frames.find((f) => f.type === 'sanctions.updated'), { type: 'sanctions.updated', mutes: [{ conversationId: 'group:gm', until, reason: 'Calm down.' }] });
    again.close();
  });

  it('the owner unmutes: a notice, the member is told, sends go through; unmuting again posts nothing', async () => {
    assert.equal(await change(owner, 'gm', { kind: 'unmute', userId: 'bob' }), 'ok');
    assert.deepEqual((await bob.next('sanctions.updated')).mutes, []);
    const elem = await notice(dave, 'member-unmuted');
    assert.deepEqual([elem.targets, elem.operator], [['bob'], 'olga']);
    for (const s of [owner, admin, bob]) await notice(s, 'member-unmuted');
    assert.equal((await send(bob, 'group:gm', 'back')).type, 'message.ack');
    assert.equal(await change(owner, 'gm', { kind: 'unmute', userId: 'bob' }), 'ok');
    assert.equal((await send(owner, 'group:gm', 'marker')).type, 'message.ack');
    const next = await dave.next('message.new', (f) => f.message.conversationId === 'group:gm' && ((f.message.elem.type === 'system' && f.message.elem.event === 'member-unmuted') || (f.message.elem.type === 'text' && f.message.elem.text === 'marker')));
    assert.equal(next.message.elem.type, 'text', 'no second unmute notice');
  });

  it('refuses by role: members mute nobody, admins not each other nor the owner, nobody the owner or themselves', async () => {
    assert.equal(await change(bob, 'gm', { kind: 'mute', userId: 'dave' }), 'GROUP_ROLE_REQUIRED');
    assert.equal(await change(admin, 'gm', { kind: 'mute', userId: 'olga' }), 'GROUP_ROLE_REQUIRED');
    assert.equal(await change(owner, 'gm', { kind: 'mute', userId: 'olga' }), 'BAD_REQUEST');
    assert.equal(await change(admin, 'gm', { kind: 'mute', userId: 'xena' }), 'NOT_MEMBER');
    assert.equal(await change(outsider, 'gm', { kind: 'mute', userId: 'bob' }), 'NOT_MEMBER');
    assert.equal(await change(bob, 'gm', { kind: 'unmute', userId: 'bob' }), 'BAD_REQUEST');
    assert.equal(await change(admin, 'gm', { kind: 'mute', userId: 'dave', until: 1 }), 'BAD_REQUEST', 'a time in the past');
    assert.equal((await send(dave, 'group:gm', 'still free')).type, 'message.ack');
  });

  it('the owner mutes an admin until unmuted; a second admin would not be allowed to lift it', async () => {
    assert.equal(await change(owner, 'gm', { kind: 'role', userId: 'dave', role: 'admin' }), 'ok');
    assert.equal(await change(owner, 'gm', { kind: 'mute', userId: 'adam' }), 'ok');
    const elem = await notice(bob, 'member-muted');
    assert.equal(elem.data, undefined, 'until unmuted');
    for (const s of [owner, admin, dave]) await notice(s, 'member-muted');
    assert.deepEqual((await admin.next('sanctions.updated')).mutes, [{ conversationId: 'group:gm' }]);
    assert.equal((await send(admin, 'group:gm', 'hm')).type, 'message.error');
    assert.equal(await change(dave, 'gm', { kind: 'unmute', userId: 'adam' }), 'GROUP_ROLE_REQUIRED');
    // The muted admin still runs the group: a mute stops sends, not role actions.
    assert.equal(await change(admin, 'gm', { kind: 'rename', name: 'Still mine' }), 'ok');
  });

  it('an admin REST mute everywhere reaches the user\'s devices too', async () => {
    const until = Date.now() + 60_000;
    assert.equal((await t.rest('PUT', '/v1/users/dave/mute', { until })).status, 200);
    assert.deepEqual((await dave.next('sanctions.updated')).mutes, [{ until }]);
    assert.equal((await t.rest('DELETE', '/v1/users/dave/mute')).status, 204);
    assert.deepEqual((await dave.next('sanctions.updated')).mutes, []);
  });

  it('the member list shows who is muted here (and until when) to the owner and admins only; mutes everywhere are not the group\'s', async () => {
    const until = Date.now() + 3_600_000;
    assert.equal(await change(dave, 'gm', { kind: 'mute', userId: 'bob', until }), 'ok');
    for (const s of [owner, admin, bob, dave]) await notice(s, 'member-muted');
    assert.equal((await t.rest('PUT', '/v1/users/dave/mute', {})).status, 200, 'a mute everywhere');
    assert.deepEqual(await mutedAsSeenBy(owner), { adam: {}, bob: { until } });
    assert.deepEqual(await mutedAsSeenBy(dave), { adam: {}, bob: { until } }, 'an admin sees it too');
    assert.deepEqual(await mutedAsSeenBy(admin), { adam: {}, bob: { until } }, 'a muted admin is still an admin');
    assert.deepEqual(await mutedAsSeenBy(bob), {}, 'a plain member (even the muted one) learns nobody\'s');
    assert.equal(await change(owner, 'gm', { kind: 'role', userId: 'dave', role: 'member' }), 'ok');
    assert.deepEqual(await mutedAsSeenBy(dave), {}, 'demoted: no longer');
    assert.equal(await change(owner, 'gm', { kind: 'unmute', userId: 'bob' }), 'ok');
    for (const s of [owner, admin, bob, dave]) await notice(s, 'member-unmuted');
    assert.deepEqual(await mutedAsSeenBy(owner), { adam: {} });
    assert.equal((await t.rest('DELETE', '/v1/users/dave/mute')).status, 204);
  });

  it('a site\'s REST mute in the group posts the member-muted notice once (no operator), its unmute member-unmuted; a repeat posts nothing', async () => {
    const until = Date.now() + 7_200_000;
    const first = await t.rest('PUT', '/v1/users/bob/mute', { groupId: 'gm', until, reason: 'The site says so.' });
    assert.equal(first.status, 200);
    for (const s of [owner, admin, bob, dave]) {
      const elem = await notice(s, 'member-muted');
      assert.deepEqual([elem.targets, elem.targetNames, elem.operator, elem.data], [['bob'], ['Bob'], undefined, String(until)]);
    }
    const told = await bob.next('sanctions.updated', (f) => f.mutes.some((m) => m.reason !== undefined));
    assert.deepEqual(told.mutes, [{ conversationId: 'group:gm', until, reason: 'The site says so.' }]);
    assert.equal((await send(bob, 'group:gm', 'hm')).type, 'message.error');
    const again = await t.rest('PUT', '/v1/users/bob/mute', { groupId: 'gm', until, reason: 'The site says so.' });
    assert.deepEqual([again.status, again.body.createdAt], [200, first.body.createdAt], 'the same mute, kept as it was');
    assert.equal(await nextNoticeOrMarker(owner, dave, 'member-muted', 'after the repeat'), 'marker', 'one notice for one mute');
    assert.deepEqual((await mutedAsSeenBy(owner)).bob, { until });
    // A different end is a new mute: told again.
    assert.equal((await t.rest('PUT', '/v1/users/bob/mute', { groupId: 'gm', reason: 'The site says so.' })).status, 200);
    assert.equal((await notice(dave, 'member-muted')).data, undefined, 'until unmuted');

    assert.equal((await t.rest('DELETE', '/v1/users/bob/mute?groupId=gm')).status, 204);
    for (const s of [owner, bob, dave]) {
      const elem = await notice(s, 'member-unmuted');
      assert.deepEqual([elem.targets, elem.operator], [['bob'], undefined]);
    }
    assert.equal((await send(bob, 'group:gm', 'free again')).type, 'message.ack');
    assert.equal((await t.rest('DELETE', '/v1/users/bob/mute?groupId=gm')).body.name, 'NOT_FOUND');
    assert.equal(await nextNoticeOrMarker(owner, dave, 'member-unmuted', 'after the second unmute'), 'marker');
  });

  it('a site\'s REST mute of someone outside the group is kept quietly (no notice in the group)', async () => {
    assert.equal((await t.rest('PUT', '/v1/users/xena/mute', { groupId: 'gm', until: Date.now() + 60_000 })).status, 200);
    assert.equal(await nextNoticeOrMarker(owner, dave, 'member-muted', 'after the outsider'), 'marker');
    assert.equal((await t.rest('DELETE', '/v1/users/xena/mute?groupId=gm')).status, 204);
    assert.equal(await nextNoticeOrMarker(owner, dave, 'member-unmuted', 'after the outsider\'s unmute'), 'marker');
  });
});

describe('group mutes across two nodes sharing PostgreSQL and Redis', () => {
  const nodes = twoNodes();
  before(async () => createUsers(nodes.a, 'olga', 'bob'));

  it('the owner mutes on node A: bob on node B is told at once and refused within the sanction cache (2 s); unmuting frees him', async () => {
    const owner = await nodes.a.login('olga');
    const bob = await nodes.b.login('bob');
    assert.equal(await create(owner, 'x', ['bob']), 'ok');
    assert.equal((await send(bob, 'group:x', 'before')).type, 'message.ack', 'node B caches "not muted"');
    assert.equal(await change(owner, 'x', { kind: 'mute', userId: 'bob', until: Date.now() + 600_000 }), 'ok');
    assert.equal((await bob.next('sanctions.updated')).mutes[0]?.conversationId, 'group:x');
    // Polled every 100 ms (well inside the send rate limit) until node B's cache of bob's sanctions expires.
    const poll = async (words: string, done: (t: string) => boolean) => {
      const deadline = Date.now() + GUARD_MS;
      let r = await send(bob, 'group:x', words);
      while (!done(r.type) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        r = await send(bob, 'group:x', words);
      }
      return r;
    };
    const r = await poll('still?', (t) => t === 'message.error');
    assert.deepEqual([r.type, (r as { name?: string }).name], ['message.error', 'MUTED']);
    assert.equal(await change(owner, 'x', { kind: 'unmute', userId: 'bob' }), 'ok');
    assert.deepEqual((await bob.next('sanctions.updated')).mutes, []);
    assert.equal((await poll('free', (t) => t === 'message.ack')).type, 'message.ack');
  });

  it('a REST mute on node A: the owner on node B gets one notice and sees the mute in the member list; the REST unmute on B tells A', async () => {
    await createUsers(nodes.a, 'rita');
    const owner = await nodes.b.login('olga');
    const rita = await nodes.a.login('rita');
    assert.equal(await create(owner, 'y', ['rita']), 'ok');
    const until = Date.now() + 600_000;
    assert.equal((await nodes.a.rest('PUT', '/v1/users/rita/mute', { groupId: 'y', until })).status, 200);
    const elem = await notice(owner, 'member-muted', 'group:y');
    assert.deepEqual([elem.targets, elem.operator, elem.data], [['rita'], undefined, String(until)]);
    await notice(rita, 'member-muted', 'group:y');
    assert.deepEqual(await mutedAsSeenBy(owner, 'group:y'), { rita: { until } });
    assert.deepEqual(await mutedAsSeenBy(rita, 'group:y'), {});
    assert.equal(await nextNoticeOrMarker(owner, rita, 'member-muted', 'one notice', 'group:y'), 'marker');
    assert.equal((await nodes.b.rest('DELETE', '/v1/users/rita/mute?groupId=y')).status, 204);
    assert.equal((await notice(rita, 'member-unmuted', 'group:y')).operator, undefined);
    assert.deepEqual(await mutedAsSeenBy(owner, 'group:y'), {});
  });
});
