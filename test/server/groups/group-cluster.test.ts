import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { SystemElem } from '../../../src/protocol/index.js';
import { requirePostgres, requireRedis } from '../helpers/services.js';
import { twoNodes } from '../helpers/two-nodes.js';
import { cmid, createUsers, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { change, create } from './group-helpers.js';

await requirePostgres();
await requireRedis();

const systemEvents = (s: TestSocket) =>
  s.received.flatMap((f) => (f.type === 'message.new' && f.message.elem.type === 'system' ? [[f.message.seq, (f.message.elem as SystemElem).event]] : []));

/** Group roles (SPEC §13) set on one node hold on the other: both read them from the shared store. */
describe('group actions across two nodes sharing PostgreSQL and Redis', () => {
  const nodes = twoNodes();
  let nodeA: TestServer;
  let nodeB: TestServer;
  before(async () => {
    ({ a: nodeA, b: nodeB } = nodes);
    await createUsers(nodeA, 'alice', 'bob', 'carol');
  });

  it('carol creates on node A and promotes alice; alice on node B removes bob; every device on both nodes sees the same notifications in order', async () => {
    const carol = await nodeA.login('carol');
    const alice = await nodeB.login('alice');
    const bobA = await nodeA.login('bob');
    const bobB = await nodeB.login('bob');
    assert.equal(await create(carol, 'team', ['alice', 'bob']), 'ok');
    await alice.next('conversation.updated', (f) => f.conversation.id === 'group:team');
    assert.equal(await change(alice, 'team', { kind: 'remove', userId: 'bob' }), 'GROUP_ROLE_REQUIRED', 'not an admin yet');
    assert.equal(await change(carol, 'team', { kind: 'role', userId: 'alice', role: 'admin' }), 'ok');
    assert.equal(await change(alice, 'team', { kind: 'remove', userId: 'bob' }), 'ok', 'node B sees the role node A stored');
    for (const bob of [bobA, bobB]) await bob.next('conversation.removed', (f) => f.conversationId === 'group:team');
    carol.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'group:team', elem: text('without bob') });
    await carol.next('message.ack');
    await alice.next('message.new', (f) => f.message.elem.type === 'text');
    for (const bob of [bobA, bobB]) await bob.roundTrip();
    const expected = [[1, 'group-created'], [2, 'member-promoted'], [3, 'member-removed']];
    assert.deepEqual(systemEvents(alice), expected);
    assert.deepEqual(systemEvents(bobA), expected, 'bob on node A was told he was removed');
    assert.deepEqual(systemEvents(bobB), expected, 'bob on node B too');
    for (const bob of [bobA, bobB]) assert.ok(!bob.received.some((f) => f.type === 'message.new' && f.message.elem.type === 'text'), 'nothing after his removal');
  });
});
