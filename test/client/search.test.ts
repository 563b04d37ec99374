import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClientSearch } from '../../src/client/index.js';
import { connectClient, createNetwork, synced, takeOffline, until, useTestServer } from './real-server.js';

const ctx = useTestServer();
const { uid, track } = ctx;

async function seed(from: string, to: string, texts: string[]): Promise<void> {
  for (const text of texts) {
    const res = await ctx.srv.admin('POST', '/v1/messages', { from, to, elem: { type: 'text', text } });
    assert.equal(res.ok, true);
  }
}
const settled = async (s: ClientSearch) => {
  await until(() => s.$state.get().status !== 'loading', 'search answered');
  return s.$state.get();
};
/** The texts of a search state's results, in order. */
const texts = (st: { results: { message: { elem: unknown } }[] }) => st.results.map((r) => (r.message.elem as { text: string }).text);

describe('client.search (SPEC §12)', () => {
  test('asks the server, as a store filled page by page, newest first, with snippets', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    await ctx.srv.token(a);
    await ctx.srv.token(b);
    await seed(a, b, ['the zebra crossing', 'no match here', '一只斑马在跑', 'zebra again', 'zebra three']);
    const bob = track(connectClient(ctx.srv, await ctx.srv.token(b)));
    await synced(bob);
    const s = await bob.search('zebra', { limit: 2 });
    const first = await settled(s);
    assert.equal(first.source, 'server');
    assert.deepEqual(texts(s.$state.get()), ['zebra three', 'zebra again']);
    assert.equal(first.hasMore, true);
    await s.more();
    assert.deepEqual(texts(s.$state.get()), ['zebra three', 'zebra again', 'the zebra crossing']);
    assert.equal(s.$state.get().hasMore, false);
    const cjk = await settled(await bob.search('斑马', { conversationId: `p2p:${a}` }));
    assert.deepEqual(cjk.results.map((r) => r.snippet), [{ text: '一只斑马在跑', marks: [[2, 4]] }]);
    const bad = await settled(await bob.search('  '));
    assert.equal(bad.status, 'failed');
    assert.equal(bad.error?.name, 'SEARCH_QUERY_INVALID');
  });

  test('offline, searches the messages this device holds and says so', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    await ctx.srv.token(a);
    await ctx.srv.token(b);
    await seed(a, b, ['held walrus', 'held walrus café']);
    const network = createNetwork();
    const bob = track(connectClient(ctx.srv, await ctx.srv.token(b), { network }));
    await synced(bob);
    await until(() => bob.messages(`p2p:${a}`).get().length === 2, 'messages held');
    await takeOffline(network, bob);
    const s = await settled(await bob.search('WALRUS cafe'));
    assert.equal(s.source, 'local');
    assert.deepEqual(s.results.map((r) => r.snippet.text), ['held walrus café']);
    assert.equal(s.hasMore, false);
    network.offline = false;
    await until(() => bob.$connection.get() === 'online', 'online again');
    assert.equal((await settled(await bob.search('walrus'))).source, 'server');
  });
  test('narrows by sender and time, on the server and offline alike', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    await ctx.srv.token(a);
    await ctx.srv.token(b);
    await seed(a, b, ['otter one', 'otter two']);
    const network = createNetwork();
    const bob = track(connectClient(ctx.srv, await ctx.srv.token(b), { network }));
    await synced(bob);
    const id = `p2p:${a}` as const;
    await bob.send(id, { type: 'text', text: 'otter from bob' });
    await until(() => bob.messages(id).get().filter((m) => m.status === 'sent' || m.seq > 0).length === 3, 'all held');
    const held = bob.messages(id).get();
    const second = held.find((m) => (m.elem as { text?: string }).text === 'otter two')!;
    const check = async (source: 'server' | 'local') => {
      const fromAlice = await settled(await bob.search('otter', { from: a }));
      assert.equal(fromAlice.source, source);
      assert.deepEqual(texts(fromAlice), ['otter two', 'otter one'], `${source}: from`);
      assert.deepEqual(texts(await settled(await bob.search('otter', { before: second.id }))), ['otter one'], `${source}: before an id`);
      assert.deepEqual(texts(await settled(await bob.search('otter', { after: second.id, from: b }))), ['otter from bob'], `${source}: after an id, from`);
      assert.deepEqual(texts(await settled(await bob.search('otter', { after: Date.now() + 60_000 }))), [], `${source}: after a time to come`);
      assert.deepEqual(texts(await settled(await bob.search('otter', { kind: 'file' }))), [], `${source}: kind`);
    };
    await check('server');
    await takeOffline(network, bob);
    await check('local');
  });
});
