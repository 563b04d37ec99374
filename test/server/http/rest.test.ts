import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';

describe('REST API', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bob', 'carol');
  });
  after(() => t.stop());

  it('refuses admin routes without the admin key, with a wrong key, and with a user token (403 ADMIN_REQUIRED)', async () => {
    const userToken = await t.token('alice');
    for (const key of [null, 'wrong-key-wrong-key-wrong', userToken]) {
      const res = await t.rest('GET', '/v1/users/alice/conversations', undefined, key);
      assert.equal(res.status, 403);
      assert.deepEqual(res.body, { code: 2003, name: 'ADMIN_REQUIRED', message: 'This needs the admin key.' });
    }
  });

  it('answers /healthz without auth', async () => {
    const res = await t.rest('GET', '/healthz', undefined, null);
    assert.deepEqual([res.status, res.body], [200, { ok: true, store: 'ok', bus: 'ok' }]);
  });

  it('answers unknown paths with 404 NOT_FOUND and invalid bodies with 400 BAD_REQUEST', async () => {
    assert.equal((await t.rest('GET', '/v1/nothing-here')).body.name, 'NOT_FOUND');
    const bad = await t.rest('PUT', '/v1/users/alice', { avatar: 'javascript:alert(1)' });
    assert.deepEqual([bad.status, bad.body.name], [400, 'BAD_REQUEST']);
    const badId = await t.rest('PUT', '/v1/users/no%20spaces', {});
    assert.equal(badId.status, 400);
  });

  it('issues a token that opens a session', async () => {
    const res = await t.rest('POST', '/v1/tokens', { userId: 'alice', ttlSeconds: 60 });
    assert.equal(res.status, 200);
    const s = await t.connect();
    s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: res.body.token });
    assert.equal((await s.next('session.ready')).user.id, 'alice');
    s.close();
  });

  it('creates a group, announcing it to online members with conversation.updated and a group-created notification', async () => {
    const bob = await t.login('bob');
    const res = await t.rest('POST', '/v1/groups', { id: 'club', name: 'Club', members: ['alice', 'bob'] });
    assert.equal(res.status, 201);
    const updated = await bob.next('conversation.updated');
    assert.deepEqual([updated.conversation.id, updated.conversation.name, updated.conversation.memberCount], ['group:club', 'Club', 2]);
    const created = await bob.next('message.new');
    assert.equal(created.message.elem.type === 'system' && created.message.elem.event, 'group-created');
    const again = await t.rest('POST', '/v1/groups', { id: 'club', name: 'Club', members: [] });
    assert.deepEqual([again.status, again.body.name], [409, 'GROUP_EXISTS']);
    bob.close();
  });

  it('adds a member (who gets conversation.updated live) and removes one (who gets conversation.removed)', async () => {
    const carol = await t.login('carol');
    const add = await t.rest('PUT', '/v1/groups/club/members/carol');
    assert.deepEqual(add.body, { added: true });
    assert.equal((await carol.next('conversation.updated')).conversation.id, 'group:club');
    const joined = await carol.next('message.new');
    assert.equal(joined.message.elem.type === 'system' && joined.message.elem.event, 'member-joined');
    const remove = await t.rest('DELETE', '/v1/groups/club/members/carol');
    assert.deepEqual(remove.body, { removed: true });
    assert.equal((await carol.next('conversation.removed')).conversationId, 'group:club');
    carol.close();
  });

  it('sends as a user and as the system, bypassing blocks, and reports the view of the sender', async () => {
    await t.rest('PUT', '/v1/users/bob/blocklist/alice');
    const bob = await t.login('bob');
    const p2p = await t.rest('POST', '/v1/messages', { from: 'alice', to: 'bob', elem: text('admin says hi'), clientMsgId: 'admin-msg-0001' });
    assert.equal(p2p.status, 200);
    assert.equal(p2p.body.conversationId, 'p2p:bob');
    assert.equal((await bob.next('message.new')).message.conversationId, 'p2p:alice');
    const dup = await t.rest('POST', '/v1/messages', { from: 'alice', to: 'bob', elem: text('admin says hi'), clientMsgId: 'admin-msg-0001' });
    assert.deepEqual([dup.body.seq, dup.body.duplicate], [p2p.body.seq, true]);
    const sys = await t.rest('POST', '/v1/messages', { groupId: 'club', elem: { type: 'system', event: 'custom', text: 'Maintenance tonight' } });
    assert.equal(sys.status, 200);
    assert.equal((await bob.next('message.new')).message.sender, 'system');
    await t.rest('DELETE', '/v1/users/bob/blocklist/alice');
    bob.close();
  });

  it('refuses admin sends with bad addressing or unknown users', async () => {
    const both = await t.rest('POST', '/v1/messages', { from: 'alice', to: 'bob', groupId: 'club', elem: text('x') });
    assert.deepEqual([both.status, both.body.name], [400, 'BAD_REQUEST']);
    const ghost = await t.rest('POST', '/v1/messages', { from: 'ghost', to: 'bob', elem: text('x') });
    assert.deepEqual([ghost.status, ghost.body.name], [404, 'USER_UNKNOWN']);
    const image = await t.rest('POST', '/v1/messages', { from: 'alice', to: 'bob', elem: { type: 'image' } });
    assert.equal(image.status, 400);
  });

  it('lists conversations and pages messages of a user', async () => {
    const list = await t.rest('GET', '/v1/users/bob/conversations');
    const ids = list.body.items.map((c: { id: string }) => c.id).sort();
    assert.deepEqual(ids, ['group:club', 'p2p:alice']);
    const page = await t.rest('GET', '/v1/users/bob/conversations/group:club/messages?limit=2');
    assert.equal(page.body.messages.length, 2);
    assert.equal(page.body.hasMore, true);
    const older = await t.rest('GET', `/v1/users/bob/conversations/group:club/messages?before=${page.body.fromSeq}`);
    assert.equal(older.body.toSeq, page.body.fromSeq - 1);
    const stranger = await t.rest('GET', '/v1/users/carol/conversations/group:club/messages');
    assert.deepEqual([stranger.status, stranger.body.name], [403, 'NOT_MEMBER']);
  });

  it("refuses a page size of 0 or past the most a page holds (400 BAD_REQUEST, as the frames' BAD_FRAME), never answering another size", async () => {
    for (const [path, max] of [['/v1/users/bob/conversations/group:club/messages', 200], ['/v1/users/bob/search?q=hello', 50]] as const) {
      const sep = path.includes('?') ? '&' : '?';
      for (const limit of ['0', String(max + 1), '00']) {
        const res = await t.rest('GET', `${path}${sep}limit=${limit}`);
        assert.deepEqual([res.status, res.body.name], [400, 'BAD_REQUEST'], `${path} limit=${limit}`);
        assert.match(res.body.message, /at limit/);
      }
      assert.equal((await t.rest('GET', `${path}${sep}limit=${max}`)).status, 200, `${path} limit=${max}`);
    }
  });

  it('refuses a search bound that reads as a number but is not a time (digits only) with 400 BAD_REQUEST naming it, never taking it for an id', async () => {
    for (const side of ['before', 'after']) {
      for (const bound of ['-5', '1e5', '1.5', '+5', '0x10', '9'.repeat(16), 'NaN', '-Infinity']) {
        const res = await t.rest('GET', `/v1/users/bob/search?q=hello&${side}=${encodeURIComponent(bound)}`);
        assert.deepEqual([res.status, res.body.name], [400, 'BAD_REQUEST'], `${side}=${bound}`);
        assert.match(res.body.message, new RegExp(`at ${side}:`));
      }
      // A time (digits only) and a message id are still bounds.
      assert.equal((await t.rest('GET', `/v1/users/bob/search?q=hello&${side}=100000`)).status, 200);
      assert.equal((await t.rest('GET', `/v1/users/bob/search?q=hello&${side}=0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b`)).status, 200);
    }
  });

  it('makes friendship mutual over REST', async () => {
    assert.equal((await t.rest('PUT', '/v1/users/alice/friends/carol')).status, 204);
    assert.equal(await t.server.store.areFriends('carol', 'alice'), true);
    assert.equal((await t.rest('DELETE', '/v1/users/carol/friends/alice')).status, 204);
    assert.equal(await t.server.store.areFriends('alice', 'carol'), false);
    assert.equal((await t.rest('PUT', '/v1/users/alice/friends/ghost')).status, 404);
  });

  it('hides the dev token route outside dev mode', async () => {
    assert.equal((await t.rest('GET', '/v1/dev/token?user=zed', undefined, null)).status, 404);
  });
});

describe('REST in dev mode', () => {
  it('hands out tokens (with iat and exp) at /v1/dev/token, adds the user to group demo, and refuses foreign origins', async () => {
    const t = await startServer({ dev: true });
    await t.rest('PUT', '/v1/users/alice', { name: 'Alice' });
    await t.rest('POST', '/v1/groups', { id: 'demo', name: 'Demo group', members: ['alice'] });
    const foreign = await fetch(`${t.url}/v1/dev/token?user=zed`, { headers: { origin: 'http://example.test' } });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    const res = await fetch(`${t.url}/v1/dev/token?user=zed`);
    const body = (await res.json()) as { userId: string; token: string };
    const claims = JSON.parse(Buffer.from(body.token.split('.')[1]!, 'base64url').toString()) as { iat?: number; exp?: number };
    assert.ok(claims.iat !== undefined && claims.exp !== undefined && claims.exp > claims.iat);
    assert.equal(body.userId, 'zed');
    const s = await t.connect();
    s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: body.token });
    const list = await s.next('sync.conversations');
    assert.deepEqual(list.items.map((c) => c.id), ['group:demo']);
    s.close();
    await t.stop();
  });
});
