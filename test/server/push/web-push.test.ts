/**
 * Web Push end to end (SPEC §10): a real server pushes to a real HTTPS push receiver on
 * 127.0.0.1 (the loopback switch on), which decrypts each push with the subscription's private
 * key and auth secret (http_ece, RFC 8291) and checks what leaves the server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatServerOptions } from '../../../src/server/options.js';
import { pushTopic } from '../../../src/server/push/push-payload.js';
import { fakeBrowser, loopbackCert, startPushReceiver } from '../helpers/push-receiver.js';
import { ADMIN_KEY, cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';
import webPush from 'web-push';
import { GUARD_MS } from '../../guard.js';

async function eventually(check: () => boolean, ms = GUARD_MS): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The `natter_pushes_total` samples and the queue gauge of one scrape of `/metrics`. */
async function pushMetrics(t: TestServer): Promise<Record<string, number>> {
  const body = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }).then((r) => r.text());
  const out: Record<string, number> = {};
  for (const m of body.matchAll(/^natter_pushes_total\{outcome="(\w+)"\} (\d+)$/gm)) out[m[1]!] = Number(m[2]);
  out['queue'] = Number(/^natter_push_queue (\d+)$/m.exec(body)?.[1]);
  return out;
}

type Receiver = Awaited<ReturnType<typeof startPushReceiver>>;

const pushOptions = (over: Partial<NonNullable<ChatServerOptions['push']>> = {}): ChatServerOptions['push'] => ({
  allowLoopback: true, agentOptions: { ca: loopbackCert().cert }, retryBaseMs: 20, ttlSeconds: 600, ...over,
});

async function send(s: TestSocket, conversationId: string, fields: Record<string, unknown> = {}) {
  const clientMsgId = cmid();
  s.send({ type: 'message.send', clientMsgId, conversationId, elem: text(`m-${clientMsgId}`), ...fields });
  return s.next('message.ack', (f) => f.clientMsgId === clientMsgId);
}

async function subscribe(t: TestServer, userId: string, body: unknown) {
  return t.rest('POST', '/v1/push/subscriptions', body, await t.token(userId));
}

