import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Change, ConversationId, Message } from '../../../src/protocol/index.js';
import type { Store } from '../../../src/server/core/store.js';
import { createMemoryStore } from '../../../src/server/store/memory-store.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';

/** The real memory store, counting its message lookups: one `findMessage` each, one `findMessages` each batch. */
function countingStore(): { store: Store; reads: { one: number; many: number } } {
  const reads = { one: 0, many: 0 };
  const inner = createMemoryStore();
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop === 'findMessage') return (...a: Parameters<Store['findMessage']>) => { reads.one++; return target.findMessage(...a); };
      if (prop === 'findMessages') return (...a: Parameters<Store['findMessages']>) => { reads.many++; return target.findMessages(...a); };
      return v;
    },
  });
  return { store, reads };
}

async function send(s: TestSocket, conversationId: ConversationId, body: string, extra: Record<string, unknown> = {}) {
  s.send({ type: 'message.send', clientMsgId: cmid(), conversationId, elem: text(body), ...extra });
  const ack = await s.nextOf(['message.ack', 'message.error']);
  if (ack.type !== 'message.ack') assert.fail(`send refused: ${ack.name}`);
  return ack;
}

async function change(s: TestSocket, conversationId: ConversationId, messageId: string, c: Change) {
  s.send({ type: 'change.send', changeId: cmid(), conversationId, messageId, change: c });
  const r = await s.nextOf(['change.ack', 'change.error']);
  if (r.type !== 'change.ack') assert.fail(`change refused: ${r.name}`);
}

describe('message reads of pins.fetch and of quotes in history: one batch, not one lookup a message', () => {
  let t: TestServer;
  const counted = countingStore();
  before(async () => {
    t = await startServer({ store: counted.store });
    await createUsers(t, 'alice', 'bob');
    await t.rest('POST', '/v1/groups', { id: 'pinned', name: 'Pinned', members: ['alice', 'bob'] });
  });
  after(() => t.stop());

  it('reads the 50 pinned messages of a conversation in one store call, pins in the same order as before', async () => {
    const alice = await t.login('alice');
    const g = 'group:pinned' as const;
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const m = await send(alice, g, `pin me ${i}`);
      await change(alice, g, m.id, { kind: 'pin', on: true });
      ids.push(m.id);
    }
    const before = { ...counted.reads };
    alice.send({ type: 'pins.fetch', reqId: 'p', conversationId: g });
    const pins = await alice.next('pins');
    assert.deepEqual(pins.pins.map((p) => p.messageId), [...ids].reverse(), 'most recently pinned first');
    assert.deepEqual(pins.pins[0]!.quote, { messageId: ids[49], sender: 'alice', senderName: 'Alice', excerpt: 'pin me 49' });
    assert.deepEqual({ one: counted.reads.one - before.one, many: counted.reads.many - before.many }, { one: 0, many: 1 });
    alice.close();
  });

  it('marks recalled quotes of a history page with one store call for all the quoted messages', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const g = 'group:pinned' as const;
    const quoted = [];
    for (let i = 0; i < 5; i++) quoted.push(await send(alice, g, `quoted ${i}`));
    for (const q of quoted) await send(bob, g, `re ${q.id}`, { replyTo: q.id });
    await change(alice, g, quoted[1]!.id, { kind: 'recall' });
    await change(alice, g, quoted[3]!.id, { kind: 'recall' });
    const before = { ...counted.reads };
    bob.send({ type: 'history.fetch', reqId: 'h', conversationId: g, limit: 100 });
    const page = await bob.next('history.page');
    const replies = page.messages.filter((m: Message) => m.replyTo);
    assert.equal(replies.length, 5);
    assert.deepEqual(replies.map((m: Message) => Boolean(m.replyTo!.recalled)), [false, true, false, true, false]);
    assert.deepEqual({ one: counted.reads.one - before.one, many: counted.reads.many - before.many }, { one: 0, many: 1 });
    alice.close();
    bob.close();
  });
});
