import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClientFrame } from '../../../src/protocol/index.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';

/** Sends and waits for this send's ack or error. */
async function sendAndSettle(s: TestSocket, frame: Omit<Extract<ClientFrame, { type: 'message.send' }>, 'clientMsgId'>) {
  const clientMsgId = cmid();
  s.send({ ...frame, clientMsgId } as ClientFrame);
  // One send at a time per socket, so the next ack or error is this send's.
  const frameOf = await s.nextOf(['message.ack', 'message.error']);
  assert.equal(frameOf.clientMsgId, clientMsgId);
  return frameOf as unknown as { type: 'message.ack'; id: string; seq: number; time: number } | { type: 'message.error'; name: string };
}

function ackOf(f: Awaited<ReturnType<typeof sendAndSettle>>) {
  assert.equal(f.type, 'message.ack', `expected an ack, got ${JSON.stringify(f)}`);
  return f as { id: string; seq: number; time: number };
}

describe('forwarding (server checks)', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bob', 'carol', 'dave');
    await t.rest('POST', '/v1/groups', { id: 'crew', name: 'Crew', members: ['alice', 'bob', 'carol', 'dave'] });
  });
  after(() => t.stop());

  it('records forwardedFrom: original sender, name, conversation and time; a forward of a forward keeps the original', async () => {
    const bob = await t.login('bob');
    const alice = await t.login('alice');
    const original = ackOf(await sendAndSettle(bob, { type: 'message.send', conversationId: 'p2p:alice', elem: text('from bob') }));
    const first = ackOf(await sendAndSettle(alice, { type: 'message.send', conversationId: 'p2p:carol', forward: { conversationId: 'p2p:bob', messageIds: [original.id] } }));
    const carol = await t.login('carol');
    const page = await t.rest('GET', `/v1/users/carol/conversations/p2p:alice/messages?before=${first.seq + 1}&limit=1`);
    const fwd = page.body.messages[0];
    assert.deepEqual(fwd.elem, text('from bob'));
    assert.equal(fwd.sender, 'alice');
    assert.deepEqual(fwd.forwardedFrom, { sender: 'bob', senderName: 'Bob', conversationId: 'p2p:bob', messageId: original.id, time: original.time });

    const second = ackOf(await sendAndSettle(carol, { type: 'message.send', conversationId: 'group:crew', forward: { conversationId: 'p2p:alice', messageIds: [fwd.id] } }));
    const again = (await t.rest('GET', `/v1/users/dave/conversations/group:crew/messages?before=${second.seq + 1}&limit=1`)).body.messages[0];
    assert.equal(again.forwardedFrom.sender, 'bob');
    assert.equal(again.forwardedFrom.messageId, original.id);
    for (const s of [alice, bob, carol]) s.close();
  });

  it('refuses a call event with NOT_FORWARDABLE, alone or inside a merge', async () => {
    const alice = await t.login('alice');
    const call = ackOf(await sendAndSettle(alice, { type: 'message.send', conversationId: 'p2p:bob', elem: { type: 'call', media: 'audio', action: 'missed' } }));
    const plain = ackOf(await sendAndSettle(alice, { type: 'message.send', conversationId: 'p2p:bob', elem: text('plain') }));
    const one = await sendAndSettle(alice, { type: 'message.send', conversationId: 'p2p:carol', forward: { conversationId: 'p2p:bob', messageIds: [call.id] } });
    assert.equal(one.type === 'message.error' && one.name, 'NOT_FORWARDABLE');
    const merged = await sendAndSettle(alice, { type: 'message.send', conversationId: 'p2p:carol', forward: { conversationId: 'p2p:bob', messageIds: [plain.id, call.id], merge: { title: 'mix' } } });
    assert.equal(merged.type === 'message.error' && merged.name, 'NOT_FORWARDABLE');
    alice.close();
  });

  it('refuses a system notification posted over REST with NOT_FORWARDABLE', async () => {
    const posted = await t.rest('POST', '/v1/messages', { from: 'alice', groupId: 'crew', elem: { type: 'system', event: 'custom', text: 'Maintenance tonight' } });
    assert.equal(posted.status, 200);
    const bob = await t.login('bob');
    const refused = await sendAndSettle(bob, { type: 'message.send', conversationId: 'p2p:alice', forward: { conversationId: 'group:crew', messageIds: [posted.body.id] } });
    assert.equal(refused.type === 'message.error' && refused.name, 'NOT_FORWARDABLE');
    bob.close();
  });

  it('lets only the receiver (and sender) forward a targeted group message; other members get MESSAGE_UNKNOWN', async () => {
    const alice = await t.login('alice');
    const psst = ackOf(await sendAndSettle(alice, { type: 'message.send', conversationId: 'group:crew', elem: text('for bob only'), receiver: 'bob' }));
    const carol = await t.login('carol');
    const bob = await t.login('bob');
    const byCarol = await sendAndSettle(carol, { type: 'message.send', conversationId: 'p2p:dave', forward: { conversationId: 'group:crew', messageIds: [psst.id] } });
    assert.equal(byCarol.type === 'message.error' && byCarol.name, 'MESSAGE_UNKNOWN');
    ackOf(await sendAndSettle(bob, { type: 'message.send', conversationId: 'p2p:dave', forward: { conversationId: 'group:crew', messageIds: [psst.id] } }));
    for (const s of [alice, bob, carol]) s.close();
  });

  it('refuses to let a user forward a message from someone they blocked (it was never visible to them)', async () => {
    const dave = await t.login('dave');
    // A visible message first, so carol holds the conversation and only visibility can refuse.
    ackOf(await sendAndSettle(dave, { type: 'message.send', conversationId: 'p2p:carol', elem: text('hello carol') }));
    await t.rest('PUT', '/v1/users/carol/blocklist/dave');
    const hidden = ackOf(await sendAndSettle(dave, { type: 'message.send', conversationId: 'p2p:carol', elem: text('you blocked me') }));
    const carol = await t.login('carol');
    const refused = await sendAndSettle(carol, { type: 'message.send', conversationId: 'p2p:alice', forward: { conversationId: 'p2p:dave', messageIds: [hidden.id] } });
    assert.equal(refused.type === 'message.error' && refused.name, 'MESSAGE_UNKNOWN');
    await t.rest('DELETE', '/v1/users/carol/blocklist/dave');
    for (const s of [carol, dave]) s.close();
  });

  it('refuses a forward from a group the forwarder is no longer in with NOT_MEMBER', async () => {
    const bob = await t.login('bob');
    const said = ackOf(await sendAndSettle(bob, { type: 'message.send', conversationId: 'group:crew', elem: text('team secret') }));
    await t.rest('DELETE', '/v1/groups/crew/members/dave');
    const dave = await t.login('dave');
    const refused = await sendAndSettle(dave, { type: 'message.send', conversationId: 'p2p:bob', forward: { conversationId: 'group:crew', messageIds: [said.id] } });
    assert.equal(refused.type === 'message.error' && refused.name, 'NOT_MEMBER');
    for (const s of [bob, dave]) s.close();
  });
});
