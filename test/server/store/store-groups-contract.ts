import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ChatError } from '../../../src/protocol/index.js';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import type { Store } from '../../../src/server/core/store.js';
import { draft } from './store-contract.js';

/** Group roles, settings and dismissal (SPEC §13): registered inside storeContract's describe. */
export function groupsContract(store: () => Store): void {
  it('creates a group with the roles given (member by default), reads and changes them, only for members', async () => {
    const s = store();
    await s.createGroup({ id: 'gr1', name: 'R', createdAt: 1 }, ['ro', 'ra', 'rm'], { ro: 'owner', ra: 'admin' });
    assert.equal(await s.getGroupRole('gr1', 'ro'), 'owner');
    assert.equal(await s.getGroupRole('gr1', 'ra'), 'admin');
    assert.equal(await s.getGroupRole('gr1', 'rm'), 'member');
    assert.equal(await s.getGroupRole('gr1', 'nobody'), undefined);
    assert.equal(await s.setGroupRole('gr1', 'rm', 'admin'), true);
    assert.equal(await s.setGroupRole('gr1', 'ra', 'member'), true);
    assert.equal(await s.setGroupRole('gr1', 'nobody', 'admin'), false);
    assert.equal(await s.getGroupRole('gr1', 'nobody'), undefined);
    assert.deepEqual((await s.listMembers(groupKey('gr1'))).map((m) => [m.userId, m.role]), [['ra', 'member'], ['rm', 'admin'], ['ro', 'owner']]);
    assert.equal(await s.countGroupMembers('gr1'), 3);
    assert.equal(await s.groupOwner('gr1'), 'ro');
    assert.equal(await s.groupOwner('nogroup'), undefined);
    await s.createGroup({ id: 'gr1b', name: 'R', createdAt: 1 }, ['ra', 'rm']);
    assert.equal(await s.groupOwner('gr1b'), undefined);
  });

  it('gives a member added later the member role, and forgets the role of one who left', async () => {
    const s = store();
    await s.createGroup({ id: 'gr2', name: 'R', createdAt: 1 }, ['o'], { o: 'owner' });
    await s.addGroupMember('gr2', 'late');
    assert.equal(await s.getGroupRole('gr2', 'late'), 'member');
    await s.setGroupRole('gr2', 'late', 'admin');
    await s.removeGroupMember('gr2', 'late');
    await s.addGroupMember('gr2', 'late');
    assert.equal(await s.getGroupRole('gr2', 'late'), 'member');
  });

  it('renames a group, sets and clears its avatar and notice, leaving what a change does not name', async () => {
    const s = store();
    await s.createGroup({ id: 'gr3', name: 'Before', avatar: '/a.png', createdAt: 1 }, ['o']);
    assert.deepEqual(await s.updateGroup('gr3', { name: 'After', notice: 'Be kind' }), {
      id: 'gr3', name: 'After', avatar: '/a.png', notice: 'Be kind', createdAt: 1, historyVisibility: 'since-join',
    });
    assert.deepEqual(await s.updateGroup('gr3', { avatar: null, notice: null, historyVisibility: 'all' }), { id: 'gr3', name: 'After', createdAt: 1, historyVisibility: 'all' });
    assert.deepEqual(await s.updateGroup('gr3', { avatar: '/b.png', notice: '' }), { id: 'gr3', name: 'After', avatar: '/b.png', createdAt: 1, historyVisibility: 'all' });
    assert.deepEqual(await s.getGroup('gr3'), { id: 'gr3', name: 'After', avatar: '/b.png', createdAt: 1, historyVisibility: 'all' });
    assert.equal(await s.updateGroup('gr-none', { name: 'x' }), undefined);
  });

  it('dismisses a group: every membership goes at once, the group stays as dismissed and keeps its history', async () => {
    const s = store();
    await s.createGroup({ id: 'gr4', name: 'D', createdAt: 1 }, ['d1', 'd2', 'd3'], { d1: 'owner' });
    await s.commitMessages([draft(groupKey('gr4'), 'd1')]);
    assert.deepEqual(await s.dismissGroup('gr4'), ['d1', 'd2', 'd3']);
    assert.equal((await s.getGroup('gr4'))?.dismissed, true);
    assert.deepEqual(await s.listGroupMembers('gr4'), []);
    assert.equal(await s.isGroupMember('gr4', 'd2'), false);
    assert.equal(await s.getConversation('d2', groupKey('gr4')), undefined);
    assert.equal(await s.countGroupMembers('gr4'), 0);
    assert.equal((await s.readRange(groupKey('gr4'), 'd1', { afterSeq: 0, toSeq: 1, limit: 5, take: 'oldest' })).length, 1);
  });

  it('changes a role checked against the roles read at the write: a refusal or nothing to do writes nothing; a new owner makes the one before an admin', async () => {
    const s = store();
    await s.createGroup({ id: 'gr5', name: 'C', createdAt: 1 }, ['co', 'cx', 'cm'], { co: 'owner', cx: 'admin' });
    const seen: [string | undefined, string | undefined][] = [];
    const ownerOnly = (actor: string | undefined, target: string | undefined) => {
      seen.push([actor, target]);
      if (actor !== 'owner') throw new ChatError('GROUP_ROLE_REQUIRED');
      return true;
    };
    assert.equal(await s.changeGroupRole('gr5', 'cm', 'owner', ownerOnly, 'co'), true);
    assert.deepEqual(seen, [['owner', 'member']]);
    assert.deepEqual((await s.listMembers(groupKey('gr5'))).map((m) => [m.userId, m.role]), [['cm', 'owner'], ['co', 'admin'], ['cx', 'admin']]);
    assert.equal(await s.groupOwner('gr5'), 'cm');
    // The first owner, now an admin, is refused a second transfer: nothing changes.
    await assert.rejects(s.changeGroupRole('gr5', 'cx', 'owner', ownerOnly, 'co'), (e: unknown) => e instanceof ChatError && e.name === 'GROUP_ROLE_REQUIRED');
    assert.deepEqual(seen[1], ['admin', 'admin']);
    assert.deepEqual((await s.listMembers(groupKey('gr5'))).map((m) => [m.userId, m.role]), [['cm', 'owner'], ['co', 'admin'], ['cx', 'admin']]);
    // Nothing to do: false, nothing written.
    assert.equal(await s.changeGroupRole('gr5', 'cx', 'member', () => false, 'cm'), false);
    assert.equal(await s.getGroupRole('gr5', 'cx'), 'admin');
    // No actor (the site), and a member who is none: the check sees undefined; nothing is written for a non-member.
    assert.equal(await s.changeGroupRole('gr5', 'cx', 'member', (actor) => actor === undefined), true);
    assert.equal(await s.getGroupRole('gr5', 'cx'), 'member');
    const nobody: [string | undefined, string | undefined][] = [];
    assert.equal(await s.changeGroupRole('gr5', 'nobody', 'admin', (x, y) => (nobody.push([x, y]), true), 'cm'), false);
    assert.deepEqual(nobody, [['owner', undefined]]);
    assert.equal(await s.getGroupRole('gr5', 'nobody'), undefined);
  });

  it('removes a member checked against the roles read at the write: a refusal or false keeps them; only the first of two removals removes', async () => {
    const s = store();
    await s.createGroup({ id: 'gr6', name: 'X', createdAt: 1 }, ['xo', 'xa', 'xm'], { xo: 'owner', xa: 'admin' });
    const seen: [string | undefined, string | undefined][] = [];
    const adminRemovesMembers = (actor: string | undefined, target: string | undefined) => {
      seen.push([actor, target]);
      if (target !== undefined && target !== 'member') throw new ChatError('GROUP_ROLE_REQUIRED');
      return target !== undefined;
    };
    await assert.rejects(s.removeGroupMember('gr6', 'xo', adminRemovesMembers, 'xa'), (e: unknown) => e instanceof ChatError && e.name === 'GROUP_ROLE_REQUIRED');
    assert.equal(await s.getGroupRole('gr6', 'xo'), 'owner');
    assert.equal(await s.removeGroupMember('gr6', 'xm', () => false, 'xa'), false);
    assert.equal(await s.isGroupMember('gr6', 'xm'), true);
    assert.equal(await s.removeGroupMember('gr6', 'xm', adminRemovesMembers, 'xa'), true);
    assert.equal(await s.removeGroupMember('gr6', 'xm', adminRemovesMembers, 'xa'), false);
    assert.deepEqual(seen, [['admin', 'owner'], ['admin', 'member'], ['admin', undefined]]);
    assert.deepEqual(await s.listGroupMembers('gr6'), ['xa', 'xo']);
    // Without a check, as before: false for someone not a member.
    assert.equal(await s.removeGroupMember('gr6', 'xa'), true);
    assert.equal(await s.removeGroupMember('gr6', 'xa'), false);
  });
  it('changes a group\'s settings checked against the group and the actor\'s role read at the write: a refusal or false writes nothing', async () => {
    const s = store();
    await s.createGroup({ id: 'gr7', name: 'S', createdAt: 1 }, ['so', 'sa', 'sm'], { so: 'owner', sa: 'admin' });
    const seen: [string | undefined, string][] = [];
    const managers = (actor: string | undefined, g: { name: string }) => {
      seen.push([actor, g.name]);
      if (actor !== 'owner' && actor !== 'admin') throw new ChatError('GROUP_ROLE_REQUIRED');
      return true;
    };
    assert.equal((await s.updateGroup('gr7', { name: 'S2' }, managers, 'sa'))?.name, 'S2');
    await s.setGroupRole('gr7', 'sa', 'member');
    await assert.rejects(s.updateGroup('gr7', { name: 'S3' }, managers, 'sa'), (e: unknown) => e instanceof ChatError && e.name === 'GROUP_ROLE_REQUIRED');
    assert.equal(await s.updateGroup('gr7', { name: 'S4' }, () => false, 'so'), undefined);
    assert.deepEqual(seen, [['admin', 'S'], ['member', 'S2']]);
    assert.equal((await s.getGroup('gr7'))?.name, 'S2');
    // No actor (the site): the check sees undefined. No group: no check, undefined.
    assert.equal((await s.updateGroup('gr7', { notice: 'n' }, (actor) => actor === undefined))?.notice, 'n');
    assert.equal(await s.updateGroup('gr-none', { name: 'x' }, () => true, 'so'), undefined);
  });

  it('dismisses a group checked against the group and the actor\'s role read at the write: a refusal or false keeps it and its members', async () => {
    const s = store();
    await s.createGroup({ id: 'gr9', name: 'D', createdAt: 1 }, ['do', 'da'], { do: 'owner', da: 'admin' });
    const seen: [string | undefined, boolean][] = [];
    const ownerOnly = (actor: string | undefined, g: { dismissed?: true }) => {
      seen.push([actor, g.dismissed === true]);
      if (g.dismissed) throw new ChatError('GROUP_DISMISSED');
      if (actor !== 'owner') throw new ChatError('GROUP_ROLE_REQUIRED');
      return true;
    };
    await assert.rejects(s.dismissGroup('gr9', ownerOnly, 'da'), (e: unknown) => e instanceof ChatError && e.name === 'GROUP_ROLE_REQUIRED');
    assert.equal(await s.dismissGroup('gr9', () => false, 'do'), undefined);
    assert.equal((await s.getGroup('gr9'))?.dismissed, undefined);
    assert.deepEqual(await s.listGroupMembers('gr9'), ['da', 'do']);
    assert.deepEqual(await s.dismissGroup('gr9', ownerOnly, 'do'), ['da', 'do']);
    // The second of two: the owner is no member any more, and the check sees the group dismissed.
    await assert.rejects(s.dismissGroup('gr9', ownerOnly, 'do'), (e: unknown) => e instanceof ChatError && e.name === 'GROUP_DISMISSED');
    assert.deepEqual(seen, [['admin', false], ['owner', false], [undefined, true]]);
    assert.equal(await s.dismissGroup('gr-none'), undefined);
  });

  it('adds members in one step checked at the write: those not yet members, in the order given; a refusal or false adds nobody', async () => {
    const s = store();
    await s.createGroup({ id: 'gr8', name: 'I', createdAt: 1 }, ['io', 'ia'], { io: 'owner', ia: 'admin' });
    const seen: (string | undefined)[] = [];
    const managers = (actor: string | undefined) => {
      seen.push(actor);
      if (actor !== 'owner' && actor !== 'admin') throw new ChatError('GROUP_ROLE_REQUIRED');
      return true;
    };
    assert.deepEqual(await s.addGroupMembers('gr8', ['iz', 'ia', 'ib'], managers, 'ia'), ['iz', 'ib']);
    assert.equal(await s.getGroupRole('gr8', 'iz'), 'member');
    await s.setGroupRole('gr8', 'ia', 'member');
    await assert.rejects(s.addGroupMembers('gr8', ['ic'], managers, 'ia'), (e: unknown) => e instanceof ChatError && e.name === 'GROUP_ROLE_REQUIRED');
    assert.deepEqual(await s.addGroupMembers('gr8', ['ic'], () => false, 'io'), []);
    assert.deepEqual(await s.addGroupMembers('gr-none', ['ic'], () => true), []);
    assert.deepEqual(seen, ['admin', 'member']);
    assert.deepEqual(await s.listGroupMembers('gr8'), ['ia', 'ib', 'io', 'iz']);
  });

  it('counts the members in the invite\'s write with a limit: past it GROUP_FULL and nobody added; those already in count once', async () => {
    const s = store();
    await s.createGroup({ id: 'gr-full', name: 'F', createdAt: 1 }, ['fo', 'fa'], { fo: 'owner' });
    const full = (e: unknown) => e instanceof ChatError && e.name === 'GROUP_FULL';
    await assert.rejects(s.addGroupMembers('gr-full', ['fx', 'fy'], () => true, 'fo', 3), full);
    assert.deepEqual(await s.listGroupMembers('gr-full'), ['fa', 'fo']);
    assert.deepEqual(await s.addGroupMembers('gr-full', ['fa', 'fx'], () => true, 'fo', 3), ['fx']);
    await assert.rejects(s.addGroupMembers('gr-full', ['fy'], () => true, 'fo', 3), full);
    assert.deepEqual(await s.addGroupMembers('gr-full', ['fy'], () => true, 'fo'), ['fy'], 'no limit');
    assert.equal(await s.countGroupMembers('gr-full'), 4);
  });

  it("commits a group's notice only while what it tells stands, as the group is at the commit", async () => {
    const s = store();
    await s.createGroup({ id: 'gr-told', name: 'Before', createdAt: 1 }, ['to']);
    const k = groupKey('gr-told');
    await s.updateGroup('gr-told', { name: 'After' });
    const named = (name: string) => (g: { name: string }) => g.name === name;
    assert.equal(await s.commitGroupNotice('gr-told', named('Before'), draft(k, 'to')), undefined);
    assert.equal((await s.getConversation('to', k))?.lastSeq ?? 0, 0, 'nothing written');
    const told = await s.commitGroupNotice('gr-told', named('After'), draft(k, 'to'));
    assert.equal(told?.status === 'committed' && told.message.seq, 1);
    assert.equal(await s.commitGroupNotice('gr-none', () => true, draft(groupKey('gr-none'), 'to')), undefined);
  });
}
