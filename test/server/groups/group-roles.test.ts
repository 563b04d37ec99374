import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GroupChange, SystemElem } from '../../../src/protocol/index.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { ask, change, create } from './group-helpers.js';

/** The next system notification of `event` that `s` receives in the group. */
async function notice(s: TestSocket, groupId: string, event: SystemElem['event']): Promise<SystemElem> {
  const f = await s.next('message.new', (m) => m.message.conversationId === `group:${groupId}` && m.message.elem.type === 'system' && m.message.elem.event === event);
  return f.message.elem as SystemElem;
}

describe('group actions by role (SPEC §13)', () => {
  let t: TestServer;
  let carol: TestSocket, alice: TestSocket, bob: TestSocket, dave: TestSocket;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bob', 'carol', 'dave', 'erin');
    [carol, alice, bob, dave] = await Promise.all(['carol', 'alice', 'bob', 'dave'].map((u) => t.login(u)));
  });
  after(() => t.stop());

  it('creates a group owned by its creator: members get it listed, a structured notification, and see the roles', async () => {
    assert.equal(await create(carol, 'g1', ['alice', 'bob']), 'ok');
    const updated = await alice.next('conversation.updated', (f) => f.conversation.id === 'group:g1');
    assert.equal(updated.conversation.name, 'Group g1');
    const elem = await notice(alice, 'g1', 'group-created');
    assert.deepEqual({ event: elem.event, operator: elem.operator, operatorName: elem.operatorName, groupName: elem.groupName, targets: elem.targets },
      { event: 'group-created', operator: 'carol', operatorName: 'Carol', groupName: 'Group g1', targets: ['carol', 'alice', 'bob'] });
    alice.send({ type: 'members.fetch', reqId: 'm1', conversationId: 'group:g1' });
    const { members } = await alice.next('members', (f) => f.reqId === 'm1');
    assert.deepEqual(members.map((m) => [m.id, m.role]), [['alice', 'member'], ['bob', 'member'], ['carol', 'owner']]);
    assert.equal(await create(carol, 'g1', ['alice', 'bob']), 'ok', 'a retry by its owner answers ok');
    assert.equal(await create(alice, 'g1', []), 'GROUP_EXISTS');
    assert.equal(await create(carol, 'g-ghost', ['nobody']), 'USER_UNKNOWN');
  });

  it('names the one id of several that an invite or a create is refused for (userId), over the socket and REST', async () => {
    carol.send({ type: 'group.create', reqId: 'named1', groupId: 'g-named', name: 'Named', members: ['erin', 'nobody-here', 'dave'] });
    const refused = await carol.next('error', (f) => f.reqId === 'named1');
    assert.deepEqual([refused.name, refused.userId], ['USER_UNKNOWN', 'nobody-here']);
    const rest = await t.rest('POST', '/v1/groups', { id: 'g-named-rest', name: 'Named', members: ['bob', 'ghost.2'] });
    assert.deepEqual([rest.body.name, rest.body.userId], ['USER_UNKNOWN', 'ghost.2']);
  });

  it('lets only the owner and admins rename, set the avatar, notice and history visibility, and invite', async () => {
    const settings: GroupChange[] = [{ kind: 'rename', name: 'X' }, { kind: 'avatar', avatar: '/x.png' }, { kind: 'notice', notice: 'n' }, { kind: 'visibility', historyVisibility: 'all' }, { kind: 'invite', userIds: ['dave'] }];
    for (const c of settings) {
      assert.equal(await change(bob, 'g1', c), 'GROUP_ROLE_REQUIRED', c.kind);
    }
    assert.equal(await change(dave, 'g1', { kind: 'rename', name: 'X' }), 'NOT_MEMBER');
    assert.equal(await change(carol, 'g1', { kind: 'rename', name: 'Renamed' }), 'ok');
    const renamed = await notice(bob, 'g1', 'group-renamed');
    assert.deepEqual([renamed.event, renamed.groupName, renamed.operator], ['group-renamed', 'Renamed', 'carol']);
    assert.equal(await change(carol, 'g1', { kind: 'notice', notice: 'Be kind' }), 'ok');
    assert.equal((await notice(bob, 'g1', 'group-notice')).operator, 'carol');
    const info = await (async () => {
      bob.send({ type: 'group.fetch', reqId: 'i1', groupId: 'g1' });
      return (await bob.next('group.info', (f) => f.reqId === 'i1')).group;
    })();
    assert.deepEqual(info, { id: 'g1', name: 'Renamed', notice: 'Be kind', historyVisibility: 'since-join', memberCount: 3, role: 'member' });
  });

  it('lets only the owner promote and demote; an admin then manages the group but not other admins or the owner', async () => {
    assert.equal(await change(bob, 'g1', { kind: 'role', userId: 'alice', role: 'admin' }), 'GROUP_ROLE_REQUIRED');
    assert.equal(await change(carol, 'g1', { kind: 'role', userId: 'alice', role: 'admin' }), 'ok');
    const promoted = await notice(bob, 'g1', 'member-promoted');
    assert.deepEqual([promoted.event, promoted.targets, promoted.targetNames], ['member-promoted', ['alice'], ['Alice']]);
    assert.equal(await change(carol, 'g1', { kind: 'role', userId: 'carol', role: 'member' }), 'BAD_REQUEST');
    assert.equal(await change(alice, 'g1', { kind: 'role', userId: 'bob', role: 'admin' }), 'GROUP_ROLE_REQUIRED');
    assert.equal(await change(alice, 'g1', { kind: 'invite', userIds: ['dave', 'erin'] }), 'ok');
    const joined = await notice(dave, 'g1', 'member-joined');
    assert.deepEqual([joined.event, joined.targets, joined.operator], ['member-joined', ['dave', 'erin'], 'alice']);
    assert.equal(await change(carol, 'g1', { kind: 'role', userId: 'dave', role: 'admin' }), 'ok');
    assert.equal(await change(alice, 'g1', { kind: 'remove', userId: 'dave' }), 'GROUP_ROLE_REQUIRED', 'an admin cannot remove an admin');
    assert.equal(await change(alice, 'g1', { kind: 'remove', userId: 'carol' }), 'GROUP_ROLE_REQUIRED', 'nor the owner');
    assert.equal(await change(carol, 'g1', { kind: 'role', userId: 'dave', role: 'member' }), 'ok');
    assert.deepEqual((await notice(bob, 'g1', 'member-promoted')).targets, ['dave']);
    assert.deepEqual((await notice(bob, 'g1', 'member-demoted')).targets, ['dave']);
  });

  it('an admin removes a member: the member is told, drops the group, and can no longer read or send in it', async () => {
    assert.equal(await change(bob, 'g1', { kind: 'remove', userId: 'dave' }), 'GROUP_ROLE_REQUIRED');
    assert.equal(await change(alice, 'g1', { kind: 'remove', userId: 'bob' }), 'ok');
    const removed = await notice(bob, 'g1', 'member-removed');
    assert.deepEqual([removed.event, removed.targets, removed.operator], ['member-removed', ['bob'], 'alice']);
    await bob.next('conversation.removed', (f) => f.conversationId === 'group:g1');
    carol.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'group:g1', elem: text('after bob') });
    await carol.next('message.ack');
    await bob.roundTrip();
    assert.ok(!bob.pending('message.new').some((f) => f.message.conversationId === 'group:g1' && f.message.elem.type === 'text'));
    bob.send({ type: 'history.fetch', reqId: 'h1', conversationId: 'group:g1' });
    assert.equal((await bob.next('error', (f) => f.reqId === 'h1')).name, 'NOT_MEMBER');
    bob.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'group:g1', elem: text('let me in') });
    assert.equal((await bob.next('message.error')).name, 'NOT_MEMBER');
    assert.equal(await change(alice, 'g1', { kind: 'remove', userId: 'bob' }), 'ok', 'a repeat changes nothing');
  });

  it('lets members leave but not the owner, who hands the group over or dismisses it', async () => {
    assert.equal(await change(carol, 'g1', { kind: 'leave' }), 'OWNER_CANNOT_LEAVE');
    assert.equal(await change(alice, 'g1', { kind: 'remove', userId: 'alice' }), 'BAD_REQUEST');
    assert.equal(await change(dave, 'g1', { kind: 'leave' }), 'ok');
    assert.deepEqual((await notice(carol, 'g1', 'member-left')).targets, ['dave']);
    await dave.next('conversation.removed', (f) => f.conversationId === 'group:g1');
    assert.equal(await change(alice, 'g1', { kind: 'dismiss' }), 'GROUP_ROLE_REQUIRED');
    assert.equal(await change(carol, 'g1', { kind: 'role', userId: 'alice', role: 'owner' }), 'ok');
    assert.deepEqual((await notice(carol, 'g1', 'owner-changed')).targets, ['alice']);
    assert.equal(await change(carol, 'g1', { kind: 'dismiss' }), 'GROUP_ROLE_REQUIRED', 'the old owner is an admin now');
    assert.equal(await change(carol, 'g1', { kind: 'leave' }), 'ok');
    assert.equal(await change(alice, 'g1', { kind: 'dismiss' }), 'ok');
    assert.equal((await notice(alice, 'g1', 'group-dismissed')).operator, 'alice');
    await alice.next('conversation.removed', (f) => f.conversationId === 'group:g1');
    assert.equal(await change(alice, 'g1', { kind: 'rename', name: 'again' }), 'GROUP_DISMISSED');
    alice.send({ type: 'group.fetch', reqId: 'i2', groupId: 'g1' });
    assert.equal((await alice.next('error', (f) => f.reqId === 'i2')).name, 'NOT_MEMBER');
  });

  it('leaves out quietly an invitee who blocked the inviter', async () => {
    assert.equal((await t.rest('PUT', '/v1/users/erin/blocklist/carol')).status, 204);
    assert.equal(await create(carol, 'g2', ['alice', 'erin']), 'ok');
    carol.send({ type: 'group.fetch', reqId: 'i3', groupId: 'g2' });
    assert.equal((await carol.next('group.info', (f) => f.reqId === 'i3')).group.memberCount, 2);
    assert.equal(await ask(carol, { type: 'group.fetch', groupId: 'g2' }), 'group.info');
  });
});

