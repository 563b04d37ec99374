/**
 * A conversation's stored events reach every device in seq order (SPEC §2) even when they need
 * different work before they can be published: an ordinary group message waits for the group's
 * member list, a targeted one (or a change on it) already knows its recipients. A device that
 * got seq n+1 before seq n would fetch a gap that is not one.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Message } from '../../../src/protocol/index.js';
import { serverOnEachStore } from '../helpers/store-server.js';
import { cmid, createUsers, text } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';

const GROUP = 'group:order';

/** The stored events bob's device got live, in arrival order (seq 0 is online-only). */
function seqsAt(s: TestSocket): number[] {
  return s.pending('message.new').map((f) => (f.message as Message).seq).filter((seq) => seq > 0);
}

// Both stores: their commits settle differently (SQLite's writer thread, PostgreSQL's pool).
serverOnEachStore('publish order per conversation', (server) => {
  let alice: TestSocket;
  let bob: TestSocket;
  before(async () => {
    const t = server();
    await createUsers(t, 'alice', 'bob', 'carol');
    await t.rest('POST', '/v1/groups', { id: 'order', name: 'Order', members: ['alice', 'bob', 'carol'] });
    alice = await t.login('alice');
    bob = await t.login('bob');
  });

  it('publishes an ordinary and a targeted group message sent in one turn in commit order', async () => {
    // Several rounds of frames written in one go: the server reads them in one turn, one commit batch.
    for (let round = 0; round < 5; round++) {
      const frames = [];
      for (let i = 0; i < 4; i++) {
        frames.push({ type: 'message.send', clientMsgId: cmid(), conversationId: GROUP, elem: text(`all ${round}.${i}`) });
        frames.push({ type: 'message.send', clientMsgId: cmid(), conversationId: GROUP, elem: text(`bob ${round}.${i}`), receiver: 'bob' });
      }
      for (const f of frames) alice.send(f);
      // Published before acked: once alice holds every ack, bob's frames are on their way.
      for (const f of frames) await alice.next('message.ack', (a) => a.clientMsgId === f.clientMsgId);
      await bob.roundTrip();
    }
    const seqs = seqsAt(bob);
    assert.equal(seqs.length, 40);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'bob got the group in seq order');
  });

  it('publishes changes of a targeted message in commit order with ordinary messages sent in the same turn', async () => {
    const targeted = { type: 'message.send', clientMsgId: cmid(), conversationId: GROUP, elem: text('for bob'), receiver: 'bob' };
    alice.send(targeted);
    const { id } = await alice.next('message.ack', (a) => a.clientMsgId === targeted.clientMsgId);
    await bob.roundTrip();
    bob.received.length = 0;
    for (let round = 0; round < 5; round++) {
      const sends = [];
      const changes = [];
      for (let i = 0; i < 3; i++) {
        const send = { type: 'message.send', clientMsgId: cmid(), conversationId: GROUP, elem: text(`all ${round}.${i}`) };
        const change = { type: 'change.send', changeId: cmid(), conversationId: GROUP, messageId: id, change: { kind: 'edit', text: `for bob ${round}.${i}` } };
        alice.send(send);
        alice.send(change);
        sends.push(send);
        changes.push(change);
      }
      for (const f of sends) await alice.next('message.ack', (a) => a.clientMsgId === f.clientMsgId);
      for (const f of changes) await alice.next('change.ack', (a) => a.changeId === f.changeId);
      await bob.roundTrip();
    }
    const seqs = seqsAt(bob);
    assert.equal(seqs.length, 30);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'bob got messages and changes in seq order');
  });
});