describe('Web Push to a local push service', () => {
  let t: TestServer;
  let rx: Receiver;
  const carol = fakeBrowser();
  const dave = fakeBrowser();
  before(async () => {
    rx = await startPushReceiver();
    t = await startServer({ push: pushOptions() });
    await createUsers(t, 'alice', 'bob', 'carol', 'dave');
    await t.rest('POST', '/v1/groups', { id: 'g', name: 'G', members: ['alice', 'bob', 'carol', 'dave'] });
    assert.equal((await subscribe(t, 'carol', carol.subscription(`${rx.url}/carol`, 'c-phone'))).status, 204);
    assert.equal((await subscribe(t, 'dave', dave.subscription(`${rx.url}/dave`, 'd-laptop'))).status, 204);
  });
  after(async () => {
    await t.stop();
    await rx.close();
  });

  it('serves the VAPID public key (a P-256 point), the same on every call', async () => {
    const a = await t.rest('GET', '/v1/push/vapid-public-key', undefined, null);
    assert.equal(a.status, 200);
    assert.equal(Buffer.from(a.body.publicKey, 'base64url').length, 65);
    assert.deepEqual((await t.rest('GET', '/v1/push/vapid-public-key', undefined, null)).body, a.body);
  });

  it('pushes an encrypted offlinePushInfo title and body, with a topic per conversation and the TTL, to each offline recipient', async () => {
    const alice = await t.login('alice');
    const bob = await t.login('bob');
    const ack = await send(alice, 'group:g', { offlinePushInfo: { title: 'Alice in G', body: 'Dinner at 8?' } });
    const pushes = await rx.waitFor(2);
    const byPath = new Map(pushes.map((p) => [p.path, p]));
    assert.deepEqual([...byPath.keys()].sort(), ['/carol', '/dave']);
    const carolPush = byPath.get('/carol')!;
    const payload = JSON.parse(carol.decrypt(carolPush.body));
    assert.deepEqual(payload, { v: 1, title: 'Alice in G', body: 'Dinner at 8?', conversationId: 'group:g', messageId: ack.id, seq: ack.seq, time: ack.time });
    assert.equal(JSON.parse(dave.decrypt(byPath.get('/dave')!.body)).messageId, ack.id);
    assert.throws(() => dave.decrypt(carolPush.body), 'only the subscription\'s own key decrypts it');
    assert.equal(carolPush.headers['content-encoding'], 'aes128gcm');
    assert.equal(carolPush.headers['ttl'], '600');
    assert.equal(carolPush.headers['topic'], pushTopic('group:g'));
    assert.match(String(carolPush.headers['topic']), /^[A-Za-z0-9_-]{32}$/);
    const { publicKey } = (await t.rest('GET', '/v1/push/vapid-public-key', undefined, null)).body;
    assert.match(String(carolPush.headers['authorization']), new RegExp(`^vapid t=[^,]+, k=${publicKey}$`));
    // Nothing of the message but what the payload names: the text is not in the push.
    assert.equal(carol.decrypt(carolPush.body).includes('m-'), false);
    alice.close();
    bob.close();
  });

  it('shows a preview of the text without offlinePushInfo, as the recipient names a 1:1 chat, and nothing for the online or the muted', async () => {
    rx.received.length = 0;
    const alice = await t.login('alice');
    const daveOnline = await t.login('dave');
    await t.server.store.setMute('carol', 'p2p:alice|carol', 0);
    const muted = await send(alice, 'p2p:carol');
    const toDave = await send(alice, 'p2p:dave');
    await t.server.store.setMute('carol', 'p2p:alice|carol', undefined);
    const shown = await send(alice, 'p2p:carol', { elem: text('  Are   you\nthere?  ') });
    const [push] = await rx.waitFor(1);
    const payload = JSON.parse(carol.decrypt(push!.body));
    assert.deepEqual([payload.messageId, payload.title, payload.body, payload.conversationId], [shown.id, 'Alice', 'Are you there?', 'p2p:alice']);
    assert.notEqual(payload.messageId, muted.id);
    assert.equal(push!.headers['topic'], pushTopic('p2p:alice|carol'));
    // Do-not-disturb mutes every conversation: a group message then reaches nobody (dave is online).
    await t.server.store.setMute('carol', '*', 0);
    const quiet = await send(alice, 'group:g');
    await t.server.push!.queue.idle();
    await t.server.store.setMute('carol', '*', undefined);
    const loud = await send(alice, 'group:g');
    const after = await rx.waitFor(2);
    assert.deepEqual(after.map((p) => [p.path, JSON.parse(carol.decrypt(p.body)).messageId]), [['/carol', shown.id], ['/carol', loud.id]]);
    assert.equal(rx.received.some((p) => p.path === '/carol' && JSON.parse(carol.decrypt(p.body)).messageId === quiet.id), false);
    assert.equal(rx.received.filter((p) => p.path === '/dave').length, 0, `dave is online (${toDave.id})`);
    alice.close();
    daveOnline.close();
    await eventually(() => !t.server.core.registry.isOnline('dave'));
  });

  it('pushes a message once even when it is handed over again (a resend another node published)', async () => {
    rx.received.length = 0;
    const alice = await t.login('alice');
    const ack = await send(alice, 'p2p:carol');
    await rx.waitFor(1);
    const found = await t.server.store.findMessage('p2p:alice|carol', ack.id);
    await t.server.push!.handle({ message: { ...found!.message, conversationId: 'p2p:alice' }, recipients: ['carol'] });
    await t.server.push!.queue.idle();
    assert.equal(rx.received.length, 1);
    alice.close();
  });

  it('retries a 500 and a 429, and drops a subscription the push service answers 410 for', async () => {
    rx.received.length = 0;
    rx.setStatus((path, attempt) => (path === '/carol' ? [500, 429, 201][attempt - 1] ?? 201 : 410));
    const retriedBefore = t.server.push!.queue.counts.retried;
    const metricsBefore = await pushMetrics(t);
    const alice = await t.login('alice');
    const ack = await send(alice, 'group:g');
    await rx.waitFor(4);
    await t.server.push!.queue.idle();
    const carolTries = rx.received.filter((p) => p.path === '/carol');
    assert.equal(carolTries.length, 3);
    for (const p of carolTries) assert.equal(JSON.parse(carol.decrypt(p.body)).messageId, ack.id);
    assert.equal(t.server.push!.queue.counts.retried - retriedBefore, 2);
    // /metrics moves with them: carol's push sent after two retries, dave's dropped (410).
    const metrics = await pushMetrics(t);
    const moved = Object.fromEntries(Object.keys(metrics).map((k) => [k, metrics[k]! - (metricsBefore[k] ?? 0)]));
    assert.deepEqual(moved, { sent: 1, gone: 1, failed: 0, retried: 2, dropped: 0, queue: 0 });
    assert.equal(metrics['queue'], 0);
    assert.deepEqual((await t.server.store.pushSubscriptionsOf(['carol', 'dave'])).map((s) => s.userId), ['carol']);
    // dave's subscription is gone: the next message pushes to carol only.
    rx.setStatus(() => 201);
    rx.received.length = 0;
    await send(alice, 'group:g');
    await t.server.push!.queue.idle();
    assert.deepEqual(rx.received.map((p) => p.path), ['/carol']);
    // A 400 is not retried: counted failed.
    const beforeFailed = await pushMetrics(t);
    rx.setStatus(() => 400);
    await send(alice, 'group:g');
    await rx.waitFor(2);
    await t.server.push!.queue.idle();
    const afterFailed = await pushMetrics(t);
    assert.deepEqual([afterFailed['failed']! - beforeFailed['failed']!, afterFailed['retried']! - beforeFailed['retried']!], [1, 0]);
    rx.setStatus(() => 201);
    alice.close();
  });
});

