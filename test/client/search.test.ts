import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClientSearch } from '../../src/client/index.js';
import { AUTO_PAGES } from '../../src/client/search.js';
import { p2pKey } from '../../src/server/core/conversation-key.js';
import { SCAN_ROWS } from '../../src/server/store/sqlite-search.js';
import { draft } from '../server/store/store-contract.js';
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
/**
 * Alice writes `held` to Bob (admin sends); Bob's device, on a network a test can take offline,
 * then comes up synced. Answers both users' ids, Bob's client and his network.
 */
async function bobAfterAlice(held: string[]) {
  const [a, b] = [uid('alice'), uid('bob')];
  await ctx.srv.token(a);
  await ctx.srv.token(b);
  await seed(a, b, held);
  const network = createNetwork();
  const bob = track(connectClient(ctx.srv, await ctx.srv.token(b), { network }));
  await synced(bob);
  return { a, b, bob, network };
}
/** The texts of a search state's results, in order. */
const texts = (st: { results: { message: { elem: unknown } }[] }) => st.results.map((r) => (r.message.elem as { text: string }).text);

describe('client.search (SPEC §12)', () => {
  test('asks the server, as a store filled page by page, newest first, with snippets', async () => {
    const { a, bob } = await bobAfterAlice(['the zebra crossing', 'no match here', '一只斑马在跑', 'zebra again', 'zebra three']);
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


  test('pages that come back empty with a cursor (the SQLite scan read its SCAN_ROWS) are followed on their own, AUTO_PAGES at most, then more() goes on', async () => {
    const { a, b, bob } = await bobAfterAlice([]);
    // The one match is older than AUTO_PAGES scans of SCAN_ROWS rows each: every one of those pages is empty, with a cursor.
    const newer = AUTO_PAGES * SCAN_ROWS + 100;
    const drafts = [draft(p2pKey(a, b), a, { elem: { type: 'text', text: 'x marks the spot' } })];
    for (let i = 0; i < newer; i++) drafts.push(draft(p2pKey(a, b), a, { elem: { type: 'text', text: `hello ${i}` } }));
    await ctx.srv.server.store.commitMessages(drafts);
    const s = await bob.search('x', { conversationId: `p2p:${a}` });
    const seen: string[] = [];
    s.$state.listen((st) => seen.push(`${st.status} ${st.results.length} ${st.hasMore}`));
    const first = await settled(s);
    // One change, after AUTO_PAGES empty pages: nothing found yet, and more to search.
    assert.deepEqual(seen, ['done 0 true']);
    assert.equal(first.hasMore, true);
    await s.more();
    assert.deepEqual(texts(s.$state.get()), ['x marks the spot']);
    assert.equal(s.$state.get().hasMore, false);
    // A search whose first page finds enough is one page, as before.
    const h = await settled(await bob.search('h', { conversationId: `p2p:${a}`, limit: 3 }));
    assert.deepEqual(texts(h), [3, 2, 1].map((k) => `hello ${newer - 4 + k}`));
    assert.equal(h.hasMore, true);
  });
  test('offline, searches the messages this device holds and says so', async () => {
    const { a, bob, network } = await bobAfterAlice(['held walrus', 'held walrus café']);
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
    const { a, b, bob, network } = await bobAfterAlice(['otter one', 'otter two']);
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
  test('without words, finds what the filters let through (all of a sender\'s pictures, links), on the server and offline alike; no filter fails', async () => {
    const [a, b] = [uid('alice'), uid('bob')];
    await ctx.srv.token(a);
    await ctx.srv.token(b);
    const picture = (name: string) => ({ type: 'image' as const, url: `https://cdn.example.com/${name}.png`, width: 4, height: 3, size: 10, mime: 'image/png' });
    // The admin API sends texts only: alice sends from her client.
    const alice = track(connectClient(ctx.srv, await ctx.srv.token(a)));
    await synced(alice);
    for (const elem of [picture('one'), { type: 'text' as const, text: 'read www.example.org' }, { type: 'text' as const, text: 'plain' }, picture('two')]) {
      await alice.send(`p2p:${b}`, elem);
    }
    const network = createNetwork();
    const bob = track(connectClient(ctx.srv, await ctx.srv.token(b), { network }));
    await synced(bob);
    const id = `p2p:${a}` as const;
    await bob.send(id, picture('bob'));
    await until(() => bob.messages(id).get().filter((m) => m.seq > 0).length === 5, 'all held');
    const urls = (st: { results: { message: { elem: unknown } }[] }) => st.results.map((r) => (r.message.elem as { url?: string; text?: string }).url ?? (r.message.elem as { text: string }).text);
    const check = async (source: 'server' | 'local') => {
      const pictures = await settled(await bob.search('', { from: a, kind: 'image' }));
      assert.equal(pictures.source, source);
      assert.deepEqual(urls(pictures), ['https://cdn.example.com/two.png', 'https://cdn.example.com/one.png'], `${source}: pictures`);
      assert.deepEqual(urls(await settled(await bob.search(' ', { kind: 'link' }))), ['read www.example.org'], `${source}: links`);
      assert.deepEqual(urls(await settled(await bob.search('', { from: a }))), ['https://cdn.example.com/two.png', 'plain', 'read www.example.org', 'https://cdn.example.com/one.png'], `${source}: from`);
      const none = await settled(await bob.search('', { conversationId: id }));
      assert.equal(none.error?.name, 'SEARCH_QUERY_INVALID', `${source}: no filter`);
    };
    await check('server');
    await takeOffline(network, bob);
    await check('local');
  });
});
