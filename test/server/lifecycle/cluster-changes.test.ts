import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../../src/protocol/index.js';
import { requirePostgres, requireRedis } from '../helpers/services.js';
import { twoNodes } from '../helpers/two-nodes.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';

await requirePostgres();
await requireRedis();

/** Changes (SPEC §9) made concurrently on two nodes sharing PostgreSQL and Redis. */
describe('changes across two nodes sharing PostgreSQL and Redis', () => {
  const nodes = twoNodes({ sendsPerMinute: 100_000 });
  let nodeA: TestServer;
  let nodeB: TestServer;
  before(async () => {
    ({ a: nodeA, b: nodeB } = nodes);
    await createUsers(nodeA, 'alice', 'bob', 'carol');
    await nodeB.rest('POST', '/v1/groups', { id: 'team', name: 'Team', members: ['alice', 'bob', 'carol'] });
  });

  it('delivers concurrent changes from both nodes to watchers on both in the same order, with counts that add up', async () => {
    const alice = await nodeA.login('alice');
    const bob = await nodeB.login('bob');
    const watchers = [await nodeA.login('carol'), await nodeB.login('carol')];
    const clientMsgId = cmid();
    alice.send({ type: 'message.send', clientMsgId, conversationId: 'group:team', elem: text('react to me') });
    const target = await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId);
    for (const w of watchers) await w.next('message.new', (f) => f.message.id === target.id);

    // Each of alice (node A) and bob (node B) toggles three emojis on and off, all at once.
    const emojis = ['👍', '🎉', '❤️'];
    const plan = (s: TestSocket) => emojis.flatMap((emoji) => [true, false, true].map((on) => ({ s, emoji, on })));
    const steps = [...plan(alice), ...plan(bob)];
    for (const { s, emoji, on } of steps) s.send({ type: 'change.send', changeId: cmid(), conversationId: 'group:team', messageId: target.id, change: { kind: 'reaction', emoji, on } });
    // And alice edits it on node A meanwhile.
    alice.send({ type: 'change.send', changeId: cmid(), conversationId: 'group:team', messageId: target.id, change: { kind: 'edit', text: 'edited across nodes' } });
    const total = steps.length + 1;
    for (const s of [alice, bob]) {
      const mine = s === alice ? steps.length / 2 + 1 : steps.length / 2;
      for (let i = 0; i < mine; i++) assert.equal((await s.nextOf(['change.ack', 'change.error'])).type, 'change.ack');
    }

    const seen = await Promise.all(watchers.map(async (w) => {
      const events: Message[] = [];
      for (let i = 0; i < total; i++) events.push((await w.next('message.new', (f) => f.message.elem.type === 'change', 30_000)).message);
      return events;
    }));
    // Live events reach a node in the order the nodes published them, which across nodes need not
    // be seq order (A commits seq 5, B commits 6 and publishes first): the client holds what runs
    // ahead and fills the gap (test/client/sync-gap.test.ts), which is where SPEC §2's order is kept.
    // What the server owes: the same events on both nodes, each once, gapless in seq.
    const bySeq = seen.map((events) => [...events].sort((x, y) => x.seq - y.seq));
    const shape = (events: Message[]) => events.map((m) => [m.seq, m.sender, m.elem.type === 'change' ? m.elem.change : null]);
    assert.deepEqual(shape(bySeq[0]!), shape(bySeq[1]!), 'both nodes deliver the same changes');
    const seqs = bySeq[0]!.map((m) => m.seq);
    assert.equal(new Set(seqs).size, total, 'each once');
    assert.equal(seqs[seqs.length - 1]! - seqs[0]!, total - 1, 'gapless');
    // Each reaction event's count follows from the ones before it in seq (taken in turn on the conversation row).
    const users = new Map<string, Set<string>>();
    for (const m of bySeq[0]!) {
      if (m.elem.type !== 'change' || m.elem.change.kind !== 'reaction') continue;
      const set = users.get(m.elem.change.emoji) ?? new Set<string>();
      if (m.elem.change.on) set.add(m.sender);
      else set.delete(m.sender);
      users.set(m.elem.change.emoji, set);
      assert.equal(m.elem.change.count, set.size, `count after seq ${m.seq}`);
    }
    // Both nodes page the same aggregated message: every emoji ends on, by both.
    const pages = await Promise.all([nodeA, nodeB].map((n) => n.rest('GET', '/v1/users/carol/conversations/group:team/messages')));
    const folded = pages.map((p) => p.body.messages.find((m: Message) => m.id === target.id));
    assert.deepEqual(folded[0], folded[1]);
    assert.deepEqual(folded[0].elem, text('edited across nodes'));
    assert.deepEqual(folded[0].reactions.map((r: { emoji: string; count: number }) => [r.emoji, r.count]).sort(), emojis.map((e) => [e, 2]).sort());
    assert.equal(folded[0].changeSeq, seqs[seqs.length - 1]);
    for (const s of [alice, bob, ...watchers]) s.close();
  });
});
