import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, createUsers, text, type TestServer } from '../helpers/test-server.js';

/** Sends `count` p2p texts `<from>#<i>` over admin REST; answers their ids, in order. */
async function sendMany(t: TestServer, from: string, to: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await t.rest('POST', '/v1/messages', { from, to, elem: text(`${from}#${i}`) });
    assert.equal(res.status, 200);
    ids.push(res.body.id as string);
  }
  return ids;
}

describe('history.fetch {around}: the page around a message', () => {
  let t: TestServer;
  let ids: string[];
  let carols: string[];
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bob', 'carol');
    ids = await sendMany(t, 'alice', 'bob', 30);
    carols = await sendMany(t, 'carol', 'bob', 2);
  });
  after(() => t.stop());

  it('answers a page that covers the message, centred on it, with hasMore', async () => {
    const s = await t.login('bob');
    s.send({ type: 'history.fetch', reqId: 'a', conversationId: 'p2p:alice', around: ids[14], limit: 10 });
    const page = await s.next('history.page', (f) => f.reqId === 'a');
    const seqs = page.messages.map((m) => m.seq);
    assert.deepEqual([page.fromSeq, page.toSeq, page.hasMore], [11, 20, true]);
    assert.deepEqual(seqs, [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    assert.ok(page.messages.some((m) => m.id === ids[14]));
    // Near the start and the end the page is cut there.
    s.send({ type: 'history.fetch', reqId: 'b', conversationId: 'p2p:alice', around: ids[29], limit: 10 });
    const last = await s.next('history.page', (f) => f.reqId === 'b');
    assert.deepEqual([last.fromSeq, last.toSeq, last.messages.at(-1)?.id], [26, 30, ids[29]]);
    s.send({ type: 'history.fetch', reqId: 'c', conversationId: 'p2p:alice', around: ids[0], limit: 10 });
    const first = await s.next('history.page', (f) => f.reqId === 'c');
    assert.deepEqual([first.fromSeq, first.hasMore, first.messages[0]?.id], [1, false, ids[0]]);
    s.close();
  });

  it('refuses an unknown id, a message of another conversation, and `around` with `before` or `after`', async () => {
    const s = await t.login('bob');
    for (const [reqId, around] of [['u', 'no-such-message'], ['x', carols[0]!]] as const) {
      s.send({ type: 'history.fetch', reqId, conversationId: 'p2p:alice', around });
      assert.equal((await s.next('error', (f) => f.reqId === reqId)).name, 'MESSAGE_UNKNOWN');
    }
    s.send({ type: 'history.fetch', reqId: 'm', conversationId: 'p2p:alice', around: ids[3], before: 10 });
    assert.equal((await s.next('error', (f) => f.reqId === 'm')).name, 'BAD_REQUEST');
    s.close();
    // alice cannot reach bob↔carol's message through her own chat with carol.
    const a = await t.login('alice');
    a.send({ type: 'history.fetch', reqId: 'c', conversationId: 'p2p:carol', around: carols[0] });
    assert.equal((await a.next('error', (f) => f.reqId === 'c')).name, 'MESSAGE_UNKNOWN');
    a.close();
  });
});
