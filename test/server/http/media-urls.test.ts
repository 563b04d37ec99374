/**
 * Media and avatar URLs a browser would read as another host (`//host`, `/\host`, a backslash
 * anywhere) are refused where they enter: profiles over REST, image elems in messages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cmid, createUsers, startServer, type TestServer } from '../helpers/test-server.js';

const HOSTILE = ['/\\evil.example/a.png', '//evil.example/a.png', '/\\/evil.example', '/a\\b.png', 'https://good.example\\@evil.example/'];

describe('scheme-relative media URLs', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bob');
  });
  after(() => t.stop());

  it('refuses them as an avatar (BAD_REQUEST) and keeps same-origin paths and http(s) URLs', async () => {
    for (const avatar of HOSTILE) {
      const res = await t.rest('PUT', '/v1/users/alice', { avatar });
      assert.deepEqual([res.status, res.body.name], [400, 'BAD_REQUEST'], avatar);
    }
    for (const avatar of ['/avatars/alice.png', 'https://cdn.example/a.png?x=1']) {
      assert.equal((await t.rest('PUT', '/v1/users/alice', { avatar })).status, 200, avatar);
    }
  });

  it('refuses them as the URL of an image elem, and the message is not stored', async () => {
    const s = await t.login('alice');
    for (const url of HOSTILE) {
      const clientMsgId = cmid();
      s.send({ type: 'message.send', clientMsgId, conversationId: 'p2p:bob', elem: { type: 'image', url, width: 1, height: 1, size: 1, mime: 'image/png' } });
      const answer = await s.nextOf(['message.ack', 'message.error', 'error']);
      assert.notEqual(answer.type, 'message.ack', url);
      assert.equal('name' in answer ? answer.name : undefined, 'BAD_FRAME', url);
    }
    const history = await t.rest('GET', '/v1/users/alice/conversations/p2p:bob/messages');
    assert.equal(history.body.messages.length, 0);
  });
});
