import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LIMITS, PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';

describe('frames the server refuses', () => {
  let t: TestServer;
  let alice: TestSocket;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bob');
    alice = await t.login('alice');
  });
  after(() => t.stop());

  /** The connection still works: a real send is acked afterwards. */
  async function stillWorks(): Promise<void> {
    const clientMsgId = cmid();
    alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text('still here') });
    await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId);
  }

  it('answers malformed JSON with BAD_FRAME and keeps the connection', async () => {
    alice.sendRaw('{not json');
    assert.equal((await alice.next('error')).name, 'BAD_FRAME');
    await stillWorks();
  });

  it('answers an unknown frame type with BAD_FRAME (echoing reqId) and keeps the connection', async () => {
    alice.send({ type: 'message.explode', reqId: 'q1' });
    const err = await alice.next('error');
    assert.deepEqual([err.name, err.reqId], ['BAD_FRAME', 'q1']);
    await stillWorks();
  });

  it('answers a known frame of the wrong shape with BAD_FRAME and keeps the connection', async () => {
    alice.send({ type: 'history.fetch', reqId: 'q2', conversationId: 'nonsense' });
    const err = await alice.next('error');
    assert.deepEqual([err.name, err.reqId], ['BAD_FRAME', 'q2']);
    await stillWorks();
  });

  it('answers a binary frame with BAD_FRAME and keeps the connection', async () => {
    alice.sendRaw(Buffer.from([1, 2, 3]));
    assert.equal((await alice.next('error')).name, 'BAD_FRAME');
    await stillWorks();
  });

  it('answers an oversize text with message.error MESSAGE_TOO_LARGE for that clientMsgId and keeps the connection', async () => {
    const clientMsgId = cmid();
    alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text('x'.repeat(LIMITS.textBytes + 1)) });
    const err = await alice.next('message.error');
    assert.deepEqual([err.name, err.clientMsgId], ['MESSAGE_TOO_LARGE', clientMsgId]);
    await stillWorks();
  });

  it('answers a frame over LIMITS.frameBytes (under the hard cap) with FRAME_TOO_LARGE and keeps the connection', async () => {
    alice.send({ type: 'ping', reqId: 'big', pad: 'x'.repeat(LIMITS.frameBytes) });
    const err = await alice.next('error');
    assert.deepEqual([err.name, err.reqId], ['FRAME_TOO_LARGE', 'big']);
    await stillWorks();
  });

  it('closes a socket that sends a frame above the hard cap with 1009', async () => {
    const s = await t.login('bob');
    s.sendRaw('x'.repeat(2 * 1024 * 1024));
    assert.equal((await s.closedBy()).code, 1009);
  });

  it('answers frames before session.open with UNAUTHENTICATED and keeps the connection', async () => {
    const s = await t.connect();
    s.send({ type: 'history.fetch', reqId: 'early', conversationId: 'p2p:bob' });
    const err = await s.next('error');
    assert.deepEqual([err.name, err.reqId], ['UNAUTHENTICATED', 'early']);
    s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('bob') });
    await s.next('sync.done');
    s.close();
  });

  it('answers another protocol version with PROTOCOL_MISMATCH', async () => {
    const s = await t.connect();
    s.send({ type: 'session.open', protocol: PROTOCOL_VERSION + 1, token: await t.token('bob') });
    assert.equal((await s.next('error')).name, 'PROTOCOL_MISMATCH');
    s.close();
  });

  it('handles frames sent right behind session.open after the session is open', async () => {
    const s = await t.connect();
    s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('bob') });
    s.send({ type: 'ping', reqId: 'right-after' });
    assert.equal((await s.next('pong')).reqId, 'right-after');
    assert.equal(s.pending('error').length, 0);
    s.close();
  });

  it('closes a connection that never opens a session', async () => {
    const quick = await startServer({ authTimeoutMs: 50 });
    const s = await quick.connect();
    assert.equal((await s.closedBy()).code, 4401);
    await quick.stop();
  });
});
