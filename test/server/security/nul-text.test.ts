/**
 * U+0000 and the other C0 control characters in text a text column keeps (names, reasons,
 * notices, words, broadcasts, notes). PostgreSQL refuses U+0000 ("invalid byte sequence for
 * encoding UTF8: 0x00"), which was an INTERNAL 500 (503 for a broadcast), while SQLite stored it:
 * the two stores held different texts. Both now refuse them at decode, TEXT_NUL (4041, 422) when
 * the body or frame is otherwise valid; notices, reasons, notes and broadcasts keep tabs and line
 * breaks. A token's profile name holding one is ignored like any profile claim that does not fit.
 * Message text, stored as JSON, keeps U+0000 as written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ERROR_CODES, PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { startServerOn } from '../helpers/store-server.js';
import { cmid, createUsers, text, type TestServer } from '../helpers/test-server.js';

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`text holding a control character on ${store}`, () => {
    let t: TestServer;
    before(async () => {
      t = await startServerOn(store);
      await createUsers(t, 'alice', 'bob');
      assert.equal((await t.rest('POST', '/v1/groups', { id: 'g0', name: 'G0', members: ['alice', 'bob'], owner: 'alice' })).status, 201);
    });
    after(() => t.stop());

    it('is refused 422 TEXT_NUL over REST where a text column keeps it, and the rest of the request is not applied', async () => {
      const cases: [string, string, unknown][] = [
        ['PUT', '/v1/users/alice', { name: 'Al\u0000ice' }],
        ['PUT', '/v1/users/alice', { name: 'Al\u001bice' }],
        ['PUT', '/v1/users/alice', { name: 'Al\nice' }],
        ['POST', '/v1/groups', { id: 'g1', name: 'G\u0000', members: ['alice', 'bob'] }],
        ['POST', '/v1/groups', { id: 'g1', name: 'G\u0007', members: ['alice', 'bob'] }],
        ['PATCH', '/v1/groups/g0', { notice: 'n\u0000' }],
        ['PUT', '/v1/users/bob/ban', { reason: 'r\u0000' }],
        ['PUT', '/v1/users/bob/mute', { reason: 'r\u0001' }],
        ['PUT', '/v1/wordlist', { items: [{ word: 'da\u0000rn' }] }],
        ['PUT', '/v1/wordlist', { items: [{ word: 'da\trn' }] }],
        ['POST', '/v1/broadcasts', { content: 'b\u0000', offline: true }],
        ['POST', '/v1/broadcasts', { content: 'b', from: 'o\u0000ps', offline: true }],
      ];
      for (const [method, path, body] of cases) {
        const res = await t.rest(method, path, body);
        assert.deepEqual([res.status, res.body?.name, res.body?.code], [422, 'TEXT_NUL', ERROR_CODES.TEXT_NUL.code], `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      }
      assert.equal((await t.rest('GET', '/v1/users/alice')).body.name, 'Alice');
      assert.equal((await t.rest('GET', '/v1/groups/g1')).status, 404);
      assert.equal((await t.rest('GET', '/v1/groups/g0')).body.notice, undefined);
      assert.deepEqual((await t.rest('GET', '/v1/users/bob/sanctions')).body.items, []);
      // Another fault in the same body is the shape error it was.
      const both = await t.rest('POST', '/v1/groups', { id: 'g1', name: 'G\u0000', members: 'bob' });
      assert.deepEqual([both.status, both.body?.name], [400, 'BAD_REQUEST']);
      // An avatar URL holding a control character is an invalid URL.
      const avatar = await t.rest('PUT', '/v1/users/alice', { avatar: '/a\u0000.png' });
      assert.deepEqual([avatar.status, avatar.body?.name], [400, 'BAD_REQUEST']);
    });

    it('keeps tabs and line breaks where a text holds lines, on both stores alike', async () => {
      assert.equal((await t.rest('PATCH', '/v1/groups/g0', { notice: 'one\r\ntwo\tthree' })).status, 200);
      assert.equal((await t.rest('GET', '/v1/groups/g0')).body.notice, 'one\r\ntwo\tthree');
      assert.equal((await t.rest('POST', '/v1/broadcasts', { content: 'line\nline', offline: true })).status < 300, true);
      assert.equal((await t.rest('PATCH', '/v1/groups/g0', { notice: '' })).status, 200);
    });

    it('is refused TEXT_NUL over WebSocket; a token\'s profile name holding one is ignored; a message keeps it as sent', async () => {
      const alice = await t.login('alice');
      const frames: [string, Record<string, unknown>][] = [
        ['g', { type: 'group.create', reqId: 'g', groupId: 'g2', name: 'G\u0000', members: ['bob'] }],
        ['r', { type: 'group.change', reqId: 'r', groupId: 'g0', change: { kind: 'rename', name: 'x\u0000' } }],
        ['n', { type: 'group.change', reqId: 'n', groupId: 'g0', change: { kind: 'notice', notice: 'x\u0000' } }],
        ['m', { type: 'group.change', reqId: 'm', groupId: 'g0', change: { kind: 'mute', userId: 'bob', reason: 'x\u001f' } }],
        ['f', { type: 'friend.add', reqId: 'f', userId: 'bob', message: 'hi\u0000' }],
      ];
      for (const [reqId, frame] of frames) {
        alice.send(frame);
        const err = await alice.next('error', (f) => f.reqId === reqId);
        assert.deepEqual([err.name, err.code], ['TEXT_NUL', ERROR_CODES.TEXT_NUL.code], JSON.stringify(frame));
      }
      assert.equal((await t.rest('GET', '/v1/groups/g0')).body.name, 'G0');
      assert.equal((await t.rest('GET', '/v1/groups/g2')).status, 404);
      const clientMsgId = cmid();
      alice.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: text('a\u0000b') });
      await alice.next('message.ack', (f) => f.clientMsgId === clientMsgId);
      const page = await t.rest('GET', '/v1/users/bob/conversations/p2p:alice/messages');
      assert.equal(page.body.messages.at(-1).elem.text, 'a\u0000b');
      alice.close();
      const carol = await t.connect();
      carol.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('carol', { name: 'C\u0000' }) });
      await carol.next('session.ready');
      carol.close();
      const user = await t.rest('GET', '/v1/users/carol');
      assert.equal(user.status, 200);
      assert.equal(user.body.name, undefined);
    });
  });
}
