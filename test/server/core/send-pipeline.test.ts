import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { after, before, describe, it } from 'node:test';
import { PROTOCOL_VERSION, type ClientFrame, type ConversationId } from '../../../src/protocol/index.js';
import type { Connection } from '../../../src/server/core/connection.js';
import { createUsers, startServer, type TestServer } from '../helpers/test-server.js';

/** A connection of the core's own (what the gateway gives it) that keeps what it is sent. */
function connection(id: string): Connection & { frames: any[] } {
  const frames: any[] = [];
  return { id, frames, send: (data: string) => void frames.push(JSON.parse(data)), close: () => {} };
}

describe('the send pipeline (one object per send from its frame to its answer)', () => {
  let t: TestServer;
  const users = Array.from({ length: 20 }, (_, i) => `pipe${i}`);
  const conns = users.map((u) => connection(`conn-${u}`));
  let n = 0;

  before(async () => {
    t = await startServer();
    await createUsers(t, ...users);
    const res = await t.rest('POST', '/v1/groups', { id: 'pipes', name: 'Pipes', members: users });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    for (const [i, u] of users.entries()) {
      await t.server.core.handleFrame(conns[i]!, { type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token(u) });
    }
  });
  after(() => t.stop());

  /** `count` plain text sends in one turn, half to the group and half 1:1; resolves when every one is answered. */
  function sendTurn(count: number, clientMsgId = () => `pipe${(n++).toString(36)}`): Promise<void[]> {
    return Promise.all(Array.from({ length: count }, (_, i) => {
      const u = i % users.length;
      const conversationId: ConversationId = i % 2 === 0 ? 'group:pipes' : `p2p:${users[(u + 1) % users.length]!}`;
      const frame: ClientFrame = { type: 'message.send', clientMsgId: clientMsgId(), conversationId, elem: { type: 'text', text: `hello ${i}` } };
      return t.server.core.handleFrame(conns[u]!, frame);
    }));
  }

  it('answers each send of one commit with its own outcome: acks by clientMsgId, seqs in order per conversation, a reused id refused alone', async () => {
    for (const c of conns) c.frames.length = 0;
    const ids: string[] = [];
    await sendTurn(40, () => {
      const id = `order${(n++).toString(36)}`;
      ids.push(id);
      return id;
    });
    const acks = new Map(conns.flatMap((c) => c.frames.filter((f) => f.type === 'message.ack').map((a) => [a.clientMsgId as string, a])));
    assert.deepEqual([...acks.keys()].sort(), [...ids].sort());
    // Even sends went to the group: their seqs follow the order they were sent in.
    const groupSeqs = ids.filter((_, i) => i % 2 === 0).map((id) => acks.get(id)!.seq as number);
    assert.equal(new Set(groupSeqs).size, 20);
    assert.deepEqual(groupSeqs, [...groupSeqs].sort((a, b) => a - b));

    // The same clientMsgId again in another conversation, beside a fresh send, in one turn: only it is refused.
    for (const c of conns) c.frames.length = 0;
    const reused: ClientFrame = { type: 'message.send', clientMsgId: ids[0]!, conversationId: `p2p:${users[5]}`, elem: { type: 'text', text: 'elsewhere' } };
    const fresh: ClientFrame = { type: 'message.send', clientMsgId: `order${(n++).toString(36)}`, conversationId: 'group:pipes', elem: { type: 'text', text: 'fresh' } };
    await Promise.all([t.server.core.handleFrame(conns[0]!, reused), t.server.core.handleFrame(conns[0]!, fresh)]);
    const answers = conns[0]!.frames.filter((f) => f.type === 'message.ack' || f.type === 'message.error');
    assert.deepEqual(answers.map((f) => [f.type, f.clientMsgId, f.name]), [
      ['message.error', reused.clientMsgId, 'CLIENT_MSG_ID_REUSED'],
      ['message.ack', fresh.clientMsgId, undefined],
    ]);
  });

  it('makes about one promise a send on the event loop (each held until the commit was garbage copied by every scavenge)', async () => {
    await sendTurn(100); // warm: member lists and facts read
    let promises = 0;
    const hook = createHook({ init: (_id, type) => void (type === 'PROMISE' && promises++) });
    hook.enable();
    try {
      await sendTurn(200);
    } finally {
      hook.disable();
    }
    // The test's own Promise.all makes one a send. The send's: the promise the gateway waits on; a
    // commit batch's few are shared by its sends, and the in-process bus answers PUBLISHED. Before
    // this pipeline: 9.2 a send (3.2 without PUBLISHED).
    const ofSends = (promises - 200) / 200;
    assert.ok(ofSends <= 1.5, `${ofSends.toFixed(2)} promises a send`);
  });
});