describe('group creation policy and friends-only', () => {
  it('refuses a widget create with GROUP_CREATE_FORBIDDEN when only the site creates groups; the admin API still does', async () => {
    const t = await startServer({ groupCreate: 'admin' });
    await createUsers(t, 'alice', 'bob');
    const alice = await t.login('alice');
    assert.equal(await create(alice, 'ga', ['bob']), 'GROUP_CREATE_FORBIDDEN');
    assert.equal((await t.rest('POST', '/v1/groups', { id: 'gx', name: 'Nobody owns it', members: ['bob'], owner: 'nobody' })).body.name, 'USER_UNKNOWN');
    assert.equal((await t.rest('POST', '/v1/groups', { id: 'ga', name: 'By the site', members: ['bob'], owner: 'alice' })).status, 201);
    assert.equal((await notice(alice, 'ga', 'group-created')).operator, undefined);
    assert.equal(await change(alice, 'ga', { kind: 'rename', name: 'Mine now' }), 'ok', 'the owner the site named manages it');
    await t.stop();
  });

  it('lets members invite only friends in friends-only mode', async () => {
    const t = await startServer({ friendsOnly: true });
    await createUsers(t, 'alice', 'bob', 'carol');
    await t.rest('PUT', '/v1/users/alice/friends/bob');
    const alice = await t.login('alice');
    assert.equal(await create(alice, 'gf', ['carol']), 'NOT_FRIENDS');
    assert.equal(await create(alice, 'gf', ['nobody-at-all']), 'NOT_FRIENDS', 'the same answer for an id nobody has');
    assert.equal(await create(alice, 'gf', ['bob']), 'ok');
    await t.stop();
  });
});

