/**
 * Webhooks end to end (SPEC §11): a real server (SQLite in a temp dir) and a real HTTP receiver
 * on 127.0.0.1 that checks every signature.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import { startReceiver, until } from '../helpers/webhook-receiver.js';

const SECRET = 'webhook-secret-0123456789';

async function send(t: TestServer, from: string, to: string, words: string): Promise<{ id: string; seq: number }> {
  const res = await t.rest('POST', '/v1/messages', { from, to, elem: text(words), clientMsgId: cmid() });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

describe('webhooks: signed events from a durable queue', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let t: TestServer;
  before(async () => {
    receiver = await startReceiver(SECRET);
    t = await startServer({ webhooks: { urls: [receiver.url], secret: SECRET, backoffMs: 50, backoffMaxMs: 200, pollMs: 50 } });
    await createUsers(t, 'alice', 'bob', 'carol');
  });
  after(async () => {
    await t.stop();
    await receiver.close();
  });

  it('POSTs message.created and change events, signed, with stable ids and the message as stored', async () => {
    const sent = await send(t, 'alice', 'bob', 'hello bob');
    const alice = await t.login('alice');
    const changeId = cmid();
    alice.send({ type: 'change.send', changeId, conversationId: 'p2p:bob', messageId: sent.id, change: { kind: 'edit', text: 'hello, bob' } });
    const ack = await alice.next('change.ack');
    await until(() => receiver.accepted().some((r) => r.id === ack.id), 'the edit event');
    const mine = receiver.accepted().filter((r) => r.id === sent.id || r.id === ack.id);
    assert.deepEqual(mine.map((r) => r.type), ['message.created', 'message.edited']);
    assert.ok(mine.every((r) => r.verified), 'every signature verifies');
    const [created, edited] = mine;
    assert.equal(created!.data.conversation, 'p2p:alice|bob');
    assert.equal(created!.data.message.id, sent.id);
    assert.equal(created!.data.message.seq, sent.seq);
    assert.deepEqual(created!.data.message.elem, text('hello bob'));
    assert.equal(edited!.data.event.seq, ack.seq);
    assert.equal(edited!.data.message.elem.text, 'hello, bob');
    assert.equal(created!.attempt, 1);
  });

  it('delivers every event once a receiver that was failing answers again, in commit order per conversation, same ids', async () => {
    let down = true;
    receiver.respond = () => (down ? 503 : 200);
    const before = receiver.accepted().length;
    const ab: string[] = [];
    const ac: string[] = [];
    for (let i = 0; i < 10; i++) {
      ab.push((await send(t, 'alice', 'bob', `ab ${i}`)).id);
      ac.push((await send(t, 'carol', 'alice', `ac ${i}`)).id);
    }
    await until(() => receiver.requests.filter((r) => r.status === 503).length >= 6, 'failed attempts');
    down = false;
    await until(() => receiver.accepted().length >= before + 20, 'every event after the receiver came back');
    const got = receiver.accepted().slice(before);
    assert.deepEqual(got.filter((r) => ab.includes(r.id)).map((r) => r.id), ab);
    assert.deepEqual(got.filter((r) => ac.includes(r.id)).map((r) => r.id), ac);
    // Retried attempts carried the same event id, and a higher attempt number.
    const retried = receiver.requests.filter((r) => r.id === ab[0]);
    assert.ok(retried.length >= 2 && retried.at(-1)!.attempt > retried[0]!.attempt);
    assert.ok(retried.every((r) => r.raw === retried[0]!.raw), 'the same bytes at every attempt');
    receiver.respond = () => 200;
  });

  it('never follows a redirect: a 3xx is a failed attempt', async () => {
    let redirect = true;
    receiver.respond = () => (redirect ? 302 : 200);
    const m = await send(t, 'bob', 'carol', 'redirected');
    await until(() => receiver.requests.filter((r) => r.id === m.id).length >= 2, 'two attempts');
    redirect = false;
    await until(() => receiver.accepted().some((r) => r.id === m.id), 'the delivery');
    receiver.respond = () => 200;
  });

  it('makes, lists and deletes endpoints over REST, each with its own secret and event filter', async () => {
    const other = await startReceiver('own-secret-0123456789');
    try {
      const made = await t.rest('POST', '/v1/webhooks', { url: other.url, secret: 'own-secret-0123456789', events: ['message.recalled'] });
      assert.equal(made.status, 201);
      assert.match(made.body.id, /^wh_/);
      const list = await t.rest('GET', '/v1/webhooks');
      assert.deepEqual(list.body.items.map((e: { source: string }) => e.source), ['env', 'api']);
      assert.ok(list.body.items.every((e: object) => !('secret' in e)));
      const m = await send(t, 'alice', 'bob', 'to recall');
      const recall = await t.rest('DELETE', `/v1/messages/${m.id}?from=alice&to=bob`);
      assert.equal(recall.status, 200);
      await until(() => other.accepted().length === 1, 'the recall event at the second endpoint');
      assert.equal(other.accepted()[0]!.type, 'message.recalled');
      assert.ok(other.accepted()[0]!.verified);
      assert.equal(other.requests.some((r) => r.type === 'message.created'), false);
      assert.equal((await t.rest('DELETE', `/v1/webhooks/${made.body.id}`)).status, 204);
      assert.equal((await t.rest('DELETE', `/v1/webhooks/${made.body.id}`)).body.name, 'NOT_FOUND');
      assert.equal((await t.rest('DELETE', '/v1/webhooks/env-0')).body.name, 'BAD_REQUEST');
    } finally {
      await other.close();
    }
  });

  it('POSTs group.created, group.members and broadcast.sent events', async () => {
    const before = receiver.accepted().length;
    assert.equal((await t.rest('POST', '/v1/groups', { id: 'hooked', name: 'Hooked', members: ['alice', 'bob'] })).status, 201);
    assert.equal((await t.rest('PUT', '/v1/groups/hooked/members/carol')).status, 200);
    assert.equal((await t.rest('DELETE', '/v1/groups/hooked/members/bob')).status, 200);
    assert.equal((await t.rest('POST', '/v1/broadcasts', { content: 'Maintenance at 6' })).status, 201);
    await until(() => receiver.accepted().slice(before).some((r) => r.type === 'broadcast.sent'), 'the broadcast event');
    await until(() => receiver.accepted().slice(before).filter((r) => r.type.startsWith('group.')).length === 3, 'the group events');
    const got = receiver.accepted().slice(before).filter((r) => r.type !== 'message.created');
    const group = got.filter((r) => r.type.startsWith('group.'));
    assert.deepEqual(group.map((r) => [r.type, r.data]), [
      ['group.created', { group: { id: 'hooked', name: 'Hooked' }, members: ['alice', 'bob'] }],
      ['group.members', { group: { id: 'hooked' }, added: ['carol'] }],
      ['group.members', { group: { id: 'hooked' }, removed: ['bob'] }],
    ]);
    const b = got.find((r) => r.type === 'broadcast.sent')!;
    assert.equal(b.data.broadcast.content, 'Maintenance at 6');
    // Each group change's system notification is a message.created event of the group too.
    // (Delivered per conversation in commit order, but the test may look before the last one lands.)
    await until(() => receiver.accepted().slice(before).filter((r) => r.type === 'message.created' && r.data.conversation === 'group:hooked').length >= 3, 'the notifications');
    assert.equal(receiver.accepted().slice(before).filter((r) => r.type === 'message.created' && r.data.conversation === 'group:hooked').length, 3);
  });

  it('refuses endpoint URLs that are not http(s), and unknown event types', async () => {
    for (const url of ['ftp://127.0.0.1/x', 'file:///etc/passwd', 'javascript:alert(1)', 'http://user:pw@127.0.0.1/', 'not a url']) {
      const res = await t.rest('POST', '/v1/webhooks', { url });
      assert.equal(res.status, 422, url);
      assert.equal(res.body.name, 'WEBHOOK_URL_INVALID');
    }
    const res = await t.rest('POST', '/v1/webhooks', { url: 'http://127.0.0.1:1/', events: ['message.everything'] });
    assert.equal(res.body.name, 'BAD_REQUEST');
  });
});

describe('webhooks: giving up, and the admin view of failed deliveries', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let t: TestServer;
  before(async () => {
    receiver = await startReceiver(SECRET);
    receiver.respond = () => 500;
    t = await startServer({ webhooks: { urls: [receiver.url], secret: SECRET, backoffMs: 50, backoffMaxMs: 100, retryForMs: 1500, pollMs: 50 } });
    await createUsers(t, 'alice', 'bob');
  });
  after(async () => {
    await t.stop();
    await receiver.close();
  });

  it('keeps an event as failed after retrying for the configured time; an admin lists and retries it', async () => {
    const m = await send(t, 'alice', 'bob', 'never arrives');
    let failed: { body: any } = { body: { items: [] } };
    await until(async () => (failed = await t.rest('GET', '/v1/webhooks/failed')).body.items.length === 1, 'the failed delivery');
    const [item] = failed.body.items;
    assert.equal(item.eventId, m.id);
    assert.equal(item.type, 'message.created');
    assert.equal(item.endpointId, 'env-0');
    assert.equal(item.lastError, 'HTTP 500');
    assert.ok(item.attempts >= 2);
    receiver.respond = () => 200;
    assert.deepEqual((await t.rest('POST', '/v1/webhooks/failed/retry', { seqs: [item.seq] })).body, { retried: 1 });
    await until(() => receiver.accepted().some((r) => r.id === m.id), 'the retried delivery');
    assert.deepEqual((await t.rest('GET', '/v1/webhooks/failed')).body.items, []);
    assert.equal((await t.rest('GET', '/v1/webhooks/failed?limit=0')).status, 400);
  });
});

describe('webhooks: the queue survives a restart', () => {
  it('delivers after a restart what was queued while the receiver was down', async () => {
    const receiver = await startReceiver(SECRET);
    receiver.respond = () => 503;
    const options = { webhooks: { urls: [receiver.url], secret: SECRET, backoffMs: 50, backoffMaxMs: 100, pollMs: 50 } };
    const first = await startServer(options);
    try {
      await createUsers(first, 'alice', 'bob');
      const ids = [(await send(first, 'alice', 'bob', 'one')).id, (await send(first, 'alice', 'bob', 'two')).id];
      await until(() => receiver.requests.length >= 2, 'failed attempts');
      await first.stop(false);
      receiver.respond = () => 200;
      const again = await startServer({ ...options, dataDir: first.dataDir });
      try {
        await until(() => receiver.accepted().length === 2, 'the deliveries after the restart');
        assert.deepEqual(receiver.accepted().map((r) => r.id), ids);
      } finally {
        await again.stop();
      }
    } finally {
      await receiver.close();
    }
  });
});
