/**
 * Group changes sent at the same time (SPEC §13's one owner, one notification per change): each
 * is checked against the roles and members the one before it left, not the state before both,
 * on each store (the memory store is the in-browser demo's). Across two nodes:
 * group-cluster-races.test.ts. Also a message's edit racing its recall: the recall wins and the
 * edit after it is refused.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { GroupChange, Message } from '../../../src/protocol/index.js';
import { serverOnEachStore } from '../helpers/store-server.js';
import { cmid, createUsers, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';

let n = 0;

serverOnEachStore('group changes sent at once', (server) => {
  let t: TestServer;
  let alice: TestSocket;
  let bob: TestSocket;
  before(async () => {
    t = server();
    await createUsers(t, 'alice', 'bob', 'carol', 'dave', 'erin');
    alice = await t.login('alice');
    bob = await t.login('bob');
  });

  /** Sends the frames in one go (one read on the server), then the answer to each, by reqId. */
  async function together(frames: [TestSocket, Record<string, unknown>][]): Promise<string[]> {
    const ids = frames.map(([s, f]) => {
      const reqId = `race${++n}`;
      s.send({ ...f, reqId });
      return reqId;
    });
    const got = new Map<string, string>();
    for (const s of new Set(frames.map(([s]) => s))) {
      const mine = frames.filter(([x]) => x === s).length;
      for (let i = 0; i < mine; i++) {
        const a = await s.nextOf(['ok', 'error']);
        got.set(a.reqId!, a.type === 'error' ? a.name : a.type);
      }
    }
    return ids.map((id) => got.get(id) ?? `no answer to ${id}`);
  }

  async function newGroup(id: string): Promise<void> {
    assert.deepEqual(await together([[alice, { type: 'group.create', groupId: id, name: id, members: ['bob', 'carol', 'dave', 'erin'] }]]), ['ok']);
    assert.deepEqual(await together([[alice, { type: 'group.change', groupId: id, change: { kind: 'role', userId: 'bob', role: 'admin' } }]]), ['ok']);
  }

  const roles = async (id: string) => {
    const res = await t.rest('GET', `/v1/users/alice/conversations/group:${id}/messages?limit=50`);
    alice.send({ type: 'members.fetch', reqId: `m${++n}`, conversationId: `group:${id}` });
    const { members } = await alice.next('members');
    return { owners: members.filter((m) => m.role === 'owner').map((m) => m.id), notices: (res.body.messages as Message[]).map((m) => m.elem.type === 'system' ? m.elem.event : m.elem.type) };
  };

  it('keeps one owner when the owner hands the group to two members at once: the second is refused, the owner having become an admin', async () => {
    await newGroup('twice-owned');
    const answers = await together([
      [alice, { type: 'group.change', groupId: 'twice-owned', change: { kind: 'role', userId: 'bob', role: 'owner' } }],
      [alice, { type: 'group.change', groupId: 'twice-owned', change: { kind: 'role', userId: 'dave', role: 'owner' } }],
    ]);
    assert.deepEqual(answers, ['ok', 'GROUP_ROLE_REQUIRED']);
    const { owners, notices } = await roles('twice-owned');
    assert.deepEqual(owners, ['bob'], 'one owner');
    assert.equal(notices.filter((e) => e === 'owner-changed').length, 1);
  });

  it('tells the group once when the owner and an admin remove the same member at once', async () => {
    await newGroup('removed-twice');
    const answers = await together([
      [alice, { type: 'group.change', groupId: 'removed-twice', change: { kind: 'remove', userId: 'carol' } }],
      [bob, { type: 'group.change', groupId: 'removed-twice', change: { kind: 'remove', userId: 'carol' } }],
    ]);
    // Removing someone no longer a member changes nothing and posts nothing (as before).
    assert.deepEqual(answers, ['ok', 'ok']);
    const { notices } = await roles('removed-twice');
    assert.equal(notices.filter((e) => e === 'member-removed').length, 1, `one notice: ${notices.join(', ')}`);
  });

  const byAdmin: [string, GroupChange, 'group-renamed' | 'member-joined' | 'member-muted'][] = [
    ['rename', { kind: 'rename', name: 'Renamed' }, 'group-renamed'],
    ['invite', { kind: 'invite', userIds: ['erin'] }, 'member-joined'],
    ['mute', { kind: 'mute', userId: 'carol' }, 'member-muted'],
  ];
  for (const [kind, change, event] of byAdmin) {
    it(`makes an admin's ${kind} sent with their demotion before it or not at all, and tells it only when made`, async () => {
      const id = `demoted-${kind}`;
      await newGroup(id);
      const [demoted, made] = await together([
        [alice, { type: 'group.change', groupId: id, change: { kind: 'role', userId: 'bob', role: 'member' } }],
        [bob, { type: 'group.change', groupId: id, change }],
      ]);
      assert.equal(demoted, 'ok');
      const { notices } = await roles(id);
      const told = notices.indexOf(event);
      if (made === 'ok') assert.ok(told >= 0 && told < notices.indexOf('member-demoted'), `made before the demotion: ${notices.join(', ')}`);
      else assert.deepEqual([made, told], ['GROUP_ROLE_REQUIRED', -1], notices.join(', '));
    });
  }

  it('recalls a message whose edit, recall and second edit are sent at once: the edit after the recall is refused MESSAGE_RECALLED', async () => {
    await newGroup('edit-recall');
    const clientMsgId = cmid();
    alice.send({ type: 'message.send', clientMsgId, conversationId: 'group:edit-recall', elem: text('to change') });
    const ack = await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    const changes = [{ kind: 'edit', text: 'edited' }, { kind: 'recall' }, { kind: 'edit', text: 'edited again' }].map((change) => ({ changeId: cmid(), change }));
    for (const c of changes) alice.send({ type: 'change.send', conversationId: 'group:edit-recall', messageId: ack.id, ...c });
    const got = new Map<string, string>();
    for (let i = 0; i < changes.length; i++) {
      const a = await alice.nextOf(['change.ack', 'change.error']);
      got.set(a.changeId, a.type === 'change.error' ? a.name : a.type);
    }
    assert.deepEqual(changes.map((c) => got.get(c.changeId)), ['change.ack', 'change.ack', 'MESSAGE_RECALLED']);
    const page = await t.rest('GET', '/v1/users/bob/conversations/group:edit-recall/messages?limit=50');
    const m = (page.body.messages as Message[]).find((x) => x.id === ack.id)!;
    assert.equal(m.elem.type, 'recalled', 'nothing of the text is left');
  });
}, { stores: ['memory', 'sqlite', 'postgres'] });