describe('pins under NATTER_PIN=admins', () => {
  it("lets a group's owner and admins pin, and refuses plain members PIN_FORBIDDEN", async () => {
    const t = await startServer({ changes: { pin: 'admins' } });
    await createUsers(t, 'alice', 'bob', 'carol');
    const [carol, alice, bob] = await Promise.all(['carol', 'alice', 'bob'].map((u) => t.login(u)));
    assert.equal(await create(carol, 'gp', ['alice', 'bob']), 'ok');
    assert.equal(await change(carol, 'gp', { kind: 'role', userId: 'alice', role: 'admin' }), 'ok');
    const clientMsgId = cmid();
    bob.send({ type: 'message.send', clientMsgId, conversationId: 'group:gp', elem: text('pin me') });
    const { id } = await bob.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    const pin = async (s: TestSocket, on: boolean) => {
      s.send({ type: 'change.send', changeId: cmid(), conversationId: 'group:gp', messageId: id, change: { kind: 'pin', on } });
      const answer = await s.nextOf(['change.ack', 'change.error']);
      return answer.type === 'change.error' ? answer.name : 'ok';
    };
    assert.equal(await pin(bob, true), 'PIN_FORBIDDEN');
    assert.equal(await pin(alice, true), 'ok', 'an admin');
    assert.equal(await pin(carol, false), 'ok', 'the owner');
    await t.stop();
  });
});

describe('the member limit (groupMemberLimit)', () => {
  it("refuses a member's group.create naming more people than the limit with GROUP_FULL, creates nothing, and takes one that fits", async () => {
    const t = await startServer({ groupMemberLimit: 3 });
    try {
      await createUsers(t, 'alice', 'bob', 'carol', 'dave');
      const alice = await t.login('alice');
      // alice and three more: four members, one past the limit (a repeated id counts once).
      assert.equal(await create(alice, 'big', ['bob', 'carol', 'dave', 'bob']), 'GROUP_FULL');
      assert.equal(await ask(alice, { type: 'group.fetch', groupId: 'big' }), 'GROUP_UNKNOWN', 'no group was made');
      assert.equal(await create(alice, 'fits', ['bob', 'carol', 'carol']), 'ok');
      assert.equal(await change(alice, 'fits', { kind: 'invite', userIds: ['dave'] }), 'GROUP_FULL', 'invites count as before');
      // The site's create is not limited, as its invites are not.
      assert.equal((await t.rest('POST', '/v1/groups', { id: 'site', name: 'Site', members: ['alice', 'bob', 'carol', 'dave'] })).status, 201);
    } finally {
      await t.stop();
    }
  });
});
