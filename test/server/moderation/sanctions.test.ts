/** Bans and mutes (SPEC §11) end to end: admin REST, a real server, real sockets. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROTOCOL_VERSION } from '../../../src/protocol/index.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';

async function send(s: TestSocket, conversationId: `p2p:${string}` | `group:${string}`, words: string) {
  s.send({ type: 'message.send', clientMsgId: cmid(), conversationId, elem: text(words) });
  return s.nextOf(['message.ack', 'message.error']);
}

describe('moderation: bans and mutes', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
    await createUsers(t, 'alice', 'bob', 'carol');
    await t.rest('POST', '/v1/groups', { id: 'g', name: 'G', members: ['alice', 'bob', 'carol'] });
    await t.rest('POST', '/v1/groups', { id: 'h', name: 'H', members: ['alice', 'bob'] });
  });
  after(() => t.stop());

  it('mutes a user in one group until a time: their sends there are refused MUTED with why and until when, elsewhere not', async () => {
    const until = Date.now() + 3_600_000;
    const res = await t.rest('PUT', '/v1/users/alice/mute', { groupId: 'g', until, reason: 'Cool down for an hour.' });
    assert.equal(res.status, 200);
    const alice = await t.login('alice');
    const refused = await send(alice, 'group:g', 'let me talk');
    assert.equal(refused.type, 'message.error');
    const e = refused as { name: string; code: number; reason?: string; retryAfterMs?: number; message: string };
    assert.deepEqual([e.name, e.code, e.reason], ['MUTED', 3010, 'Cool down for an hour.']);
    assert.ok(e.retryAfterMs! > 3_500_000 && e.message.includes(new Date(until).toISOString()));
    assert.equal((await send(alice, 'group:h', 'fine here')).type, 'message.ack');
    assert.equal((await send(alice, 'p2p:bob', 'and here')).type, 'message.ack');
    // Admin sends as alice are the site's own: not muted.
    assert.equal((await t.rest('POST', '/v1/messages', { from: 'alice', groupId: 'g', elem: text('by the site') })).status, 200);
    assert.equal((await t.rest('DELETE', '/v1/users/alice/mute?groupId=g')).status, 204);
    assert.equal((await send(alice, 'group:g', 'back')).type, 'message.ack');
    assert.equal((await t.rest('DELETE', '/v1/users/alice/mute?groupId=g')).body.name, 'NOT_FOUND');
  });

  it('mutes everywhere, for good until lifted; lists the sanctions', async () => {
    assert.equal((await t.rest('PUT', '/v1/users/bob/mute', {})).status, 200);
    const bob = await t.login('bob');
    for (const c of ['group:g', 'group:h', 'p2p:alice'] as const) assert.equal((await send(bob, c, 'hi')).type, 'message.error');
    const list = await t.rest('GET', '/v1/users/bob/sanctions');
    assert.deepEqual(list.body.items.map((s: { kind: string; scope: string; until: null }) => [s.kind, s.scope, s.until]), [['mute', '', null]]);
    await t.rest('DELETE', '/v1/users/bob/mute');
    assert.equal((await send(bob, 'p2p:alice', 'hi')).type, 'message.ack');
  });

  it('bans a user: open sessions are closed, new ones refused USER_BANNED; lifting it lets them in', async () => {
    const carol = await t.login('carol');
    assert.equal((await t.rest('PUT', '/v1/users/carol/ban', { reason: 'Spam.' })).status, 200);
    const closed = await carol.closedBy();
    assert.ok(closed.code >= 4000, `closed with ${closed.code} ${closed.reason}`);
    const again = await t.connect();
    again.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token('carol') });
    const err = await again.next('error');
    assert.deepEqual([err.name, err.code, (err as { reason?: string }).reason], ['USER_BANNED', 2006, 'Spam.']);
    assert.equal((await t.rest('DELETE', '/v1/users/carol/ban')).status, 204);
    await t.login('carol');
  });

  it('refuses bad input: unknown users, a time in the past, unknown fields', async () => {
    assert.equal((await t.rest('PUT', '/v1/users/nobody/ban', {})).body.name, 'USER_UNKNOWN');
    assert.equal((await t.rest('PUT', '/v1/users/alice/mute', { until: 1 })).body.name, 'BAD_REQUEST');
    assert.equal((await t.rest('PUT', '/v1/users/alice/ban', { admin: true })).status, 400);
    assert.equal((await t.rest('PUT', '/v1/users/alice/mute', { groupId: '../x' })).status, 400);
  });
});
