import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConversationId, ServerFrameOf } from '../../../src/protocol/index.js';
import type { SearchResult } from '../../../src/protocol/search-schema.js';
import { gnuThree, search, sendText, texts } from '../helpers/search.js';
import { cmid, createUsers, startServer, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';

describe('search over WebSocket and REST (SPEC §12)', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bob', 'carol');
    await t.rest('POST', '/v1/groups', { id: 'zoo', name: 'Zoo', members: ['alice', 'bob'] });
  });
  after(() => t.stop());

  it('finds what the searcher may see, as they see it, newest first, with the matches marked and a cursor to page on', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    await sendText(alice, 'group:zoo', 'A zebra at the zoo');
    await sendText(alice, 'p2p:bob', '一只斑马在跑');
    await sendText(alice, 'p2p:carol', 'zebra for carol only');
    const all = await search(bob, '斑马');
    assert.equal(all.type, 'search.results');
    const hit = (all as ServerFrameOf<'search.results'>).results[0] as SearchResult;
    assert.equal(hit.message.conversationId, 'p2p:alice', 'as bob names it');
    assert.deepEqual(hit.snippet, { text: '一只斑马在跑', marks: [[2, 4]] });
    assert.deepEqual(texts(await search(bob, 'ZEBRA')), ['A zebra at the zoo']);
    assert.deepEqual(texts(await search(bob, 'zebra', { conversationId: 'p2p:alice' })), []);

    for (let i = 0; i < 3; i++) await sendText(alice, 'group:zoo', `page zebra ${i}`);
    const first = await search(bob, 'zebra', { limit: 2 }) as ServerFrameOf<'search.results'>;
    assert.deepEqual(texts(first), ['page zebra 2', 'page zebra 1']);
    assert.ok(first.cursor);
    const second = await search(bob, 'zebra', { limit: 2, cursor: first.cursor });
    assert.deepEqual(texts(second), ['page zebra 0', 'A zebra at the zoo']);
    assert.equal((second as ServerFrameOf<'search.results'>).cursor, undefined);
    alice.close();
    bob.close();
  });

  it('refuses a bad query or a group the searcher is not in with stable codes, and the socket stays up', async () => {
    const carol = await t.login('carol');
    const empty = await search(carol, '   ');
    assert.equal(empty.type === 'error' && empty.name, 'SEARCH_QUERY_INVALID');
    assert.equal(empty.type === 'error' && empty.code, 4012);
    const long = await search(carol, 'x'.repeat(101));
    assert.equal(long.type === 'error' && long.name, 'SEARCH_QUERY_INVALID');
    const many = await search(carol, 'a b c d e f g h i');
    assert.equal(many.type === 'error' && many.name, 'SEARCH_QUERY_INVALID');
    const notMember = await search(carol, 'zebra', { conversationId: 'group:zoo' });
    assert.equal(notMember.type === 'error' && notMember.name, 'NOT_MEMBER');
    assert.deepEqual(texts(await search(carol, 'zebra')), ['zebra for carol only']);
    carol.close();
  });

  it('GET /v1/users/:id/search searches as that user, with the same rules and codes', async () => {
    const res = await t.rest('GET', `/v1/users/bob/search?q=${encodeURIComponent('zebra zoo')}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.results.map((r: { message: { elem: { text: string } } }) => r.message.elem.text), ['A zebra at the zoo']);
    const paged = await t.rest('GET', '/v1/users/bob/search?q=zebra&conversationId=group:zoo&limit=1');
    assert.equal(paged.body.results.length, 1);
    const next = await t.rest('GET', `/v1/users/bob/search?q=zebra&conversationId=group:zoo&limit=1&cursor=${paged.body.cursor}`);
    assert.notEqual(next.body.results[0].message.id, paged.body.results[0].message.id);
    assert.equal((await t.rest('GET', '/v1/users/bob/search?q=')).body.name, 'SEARCH_QUERY_INVALID');
    assert.equal((await t.rest('GET', '/v1/users/bob/search?q=zebra&cursor=%3Cscript%3E')).body.code, 4013);
    assert.equal((await t.rest('GET', '/v1/users/bob/search?q=zebra&cursor=x')).status, 200);
    assert.equal((await t.rest('GET', '/v1/users/carol/search?q=zebra&conversationId=group:zoo')).status, 403);
    assert.equal((await t.rest('GET', '/v1/users/nobody/search?q=zebra')).status, 404);
    assert.equal((await t.rest('GET', '/v1/users/bob/search?q=zebra', undefined, null)).body.name, 'ADMIN_REQUIRED');
  });
  it('filters by sender, kind, and before/after a message or a time, over WebSocket and REST; a bad filter is SEARCH_FILTER_INVALID', async () => {
    const { dave, erin, a1, a2, a3 } = await gnuThree(t);
    assert.deepEqual(texts(await search(erin, 'gnu', { from: 'dave' })), ['gnu three', 'gnu one']);
    assert.deepEqual(texts(await search(erin, 'gnu', { before: a3.id, after: a1.id })), ['gnu two']);
    assert.deepEqual(texts(await search(erin, 'gnu', { before: a2.time })), ['gnu one'], 'a time: strictly before its millisecond');
    assert.deepEqual(texts(await search(erin, 'gnu', { after: a2.time })), ['gnu three'], 'strictly after it');
    assert.deepEqual(texts(await search(erin, 'gnu', { after: a1.time, from: 'dave', kind: 'text', conversationId: 'group:fz' })), ['gnu three']);
    assert.deepEqual(texts(await search(erin, 'gnu', { kind: 'file' })), []);
    const bad: [Record<string, unknown>, string][] = [[{ kind: 'picture' }, 'SEARCH_FILTER_INVALID'], [{ before: -1 }, 'BAD_REQUEST'], [{ from: '' }, 'BAD_FRAME'],
      [{ before: 1.5 }, 'BAD_REQUEST'], [{ after: 'x y' }, 'SEARCH_FILTER_INVALID'], [{ kind: 7 }, 'BAD_FRAME']];
    for (const [extra, name] of bad) {
      const f = await search(erin, 'gnu', extra);
      assert.equal(f.type === 'error' && f.name, name, JSON.stringify(extra));
    }
    const rest = await t.rest('GET', `/v1/users/erin/search?q=gnu&from=dave&after=${a1.time}`);
    assert.deepEqual(rest.body.results.map((r: SearchResult) => (r.message.elem as { text: string }).text), ['gnu three']);
    const restIds = await t.rest('GET', `/v1/users/erin/search?q=gnu&before=${a2.id}&kind=text`);
    assert.deepEqual(restIds.body.results.map((r: SearchResult) => (r.message.elem as { text: string }).text), ['gnu one']);
    for (const q of ['kind=picture', 'kind=toString', 'before=%3Cx%3E', 'after=']) {
      const res = await t.rest('GET', `/v1/users/erin/search?q=gnu&${q}`);
      assert.deepEqual([res.status, res.body.code], [400, 4040], q);
    }
    dave.close();
    erin.close();
  });

  it('refuses a hostile bound, cursor, kind or query over WebSocket with the code REST answers, naming the field; the socket stays up', async () => {
    await createUsers(t, 'hal');
    const hal = await t.login('hal');
    await sendText(hal, 'p2p:alice', 'gnu for alice');
    const numeric = ['-5', '1e5', '0x10', ' 7', '7 ', '1.5', '+3', 'NaN', '-Infinity', '1234567890123456', '9'.repeat(400)];
    // [field, value as a string (REST and a frame), code]
    const cases: [string, string, string][] = [
      ...numeric.flatMap((v): [string, string, string][] => [['before', v, 'BAD_REQUEST'], ['after', v, 'BAD_REQUEST'], ['cursor', v, 'SEARCH_CURSOR_INVALID']]),
      ['cursor', '7', 'SEARCH_CURSOR_INVALID'], ['cursor', '', 'SEARCH_CURSOR_INVALID'], ['cursor', 'a'.repeat(129), 'SEARCH_CURSOR_INVALID'], ['cursor', '<b>', 'SEARCH_CURSOR_INVALID'],
      ['before', '', 'SEARCH_FILTER_INVALID'], ['after', 'a'.repeat(129), 'SEARCH_FILTER_INVALID'], ['after', 'a\u0000b', 'SEARCH_FILTER_INVALID'],
      ['kind', 'picture', 'SEARCH_FILTER_INVALID'], ['kind', '__proto__', 'SEARCH_FILTER_INVALID'], ['kind', '', 'SEARCH_FILTER_INVALID'],
      ['q', 'x'.repeat(101), 'SEARCH_QUERY_INVALID'], ['q', 'x'.repeat(300), 'SEARCH_QUERY_INVALID'], ['q', '斑'.repeat(101), 'SEARCH_QUERY_INVALID'],
    ];
    for (const [field, value, code] of cases) {
      const rest = await t.rest('GET', `/v1/users/hal/search?q=gnu&${field}=${encodeURIComponent(value)}`.replace('q=gnu&q=', 'q='));
      assert.deepEqual([rest.status, rest.body.name], [400, code], `REST ${field}=${JSON.stringify(value)}`);
      const ws = await search(hal, field === 'q' ? value : 'gnu', field === 'q' ? {} : { [field]: value });
      assert.equal(ws.type === 'error' && ws.name, code, `frame ${field}: ${JSON.stringify(value)}`);
      if (field !== 'q' && field !== 'kind' && code !== 'SEARCH_CURSOR_INVALID') {
        for (const message of [rest.body.message, ws.type === 'error' && ws.message]) assert.match(String(message), new RegExp(`at ${field}\\b`), `${field}: ${message}`);
      }
    }
    // Numbers in a frame: a time is an integer of 0 to 15 digits, as REST's digits; others as REST's other numbers.
    for (const value of [-5, 1.5, 1e15, 2 ** 53, 1e300, -0.5]) {
      const ws = await search(hal, 'gnu', { before: value });
      assert.equal(ws.type === 'error' && ws.name, 'BAD_REQUEST', String(value));
    }
    hal.sendRaw('{"type":"search.fetch","reqId":"inf","query":"gnu","after":1e400}');
    assert.equal((await hal.next('error', (f) => f.reqId === 'inf')).name, 'BAD_REQUEST', 'Infinity from JSON');
    assert.deepEqual(texts(await search(hal, 'gnu', { before: 999_999_999_999_999, after: 0 })), ['gnu for alice'], '15 digits is a time');
    // Wrong types, top level and deep inside: a frame REST cannot send (BAD_FRAME).
    for (const extra of [{ before: {} }, { after: [1] }, { cursor: 5 }, { kind: ['text'] }, { before: true }, { cursor: { length: 1 } }, { query: { toString: 'x' } }, { before: null }]) {
      const ws = await search(hal, 'gnu', extra);
      assert.equal(ws.type === 'error' && ws.name, 'BAD_FRAME', JSON.stringify(extra));
    }
    assert.deepEqual(texts(await search(hal, 'gnu')), ['gnu for alice'], 'still connected, still searching');
    hal.close();
  });

  it('answers a range whose after is at or past its before with nothing, without reading the store; an outsider still gets NOT_MEMBER', async () => {
    await createUsers(t, 'fred', 'gina');
    await t.rest('POST', '/v1/groups', { id: 'rng', name: 'R', members: ['fred'] });
    const fred = await t.login('fred');
    const m1 = await sendText(fred, 'group:rng', 'yak one');
    const m2 = await sendText(fred, 'group:rng', 'yak two');
    // A spy on the real store: how many searches reach it.
    const store = t.server.core.store;
    const searchMessages = store.searchMessages.bind(store);
    let reads = 0;
    store.searchMessages = (...args) => (reads++, searchMessages(...args));
    try {
      assert.deepEqual(texts(await search(fred, 'yak', { after: m1.id, before: m2.id })), []);
      assert.equal(reads, 1, 'a range with room in it is searched');
      for (const range of [{ after: m2.id, before: m1.id }, { after: m1.id, before: m1.id }, { after: m2.time, before: m1.time }, { after: 2_000_000_000_000, before: 1 }]) {
        assert.deepEqual(texts(await search(fred, 'yak', range)), [], JSON.stringify(range));
      }
      const rest = await t.rest('GET', `/v1/users/fred/search?q=yak&after=${m2.time}&before=${m1.time}`);
      assert.deepEqual([rest.status, rest.body.results], [200, []]);
      assert.equal(reads, 1, 'an empty range reads nothing');
      const gina = await t.login('gina');
      const outsider = await search(gina, 'yak', { conversationId: 'group:rng', after: m2.id, before: m1.id });
      assert.equal(outsider.type === 'error' && outsider.name, 'NOT_MEMBER');
      gina.close();
    } finally {
      store.searchMessages = searchMessages;
    }
    fred.close();
  });

  it('without words, a filter finds every message it lets through: all of a sender\'s pictures, links, anything since a time; no filter is SEARCH_QUERY_INVALID', async () => {
    await createUsers(t, 'fay', 'gus');
    await t.rest('POST', '/v1/groups', { id: 'pics', name: 'P', members: ['fay', 'gus'] });
    const fay = await t.login('fay');
    const gus = await t.login('gus');
    const image = (name: string) => ({ type: 'image', url: `https://cdn.example.com/${name}.png`, width: 4, height: 3, size: 10, mime: 'image/png',
      thumbnail: { url: `https://cdn.example.com/${name}-small.png`, width: 4, height: 3 } });
    const sendElem = async (s: TestSocket, conversationId: ConversationId, elem: unknown) => {
      s.send({ type: 'message.send', clientMsgId: cmid(), conversationId, elem });
      const ack = await s.nextOf(['message.ack', 'message.error']);
      return ack.type === 'message.ack' ? ack : assert.fail(`send refused: ${ack.name}`);
    };
    await sendElem(fay, 'group:pics', image('one'));
    const first = await sendText(fay, 'group:pics', 'see https://example.com/page');
    await sendElem(fay, 'p2p:gus', image('two'));
    await sendText(gus, 'group:pics', 'a picture of mine? no, words');
    await sendElem(gus, 'group:pics', image('gus'));
    const urls = (f: ServerFrameOf<'search.results'> | ServerFrameOf<'error'>) =>
      f.type === 'search.results' ? (f.results as SearchResult[]).map((r) => (r.message.elem as { url: string }).url) : assert.fail(`refused: ${f.name}`);
    assert.deepEqual(urls(await search(gus, '', { from: 'fay', kind: 'image' })), ['https://cdn.example.com/two.png', 'https://cdn.example.com/one.png']);
    assert.deepEqual(urls(await search(gus, '  ', { from: 'fay', kind: 'image', conversationId: 'group:pics' })), ['https://cdn.example.com/one.png']);
    const found = await search(gus, '', { kind: 'image', limit: 1 });
    assert.ok(found.type === 'search.results' && found.cursor !== undefined, 'paged');
    assert.deepEqual(found.type === 'search.results' && (found.results as SearchResult[])[0]!.snippet, { text: '', marks: [] }, 'a picture has no excerpt');
    assert.deepEqual(texts(await search(gus, '', { kind: 'link' })), ['see https://example.com/page']);
    assert.deepEqual(texts(await search(fay, '', { from: 'gus', kind: 'text' })), ['a picture of mine? no, words']);
    assert.equal(urls(await search(fay, '', { after: first.time - 1 })).length, 4, 'everything since a time');
    for (const extra of [{}, { conversationId: 'group:pics' }]) {
      const f = await search(gus, '', extra);
      assert.equal(f.type === 'error' && f.name, 'SEARCH_QUERY_INVALID', JSON.stringify(extra));
    }
    const rest = await t.rest('GET', '/v1/users/gus/search?from=fay&kind=image');
    assert.deepEqual(rest.body.results.map((r: SearchResult) => (r.message.elem as { url: string }).url), ['https://cdn.example.com/two.png', 'https://cdn.example.com/one.png']);
    assert.deepEqual((await t.rest('GET', '/v1/users/gus/search?q=')).body.name, 'SEARCH_QUERY_INVALID');
    fay.close();
    gus.close();
  });
});
