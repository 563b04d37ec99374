import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cmid, createUsers, startServer, text } from '../helpers/test-server.js';

describe('server restart', () => {
  it('keeps users, groups, messages, read positions and idempotency keys in the same data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'natter-restart-'));
    const first = await startServer({ dataDir });
    await createUsers(first, 'alice', 'bob');
    await first.rest('POST', '/v1/groups', { id: 'g', name: 'G', members: ['alice', 'bob'] });
    const alice = await first.login('alice');
    const clientMsgId = cmid();
    alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text('before restart') });
    const ack = await alice.next('message.ack');
    alice.send({ type: 'conversation.read', reqId: 'r', conversationId: 'group:g', seq: 1 });
    await alice.next('ok');
    await first.stop(false);

    const second = await startServer({ dataDir });
    const bob = await second.login('bob');
    const page = await second.rest('GET', '/v1/users/bob/conversations/p2p:alice/messages');
    assert.deepEqual(page.body.messages.map((m: { id: string }) => m.id), [ack.id]);
    const list = await second.rest('GET', '/v1/users/alice/conversations');
    assert.equal(list.body.items.find((c: { id: string }) => c.id === 'group:g').readSeq, 1);
    const again = await second.login('alice');
    again.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text('before restart') });
    const dup = await again.next('message.ack');
    assert.deepEqual([dup.id, dup.seq, dup.duplicate], [ack.id, ack.seq, true]);
    bob.close();
    again.close();
    await second.stop(false);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('closes open sockets with 1001 (going away) on close', async () => {
    const t = await startServer();
    await createUsers(t, 'alice');
    const alice = await t.login('alice');
    const closing = t.server.close();
    assert.equal((await alice.closedBy()).code, 1001);
    await closing;
    await t.stop();
  });

  it('drains commits in flight on close: every acked message is in the store afterwards', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'natter-drain-'));
    const t = await startServer({ dataDir });
    await createUsers(t, 'alice', 'bob');
    const alice = await t.login('alice');
    const sent = Array.from({ length: 50 }, () => cmid());
    for (const id of sent) alice.send({ type: 'message.send', clientMsgId: id, conversationId: 'p2p:bob', elem: text(id) });
    const acks = [];
    try {
      for (;;) acks.push(await alice.next('message.ack', () => true, 500));
    } catch {
      // the server closed the socket mid-way, or all 50 were acked
    }
    void acks;
    await t.stop(false);
    const after = await startServer({ dataDir });
    const page = await after.rest('GET', '/v1/users/bob/conversations/p2p:alice/messages?limit=200');
    const stored = new Set(page.body.messages.map((m: { clientMsgId: string }) => m.clientMsgId));
    for (const a of acks) assert.ok(stored.has(a.clientMsgId));
    assert.deepEqual(page.body.messages.map((m: { seq: number }) => m.seq), Array.from({ length: stored.size }, (_, i) => i + 1));
    await after.stop(false);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
