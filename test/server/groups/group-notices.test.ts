// Group notices naming many people (SPEC §13): a change by the site may name thousands of users,
// and a notice must still fit a frame and its schema, or every client drops it. The server keeps
// the first names and counts the rest ("and 4,498 others").
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as v from 'valibot';
import { LIMITS, SystemElemSchema, utf8Length, type SystemElem } from '../../../src/protocol/index.js';
import { groupNotice } from '../../../src/server/groups/group-notices.js';
import { startServer, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { change, create } from './group-helpers.js';

/** The next system notification of `event` that `s` receives in the group. */
async function notice(s: TestSocket, groupId: string, event: SystemElem['event']): Promise<SystemElem> {
  const f = await s.next('message.new', (m) => m.message.conversationId === `group:${groupId}` && m.message.elem.type === 'system' && m.message.elem.event === event);
  return f.message.elem as SystemElem;
}

/** What a notice weighs in a frame; a few KiB at most, whoever it names. */
const bytes = (e: SystemElem) => utf8Length(JSON.stringify(e));
const SMALL = 8 * 1024;

describe('group notices naming many users', () => {
  let t: TestServer;
  let owner: TestSocket;
  before(async () => {
    t = await startServer();
    await t.server.admin.putUser('owner', { name: 'Owner' });
    owner = await t.login('owner');
  });
  after(() => t.stop());

  it('names the first invited by their long names and counts the others, in a notice that passes the schema', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `long${i}`);
    for (const [i, id] of ids.entries()) await t.server.admin.putUser(id, { name: `${i}`.padEnd(1000, 'N') });
    assert.equal(await create(owner, 'many', []), 'ok');
    assert.equal(await change(owner, 'many', { kind: 'invite', userIds: ids }), 'ok');
    const joined = await notice(owner, 'many', 'member-joined');
    assert.ok(v.is(SystemElemSchema, joined), 'the notice passes the schema');
    assert.ok(bytes(joined) < SMALL, `${bytes(joined)} bytes`);
    assert.deepEqual(joined.targets, ['long0', 'long1'], 'two 1,000-byte names fit');
    assert.deepEqual(joined.targetNames, [ids[0], ids[1]].map((_, i) => `${i}`.padEnd(1000, 'N')));
    assert.equal(joined.moreTargets, 98);
    assert.ok(utf8Length(joined.text) <= LIMITS.shortTextBytes);
  });

  it('keeps a group created by the site with 4,500 members to a small notice: 100 of them and a count of the rest', async () => {
    const ids = Array.from({ length: 4500 }, (_, i) => `member-${i}-`.padEnd(64, 'x'));
    for (const id of ids) await t.server.admin.putUser(id, { name: id });
    const member = await t.login(ids[0]!);
    await t.server.admin.createGroup({ id: 'huge', name: 'Everyone', members: ids });
    const created = await notice(member, 'huge', 'group-created');
    assert.ok(v.is(SystemElemSchema, created));
    assert.ok(bytes(created) < SMALL, `${bytes(created)} bytes, more than a notice needs`);
    assert.deepEqual(created.targets, ids.slice(0, 100));
    assert.equal(created.moreTargets, 4400);
  });

  it("announces a group the site creates to each member with its member count, never listing the members per member (10,000 of them ran the server out of memory)", async () => {
    const ids = Array.from({ length: 500 }, (_, i) => `counted-${i}`);
    for (const id of ids) await t.server.admin.putUser(id, { name: id });
    const member = await t.login(ids[7]!);
    // A spy on the real store: each member's announcement read the whole list to count it, 500 x 500 rows here.
    const store = t.server.core.store;
    const listGroupMembers = store.listGroupMembers.bind(store);
    const countGroupMembers = store.countGroupMembers.bind(store);
    let lists = 0;
    let counts = 0;
    store.listGroupMembers = (groupId) => (lists++, listGroupMembers(groupId));
    store.countGroupMembers = (groupId) => (counts++, countGroupMembers(groupId));
    try {
      assert.equal((await t.rest('POST', '/v1/groups', { id: 'counted', name: 'Counted', members: ids })).status, 201);
    } finally {
      store.listGroupMembers = listGroupMembers;
      store.countGroupMembers = countGroupMembers;
    }
    assert.ok(lists <= 2, `the member list was read ${lists} times for one create`);
    // Counted once for the announcements to all (a count per member was 10,000 counts of 10,000 rows: 13 s).
    assert.ok(counts <= 2, `the members were counted ${counts} times for one create`);
    const announced = await member.next('conversation.updated', (f) => f.conversation.id === 'group:counted');
    assert.equal(announced.conversation.memberCount, 500);
    const again = await t.login(ids[8]!);
    assert.equal(again.received.flatMap((f) => (f.type === 'sync.conversations' ? f.items : [])).find((c) => c.id === 'group:counted')?.memberCount, 500);
    member.close();
    again.close();
  });

  it('never leaves out just one: that one is counted with another, so "others" is always a plural', () => {
    const ids = Array.from({ length: 101 }, (_, i) => `u${i}`);
    const created = groupNotice.created({ admin: true }, 'G', ids);
    assert.deepEqual([created.targets!.length, created.moreTargets], [99, 2]);
    const names = ['a'.repeat(1000), 'b'.repeat(1000), 'c'.repeat(100)]; // two fit the names' 2 KiB, the third does not
    const joined = groupNotice.joined({ admin: true }, ['a', 'b', 'c'], names);
    assert.deepEqual([joined.targets, joined.targetNames, joined.moreTargets], [['a'], [names[0]], 2]);
    const few = groupNotice.joined({ admin: true }, ['a', 'b'], ['A', 'B']);
    assert.deepEqual([few.targets, few.targetNames, few.moreTargets], [['a', 'b'], ['A', 'B'], undefined], 'a notice that fits is left whole');
  });
});