describe('Push subscriptions over REST', () => {
  let t: TestServer;
  let off: TestServer;
  before(async () => {
    t = await startServer({ push: { maxSubscriptionsPerUser: 2 } });
    off = await startServer();
    await createUsers(t, 'erin');
  });
  after(async () => {
    await t.stop();
    await off.stop();
  });
  const browser = fakeBrowser();
  const sub = (endpoint: string, deviceId?: string) => browser.subscription(endpoint, deviceId);

  it('refuses endpoints that are not https on a public address and private names', async () => {
    for (const endpoint of [
      'http://push.example.com/x', 'https://127.0.0.1/x', 'https://127.0.0.1:8443/x', 'https://10.0.0.8/x', 'https://[::1]/x', 'https://169.254.169.254/latest',
      'https://[::ffff:192.168.1.1]/x', 'https://localhost/x', 'https://user:pw@push.example.com/x', 'https://push.example.com:8443/x', 'ftp://push.example.com/x', 'not a url',
    ]) {
      const res = await subscribe(t, 'erin', sub(endpoint));
      assert.equal(res.status, 422, endpoint);
      assert.equal(res.body.name, 'PUSH_ENDPOINT_REFUSED', endpoint);
      assert.equal(res.body.code, 4018);
    }
    assert.deepEqual(await t.server.store.pushSubscriptionsOf(['erin']), []);
  });

  it('checks the keys, the token, the per-user limit, and deletes only an own endpoint', async () => {
    const good = await startServer({ push: pushOptions({ maxSubscriptionsPerUser: 2 }) });
    try {
      await createUsers(good, 'erin', 'finn');
      const base = 'https://127.0.0.1:9/';
      const bad = { endpoint: `${base}k`, keys: { p256dh: Buffer.alloc(65, 4).toString('base64url'), auth: browser.auth.toString('base64url') } };
      assert.equal((await subscribe(good, 'erin', bad)).body.name, 'PUSH_KEYS_INVALID');
      assert.equal((await subscribe(good, 'erin', { ...sub(`${base}k`), keys: { ...sub('x').keys, auth: 'c2hvcnQ' } })).body.code, 4019);
      assert.equal((await subscribe(good, 'erin', { endpoint: `${base}k` })).body.name, 'BAD_REQUEST');
      assert.equal((await good.rest('POST', '/v1/push/subscriptions', sub(`${base}a`), null)).status, 401);
      assert.equal((await subscribe(good, 'erin', sub(`${base}a`, 'd1'))).status, 204);
      assert.equal((await subscribe(good, 'erin', sub(`${base}b`, 'd2'))).status, 204);
      const third = await subscribe(good, 'erin', sub(`${base}c`, 'd3'));
      assert.deepEqual([third.status, third.body.name, third.body.code], [422, 'PUSH_SUBSCRIPTIONS_LIMIT', 5009]);
      assert.equal((await subscribe(good, 'erin', sub(`${base}c`, 'd2'))).status, 204, 'a device replaces its own');
      const del = (user: string, endpoint: string) => good.token(user).then((tok) => good.rest('DELETE', '/v1/push/subscriptions', { endpoint }, tok));
      assert.equal((await del('finn', `${base}a`)).status, 404);
      assert.equal((await del('erin', `${base}a`)).status, 204);
      assert.equal((await del('erin', `${base}a`)).status, 404);
      assert.deepEqual((await good.server.store.pushSubscriptionsOf(['erin'])).map((s) => s.endpoint), [`${base}c`]);
    } finally {
      await good.stop();
    }
  });

  it('answers PUSH_DISABLED on a server without push', async () => {
    const key = await off.rest('GET', '/v1/push/vapid-public-key', undefined, null);
    assert.deepEqual([key.status, key.body.name, key.body.code], [404, 'PUSH_DISABLED', 3014]);
    const res = await off.rest('POST', '/v1/push/subscriptions', sub('https://push.example.com/x'), await off.token('erin'));
    assert.equal(res.body.name, 'PUSH_DISABLED');
  });

  it('keeps the generated VAPID key across a restart (SQLite), and takes keys from the options', async () => {
    const first = await startServer({ push: {} });
    const key = (await first.rest('GET', '/v1/push/vapid-public-key', undefined, null)).body.publicKey;
    await first.stop(false);
    const again = await startServer({ push: {}, dataDir: first.dataDir });
    assert.equal((await again.rest('GET', '/v1/push/vapid-public-key', undefined, null)).body.publicKey, key);
    await again.stop();
    const keys = webPush.generateVAPIDKeys();
    const own = await startServer({ push: { vapidPublicKey: keys.publicKey, vapidPrivateKey: keys.privateKey, vapidSubject: 'https://site.example' } });
    assert.equal((await own.rest('GET', '/v1/push/vapid-public-key', undefined, null)).body.publicKey, keys.publicKey);
    await own.stop();
    await assert.rejects(startServer({ push: { vapidPublicKey: 'nope', vapidPrivateKey: 'nope' } }), TypeError);
    await assert.rejects(startServer({ push: { vapidPublicKey: key } }), TypeError);
  });
});
