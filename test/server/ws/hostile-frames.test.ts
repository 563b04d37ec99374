/**
 * Issue 15 over real sockets: a frame nested deep enough to exhaust the validator's stack is
 * refused (before login, without a token or Origin) and the process stays up; a core that
 * throws or rejects costs one error answer, not the process; a merger elem a client wrote
 * (forged chat history) is refused, MERGER_FORGED; and forwarding past LIMITS.mergerDepth
 * levels of merged forwards is refused, MERGER_TOO_DEEP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LIMITS, PROTOCOL_VERSION, type ClientFrame, type Elem } from '../../../src/protocol/index.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';

/** The send of the issue: `e = 1; repeat depth: e = {type: merger, messages: [{elem: e}]}`, as text (about 40 bytes a level). */
function deepMergerSend(depth: number): string {
  const e = '{"type":"merger","messages":[{"elem":'.repeat(depth) + '1' + '}]}'.repeat(depth);
  return `{"type":"message.send","clientMsgId":"abcdefgh12","conversationId":"p2p:x","elem":${e}}`;
}

describe('hostile frames (issue 15)', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bob', 'carol');
  });
  after(() => t.stop());

  /** Bob's send to carol is acked: the server, and a connection of another user, still work. */
  async function othersStillServed(): Promise<void> {
    const bob = await t.login('bob');
    const clientMsgId = cmid();
    bob.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:carol', elem: text('still here') });
    await bob.next('message.ack', (f) => f.clientMsgId === clientMsgId, 10_000);
    bob.close();
  }

  it('refuses a send nesting mergers 750 and 5,000 levels deep, before login, with BAD_FRAME for that clientMsgId, and keeps serving', async () => {
    const anonymous = await t.connect();
    for (const depth of [750, 5000]) {
      const raw = deepMergerSend(depth);
      assert.ok(raw.length < LIMITS.frameBytes);
      anonymous.sendRaw(raw);
      const err = await anonymous.next('message.error', undefined, 10_000);
      assert.deepEqual([err.name, err.clientMsgId, err.conversationId], ['BAD_FRAME', 'abcdefgh12', 'p2p:x']);
      assert.match(err.message, /deeper than/);
    }
    // The same socket can still log in and send.
    anonymous.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('alice') });
    await anonymous.next('sync.done');
    anonymous.sendRaw(deepMergerSend(2000));
    assert.equal((await anonymous.next('message.error')).name, 'BAD_FRAME');
    const clientMsgId = cmid();
    anonymous.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text('after the deep one') });
    await anonymous.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    anonymous.close();
    await othersStillServed();
  });

  it('answers a frame whose handler throws or rejects with an error for that request, and keeps the socket and the others', async () => {
    const core = t.server.core;
    const original = core.handleFrame.bind(core);
    // Fault injection: the real core, made to fail for frames the test marks.
    core.handleFrame = ((conn, frame) => {
      if (frame.type === 'ping' && frame.reqId === 'throw') throw new Error('injected synchronous bug');
      if (frame.type === 'ping' && frame.reqId === 'reject') return Promise.reject(new Error('injected asynchronous bug'));
      if (frame.type === 'message.send' && frame.conversationId === 'p2p:carol') return Promise.reject(new TypeError('injected send bug'));
      return original(conn, frame);
    }) as typeof core.handleFrame;
    try {
      const alice = await t.login('alice');
      for (const reqId of ['throw', 'reject']) {
        alice.send({ type: 'ping', reqId });
        const err = await alice.next('error', (f) => f.reqId === reqId, 10_000);
        assert.equal(err.name, 'INTERNAL');
        assert.doesNotMatch(err.message, /injected/, 'no detail of the failure leaks');
      }
      const failing = cmid();
      alice.send({ type: 'message.send', clientMsgId: failing, conversationId: 'p2p:carol', elem: text('x') });
      const sendErr = await alice.next('message.error', (f) => f.clientMsgId === failing, 10_000);
      assert.deepEqual([sendErr.name, sendErr.conversationId], ['INTERNAL', 'p2p:carol']);
      // The socket goes on: a ping and a send after the failures are answered.
      alice.send({ type: 'ping', reqId: 'after' });
      await alice.next('pong', (f) => f.reqId === 'after');
      const ok = cmid();
      alice.send({ type: 'message.send', clientMsgId: ok, conversationId: 'p2p:bob', elem: text('fine') });
      await alice.next('message.ack', (f) => f.clientMsgId === ok);
      alice.close();
    } finally {
      core.handleFrame = original;
    }
    await othersStillServed();
  });

  it('refuses a merger elem a client wrote (forged chat history) with MERGER_FORGED and delivers nothing', async () => {
    const alice = await t.login('alice');
    const carol = await t.login('carol');
    const fake = (sender: string, elem: Elem) => ({ id: 'fake1', conversationId: 'p2p:carol' as const, seq: 1, clientMsgId: 'cmfake0001', sender, senderProfile: { name: sender }, time: 1, elem });
    const forged: Elem[] = [
      { type: 'merger', title: 'Chat with Bob', abstractList: ['Bob: please send the admin password'], messages: [fake('bob', text('please send the admin password'))] },
      { type: 'merger', title: 'Notice', abstractList: ['Security team'], messages: [fake('system', { type: 'system', event: 'custom', text: 'Your account is locked: reply with your password.' })] },
    ];
    for (const elem of forged) {
      const clientMsgId = cmid();
      alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:carol', elem });
      const err = await alice.next('message.error', (f) => f.clientMsgId === clientMsgId);
      assert.equal(err.name, 'MERGER_FORGED');
      assert.equal(err.code, 4006);
    }
    // Nothing reached carol or her history.
    const marker = cmid();
    alice.send({ type: 'message.send', clientMsgId: marker, conversationId: 'p2p:carol', elem: text('a real one') });
    const delivered = await carol.next('message.new', (f) => f.message.sender === 'alice');
    assert.equal(delivered.message.clientMsgId, marker, 'the forged ones were not delivered before it');
    const stored = (await t.rest('GET', '/v1/users/carol/conversations/p2p:alice/messages?limit=50')).body.messages as { elem: Elem }[];
    assert.deepEqual(stored.filter((m) => m.elem.type === 'merger'), []);
    // Admins send text and system notifications over REST; a merger body is refused there too.
    const rest = await t.rest('POST', '/v1/messages', { from: 'alice', to: 'carol', elem: forged[0] });
    assert.equal(rest.status, 400);
    alice.close();
    carol.close();
  });

  it(`forwards merged chat history up to ${LIMITS.mergerDepth} levels deep and refuses one more level with MERGER_TOO_DEEP`, async () => {
    const alice = await t.login('alice');
    const settle = async (frame: Record<string, unknown>) => {
      const clientMsgId = cmid();
      alice.send({ ...frame, type: 'message.send', clientMsgId } as ClientFrame);
      const f = await alice.nextOf(['message.ack', 'message.error'], 10_000);
      assert.equal(f.clientMsgId, clientMsgId);
      return f;
    };
    const first = await settle({ conversationId: 'p2p:bob', elem: text('the start') });
    assert.equal(first.type, 'message.ack');
    let id = (first as { id: string }).id;
    for (let level = 1; level <= LIMITS.mergerDepth; level++) {
      const f = await settle({ conversationId: 'p2p:bob', forward: { conversationId: 'p2p:bob', messageIds: [id], merge: { title: `level ${level}` } } });
      assert.equal(f.type, 'message.ack', `level ${level}: ${JSON.stringify(f)}`);
      id = (f as { id: string }).id;
    }
    const deeper = await settle({ conversationId: 'p2p:bob', forward: { conversationId: 'p2p:bob', messageIds: [id], merge: { title: 'one too many' } } });
    assert.deepEqual([deeper.type, (deeper as { name?: string }).name], ['message.error', 'MERGER_TOO_DEEP']);
    // Forwarding the deepest one as it is (not merged again) keeps its depth and is fine.
    const asIs = await settle({ conversationId: 'p2p:carol', forward: { conversationId: 'p2p:bob', messageIds: [id] } });
    assert.equal(asIs.type, 'message.ack');
    alice.close();
  });
});
