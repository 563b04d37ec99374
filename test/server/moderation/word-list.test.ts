/** The moderation word list (SPEC §11) end to end: admin REST, real sockets, sends and edits, two nodes. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ConversationId } from '../../../src/protocol/index.js';
import { requirePostgres, requireRedis } from '../helpers/services.js';
import { twoNodes } from '../helpers/two-nodes.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { GUARD_MS } from '../../guard.js';

await requirePostgres();
await requireRedis();

async function send(s: TestSocket, conversationId: ConversationId, words: string, clientMsgId = cmid()) {
  s.send({ type: 'message.send', clientMsgId, conversationId, elem: text(words) });
  return s.nextOf(['message.ack', 'message.error']);
}

async function edit(s: TestSocket, conversationId: ConversationId, messageId: string, words: string) {
  const changeId = cmid();
  s.send({ type: 'change.send', changeId, conversationId, messageId, change: { kind: 'edit', text: words } });
  return s.nextOf(['change.ack', 'change.error']);
}

const textOf = (f: { message: { elem: { type: string; text?: string } } }) => f.message.elem.text;

describe('word list: admin REST, sends and edits', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ wordList: { entries: [{ word: 'configured' }, { word: 'forbidden', mode: 'reject' }] } });
    await createUsers(t, 'alice', 'bob');
  });
  after(() => t.stop());

  it('shows the configured entries beside the stored ones; PUT replaces, POST adds, DELETE removes, folded', async () => {
    const empty = await t.rest('GET', '/v1/wordlist');
    assert.deepEqual(empty.body, { mode: 'mask', items: [], configured: [{ word: 'configured' }, { word: 'forbidden', mode: 'reject' }] });
    const put = await t.rest('PUT', '/v1/wordlist', { items: [{ word: 'Ｄａｒｎ' }, { word: '笨蛋', mode: 'reject' }, { word: 'DARN', mode: 'mask' }] });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body.items, [{ word: 'darn', mode: 'mask' }, { word: '笨蛋', mode: 'reject' }], 'folded, one entry per word, the last wins');
    const added = await t.rest('POST', '/v1/wordlist', { items: [{ word: 'heck' }] });
    assert.deepEqual(added.body.items.map((e: { word: string }) => e.word), ['darn', 'heck', '笨蛋']);
    assert.equal((await t.rest('DELETE', '/v1/wordlist?word=HECK')).status, 200);
    assert.equal((await t.rest('DELETE', '/v1/wordlist?word=heck')).body.name, 'NOT_FOUND');
  });

  it('masks and rejects user sends before they are stored; the reader gets the masked text; admins are not filtered', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const ack = await send(alice, 'p2p:bob', 'well DARN it, configured');
    assert.equal(ack.type, 'message.ack');
    assert.equal(ack.type === 'message.ack' && ack.rewritten, true, 'the sender is told its text was masked');
    const got = await bob.next('message.new');
    assert.equal(textOf(got), 'well **** it, **********');
    const plain = await send(alice, 'p2p:bob', 'nothing to mask');
    assert.equal(plain.type === 'message.ack' && plain.rewritten, undefined);
    await bob.next('message.new');
    // A resend the server had stored (its ack lost) is told the same: the device shows what was stored.
    const again = await send(alice, 'p2p:bob', 'well DARN it, configured', ack.clientMsgId);
    assert.deepEqual(again.type === 'message.ack' && [again.id, again.duplicate, again.rewritten], [ack.id, true, true]);
    const plainAgain = await send(alice, 'p2p:bob', 'nothing to mask', plain.clientMsgId);
    assert.deepEqual(plainAgain.type === 'message.ack' && [plainAgain.duplicate, plainAgain.rewritten], [true, undefined]);
    const refused = await send(alice, 'p2p:bob', '你这个笨蛋');
    assert.equal(refused.type, 'message.error');
    assert.deepEqual([refused.name, refused.code, (refused as { reasonCode?: string }).reasonCode], ['MESSAGE_REJECTED', 4016, 'word-list']);
    assert.equal((await send(alice, 'p2p:bob', 'ＦＯＲＢＩＤＤＥＮ')).type, 'message.error', 'configured reject entry, full-width');
    const history = await t.rest('GET', '/v1/users/bob/conversations/p2p:alice/messages');
    assert.equal(history.status, 200);
    const stored = JSON.stringify(history.body);
    assert.ok(stored.includes('well **** it') && !stored.includes('笨蛋') && !stored.includes('DARN'), 'masked text stored, nothing rejected');
    const bySite = await t.rest('POST', '/v1/messages', { from: 'alice', to: 'bob', elem: text('darn, says the site') });
    assert.equal(bySite.status, 200);
    assert.equal((await bob.next('message.new', (f) => textOf(f)?.includes('says the site') ?? false)).message.elem.type, 'text');
  });

  it('applies to edits: a masked edit stores the masked text, a rejected one is refused and changes nothing', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const ack = await send(alice, 'p2p:bob', 'clean words');
    assert.equal(ack.type, 'message.ack');
    await bob.next('message.new', (f) => textOf(f) === 'clean words');
    const ok = await edit(alice, 'p2p:bob', (ack as { id: string }).id, 'now darn');
    assert.equal(ok.type, 'change.ack');
    const change = await bob.next('message.new', (f) => f.message.elem.type === 'change');
    assert.equal((change.message.elem as { change: { text: string } }).change.text, 'now ****');
    const no = await edit(alice, 'p2p:bob', (ack as { id: string }).id, '笨蛋');
    assert.deepEqual([no.type, (no as { name?: string }).name, (no as { reasonCode?: string }).reasonCode], ['change.error', 'MESSAGE_REJECTED', 'word-list']);
  });

  it('refuses entries that cannot match, over-long ones and unknown fields with stable codes', async () => {
    assert.equal((await t.rest('PUT', '/v1/wordlist', { items: [{ word: '!!!' }] })).body.name, 'WORDLIST_INVALID');
    assert.equal((await t.rest('PUT', '/v1/wordlist', { items: [{ word: '!!!' }] })).body.code, 4027);
    assert.equal((await t.rest('PUT', '/v1/wordlist', { items: [{ word: 'x'.repeat(101) }] })).status, 400);
    assert.equal((await t.rest('PUT', '/v1/wordlist', { items: [{ word: 'ok', mode: 'ban' }] })).status, 400);
    assert.equal((await t.rest('PUT', '/v1/wordlist', { items: [], extra: 1 })).status, 400);
    assert.deepEqual((await t.rest('GET', '/v1/wordlist')).body.items.map((e: { word: string }) => e.word), ['darn', '笨蛋'], 'unchanged');
  });
});

describe('word list and link previews', () => {
  let t: TestServer;
  let site: http.Server;
  let base = '';
  before(async () => {
    site = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><title>A page</title></head></html>'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const port = (site.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    t = await startServer({ linkPreviews: { allowLoopback: true, ports: [port] }, wordList: { entries: [{ word: 'darn' }] } });
    await createUsers(t, 'alice', 'bob');
  });
  after(async () => {
    await t.stop();
    site.close();
  });

  it('keeps the preview when the mask leaves its link, drops it when the mask hid the link', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const previewOf = async (url: string) => {
      const res = await fetch(`${t.url}/v1/previews`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token('alice')}` }, body: JSON.stringify({ url }) });
      assert.equal(res.status, 200);
      return ((await res.json()) as { preview: unknown }).preview;
    };
    for (const [path, words, masked, kept] of [['/page', 'darn, see', '****, see', true], ['/darn', 'see', 'see', false]] as const) {
      const url = `${base}${path}`;
      const preview = await previewOf(url);
      alice.send({ type: 'message.send', clientMsgId: cmid(), conversationId: 'p2p:bob', elem: { type: 'text', text: `${words} ${url}`, preview } as never });
      assert.equal((await alice.nextOf(['message.ack', 'message.error'])).type, 'message.ack');
      const got = (await bob.next('message.new')).message.elem as { text: string; preview?: unknown };
      assert.equal(got.text, `${masked} ${url.replace('/darn', '/****')}`);
      assert.equal(got.preview !== undefined, kept, path);
    }
  });
});

describe('word list across two nodes sharing PostgreSQL and Redis', () => {
  const nodes = twoNodes();
  before(async () => createUsers(nodes.a, 'alice', 'bob'));

  it('a change on node A applies on node B at once (B had compiled the old list)', async () => {
    const aliceB = await nodes.b.login('alice');
    await nodes.b.login('bob');
    assert.equal((await send(aliceB, 'p2p:bob', 'gosh')).type, 'message.ack', 'B compiles the empty list');
    await nodes.a.rest('PUT', '/v1/wordlist', { items: [{ word: 'gosh', mode: 'reject' }] });
    const deadline = Date.now() + GUARD_MS;
    let r = await send(aliceB, 'p2p:bob', 'gosh');
    while (r.type === 'message.ack' && Date.now() < deadline) r = await send(aliceB, 'p2p:bob', 'gosh');
    assert.deepEqual([r.type, (r as { name?: string }).name], ['message.error', 'MESSAGE_REJECTED']);
    assert.deepEqual((await nodes.b.rest('GET', '/v1/wordlist')).body.items, [{ word: 'gosh', mode: 'reject' }]);
  });
});
