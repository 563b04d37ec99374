import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectClient, synced, useTestServer } from './real-server.js';

const ctx = useTestServer();
const { uid, track } = ctx;

/** Sends `count` texts `#<i>` from `from` to `to` over admin REST; answers their ids. */
async function seed(from: string, to: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await ctx.srv.admin('POST', '/v1/messages', { from, to, elem: { type: 'text', text: `#${i}` } });
    assert.equal(res.ok, true);
    ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}

describe('client.loadAround', () => {
  test('brings in the page around a message not held yet and everything between it and the held window', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    await ctx.srv.token(a);
    await ctx.srv.token(b);
    const ids = await seed(b, a, 650);
    const alice = track(connectClient(ctx.srv, await ctx.srv.token(a)));
    await synced(alice);
    const conversation = `p2p:${b}` as const;
    const before = alice.messages(conversation).get().length;
    assert.ok(before < 650, `a fresh device holds the newest messages only (${before})`);

    assert.equal(await alice.loadAround(conversation, ids[7]!), true);
    const seqs = alice.messages(conversation).get().map((m) => m.seq);
    assert.ok(alice.messages(conversation).get().some((m) => m.id === ids[7]));
    // One contiguous run of seqs from the page around #7 to the newest.
    assert.ok(seqs[0]! <= 8);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
    assert.equal(seqs.at(-1), 650);
    // Held already: no request, true.
    assert.equal(await alice.loadAround(conversation, ids[300]!), true);
    await assert.rejects(alice.loadAround(conversation, 'no-such-message'), { name: 'MESSAGE_UNKNOWN' });
  });
});
