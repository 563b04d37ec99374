import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { PROTOCOL_VERSION, type ConversationId } from '../../../src/protocol/index.js';
import { requirePostgres, requireRedis } from '../helpers/services.js';
import { twoNodes, type TwoNodes } from '../helpers/two-nodes.js';
import { cmid, createUsers, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { change, create } from '../groups/group-helpers.js';

await requirePostgres();
await requireRedis();

/** Sends one text and answers `ok` (acked) or the refusal's name. */
async function send(s: TestSocket, conversationId: ConversationId, body: string): Promise<string> {
  const clientMsgId = cmid();
  s.send({ type: 'message.send', clientMsgId, conversationId, elem: text(body) });
  const answer = await s.nextOf(['message.ack', 'message.error']);
  assert.equal(answer.clientMsgId, clientMsgId);
  return answer.type === 'message.ack' ? 'ok' : answer.name;
}

/** Sends twice, so the node holds what the send checks (the second is answered from memory). */
async function warm(s: TestSocket, conversationId: ConversationId): Promise<void> {
  for (const body of ['warm 1', 'warm 2']) assert.equal(await send(s, conversationId, body), 'ok');
}

const texts = (s: TestSocket) => s.received.flatMap((f) => (f.type === 'message.new' && f.message.elem.type === 'text' ? [f.message.elem.text] : []));

/**
 * Node A holds the facts its sends check between turns (the PostgreSQL store's held facts);
 * node B changes them. SPEC §6: a permission change takes effect at once on every node, so the
 * first send on node A after node B answered is already refused.
 */
function suite(nodes: TwoNodes): void {
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    ({ a, b } = nodes);
    await createUsers(a, 'owner', 'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hank');
    // Friends-only mode: these pairs may message (and the owner add the others to groups).
    for (const [x, y] of [['owner', 'alice'], ['owner', 'bob'], ['owner', 'carol'], ['dave', 'erin'], ['erin', 'frank']]) {
      assert.equal((await a.rest('PUT', `/v1/users/${x}/friends/${y}`)).status, 204);
    }
  });

  it('a member removed on node B can no longer send on node A, nor receive what is sent there; added back, she can again', async () => {
    const owner = await b.login('owner');
    assert.equal(await create(owner, 'crew', ['alice', 'bob']), 'ok');
    const alice = await a.login('alice');
    const bob = await a.login('bob');
    await warm(alice, 'group:crew');
    await warm(bob, 'group:crew');
    assert.equal(await change(owner, 'crew', { kind: 'remove', userId: 'alice' }), 'ok');
    assert.equal(await send(alice, 'group:crew', 'after removal'), 'NOT_MEMBER');
    assert.equal(await send(bob, 'group:crew', 'not for alice'), 'ok');
    await alice.roundTrip();
    assert.ok(!texts(alice).includes('not for alice'), 'node A fanned out to the member list node B changed');
    assert.equal(await change(owner, 'crew', { kind: 'invite', userIds: ['alice'] }), 'ok');
    assert.equal(await send(alice, 'group:crew', 'back'), 'ok', 'node A no longer holds that she is not a member');
  });

  it('a mute in a group set on node B refuses the next send on node A', async () => {
    const owner = await b.login('owner');
    assert.equal(await create(owner, 'quiet', ['carol']), 'ok');
    const carol = await a.login('carol');
    await warm(carol, 'group:quiet');
    assert.equal((await b.rest('PUT', '/v1/users/carol/mute', { groupId: 'quiet' })).status, 200);
    assert.equal(await send(carol, 'group:quiet', 'muted?'), 'MUTED');
    assert.equal((await b.rest('DELETE', '/v1/users/carol/mute?groupId=quiet')).status, 204);
    assert.equal(await send(carol, 'group:quiet', 'unmuted'), 'ok');
  });

  it('a ban set on node B refuses a new session on node A at once', async () => {
    const dave = await a.login('dave');
    await warm(dave, 'p2p:erin');
    assert.equal((await b.rest('PUT', '/v1/users/dave/ban', {})).status, 200);
    await dave.closedBy();
    const again = await a.connect();
    again.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await a.token('dave') });
    assert.equal((await again.next('error')).name, 'USER_BANNED');
    await b.rest('DELETE', '/v1/users/dave/ban');
  });

  it('a block made on node B refuses the blocked sender on node A at once, and its lifting lets them through', async () => {
    const frank = await b.login('frank');
    const erin = await a.login('erin');
    await warm(erin, 'p2p:frank');
    frank.send({ type: 'blocklist.add', userId: 'erin', reqId: 'block' });
    await frank.next('ok', (f) => f.reqId === 'block');
    assert.equal(await send(erin, 'p2p:frank', 'blocked?'), 'BLOCKED');
    frank.send({ type: 'blocklist.remove', userId: 'erin', reqId: 'unblock' });
    await frank.next('ok', (f) => f.reqId === 'unblock');
    assert.equal(await send(erin, 'p2p:frank', 'unblocked'), 'ok');
  });

  it('a friendship ended on node B refuses the next send on node A (friends-only)', async () => {
    assert.equal((await b.rest('PUT', '/v1/users/gina/friends/hank')).status, 204);
    const gina = await a.login('gina');
    await warm(gina, 'p2p:hank');
    assert.equal((await b.rest('DELETE', '/v1/users/gina/friends/hank')).status, 204);
    assert.equal(await send(gina, 'p2p:hank', 'still friends?'), 'NOT_FRIENDS');
  });
}

describe('permission changes on node B apply at once to sends on node A (PostgreSQL + Redis)', () => {
  suite(twoNodes({ blockedSenderSeesError: true, friendsOnly: true }));
});
