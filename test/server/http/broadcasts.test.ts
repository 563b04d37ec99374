import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { PROTOCOL_VERSION, type ServerFrameOf } from '../../../src/protocol/index.js';
import type { ChatServerOptions } from '../../../src/server/index.js';
import { ADMIN_KEY, createUsers, startServer, type TestServer } from '../helpers/test-server.js';
import type { TestSocket } from '../helpers/ws-client.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A clock the test moves by hand; starts at a fixed, realistic time. */
function manualClock(start = Date.UTC(2026, 10, 22, 9, 0, 0)) {
  const clock = Object.assign(() => clock.now, { now: start, advance: (ms: number) => void (clock.now += ms) });
  return clock;
}

const servers: TestServer[] = [];
async function start(options: Partial<ChatServerOptions> = {}): Promise<TestServer> {
  const t = await startServer(options);
  servers.push(t);
  return t;
}
afterEach(async () => {
  for (const t of servers.splice(0)) await t.stop();
});

/** Admin POST without the network: fast enough for a thousand broadcasts. */
async function post(t: TestServer, body: unknown) {
  const res = await t.server.http.inject({ method: 'POST', url: '/v1/broadcasts', headers: { authorization: `Bearer ${ADMIN_KEY}` }, payload: body as object });
  return { status: res.statusCode, body: res.json(), retryAfter: res.headers['retry-after'] };
}

/** Opens a session as `deviceId` of `userId`; resolves after `sync.done`, which follows the stored broadcasts. */
async function loginDevice(t: TestServer, userId: string, deviceId: string): Promise<TestSocket> {
  const s = await t.connect();
  s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token(userId), deviceId });
  await s.next('session.ready');
  await s.next('sync.done');
  return s;
}

type NewFrame = ServerFrameOf<'broadcast.new'>;
const received = (s: TestSocket) => s.received.filter((f): f is NewFrame => f.type === 'broadcast.new').map((f) => f.broadcast.content);

describe('POST /v1/broadcasts limits', () => {
  it('refuses the 11th broadcast in a minute with 416, naming the minute window and when it resets', async () => {
    const clock = manualClock();
    const t = await start({ clock });
    const first = clock.now;
    for (let i = 0; i < 10; i++) {
      assert.equal((await post(t, { content: `n${i}` })).status, 201);
      clock.advance(1000);
    }
    const refused = await post(t, { content: 'eleventh' });
    assert.equal(refused.status, 416);
    assert.deepEqual([refused.body.name, refused.body.code, refused.body.limit, refused.body.max, refused.body.resetAt], ['BROADCAST_RATE_LIMITED', 5001, 'minute', 10, first + MINUTE]);
    assert.equal(refused.retryAfter, String(Math.ceil((first + MINUTE - clock.now) / 1000)));
    clock.now = first + MINUTE + 1;
    assert.equal((await post(t, { content: 'after the window' })).status, 201);
  });

  it('refuses the 1001st broadcast in a day with 416 naming the day window, though the minute has room', async () => {
    const clock = manualClock();
    const t = await start({ clock });
    const first = clock.now;
    for (let i = 0; i < 1000; i++) {
      const res = await post(t, { content: `b${i}` });
      assert.equal(res.status, 201, `broadcast ${i + 1}`);
      clock.advance(6_001); // 10 per minute at most: never the minute limit
    }
    const refused = await post(t, { content: 'one too many' });
    assert.equal(refused.status, 416);
    assert.deepEqual([refused.body.limit, refused.body.max, refused.body.resetAt], ['day', 1000, first + DAY]);
    clock.now = first + DAY + 1;
    assert.equal((await post(t, { content: 'next day' })).status, 201);
  });

  it('takes its limits from options', async () => {
    const clock = manualClock();
    const t = await start({ clock, broadcastsPerMinute: 2 });
    assert.equal((await post(t, { content: 'a' })).status, 201);
    assert.equal((await post(t, { content: 'b' })).status, 201);
    assert.equal((await post(t, { content: 'c' })).body.max, 2);
  });

  it('keeps counting across a server restart', async () => {
    const clock = manualClock();
    const dataDir = mkdtempSync(join(tmpdir(), 'natter-broadcast-restart-'));
    try {
      const first = await startServer({ dataDir, clock });
      for (let i = 0; i < 10; i++) assert.equal((await post(first, { content: `n${i}` })).status, 201);
      await first.stop(false);
      const second = await start({ dataDir, clock });
      assert.equal((await post(second, { content: 'after restart' })).status, 416);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses content over 4096 characters (413) and a ttlSeconds on an online-only broadcast (400)', async () => {
    const t = await start();
    assert.equal((await post(t, { content: 'x'.repeat(4097) })).status, 413);
    assert.equal((await post(t, { content: 'x'.repeat(4096) })).status, 201);
    assert.equal((await post(t, { content: 'x', ttlSeconds: 60 })).status, 400);
    assert.equal((await t.rest('POST', '/v1/broadcasts', { content: 'x' }, null)).status, 403);
  });
});

describe('broadcast delivery', () => {
  it('gives a user who was away exactly the 3 offline broadcasts at login, once, and nothing on the next login', async () => {
    const clock = manualClock();
    const t = await start({ clock });
    await createUsers(t, 'alice', 'bob');
    const alice = await loginDevice(t, 'alice', 'alice-laptop');
    const sent = ['off 1', 'online 1', 'off 2', 'online 2', 'off 3'];
    for (const content of sent) {
      assert.equal((await post(t, { content, offline: content.startsWith('off'), from: 'Ops' })).status, 201);
      clock.advance(1000);
    }
    // Online: every one of them arrives at once, with its sender.
    for (const content of sent) {
      const f = await alice.next('broadcast.new', (x) => x.broadcast.content === content);
      assert.equal(f.broadcast.from, 'Ops');
    }

    const bob = await loginDevice(t, 'bob', 'bob-phone');
    assert.deepEqual(received(bob), ['off 1', 'off 2', 'off 3']);
    // Never part of a conversation, history or unread count.
    assert.deepEqual((await t.rest('GET', '/v1/users/bob/conversations')).body.items, []);
    bob.close();
    const again = await loginDevice(t, 'bob', 'bob-phone');
    assert.deepEqual(received(again), []);

    // Alice had them live on this device: her next session brings none back.
    alice.close();
    assert.deepEqual(received(await loginDevice(t, 'alice', 'alice-laptop')), []);
  });

  it('gives a second device of the same user the stored broadcasts it has not received', async () => {
    const t = await start();
    await createUsers(t, 'bob');
    await post(t, { content: 'kept', offline: true });
    assert.deepEqual(received(await loginDevice(t, 'bob', 'phone')), ['kept']);
    assert.deepEqual(received(await loginDevice(t, 'bob', 'tablet')), ['kept']);
  });

  it('stops delivering an offline broadcast once its ttl has passed', async () => {
    const clock = manualClock();
    const t = await start({ clock });
    await createUsers(t, 'bob');
    const res = await post(t, { content: 'short-lived', offline: true, ttlSeconds: 60 });
    assert.equal(res.body.expiresAt, clock.now + 60_000);
    await post(t, { content: 'default ttl', offline: true });
    clock.advance(60_000);
    assert.deepEqual(received(await loginDevice(t, 'bob', 'd1')), ['default ttl']);
    assert.deepEqual((await t.rest('GET', '/v1/broadcasts')).body.items.map((b: { content: string }) => b.content), ['default ttl']);
    clock.advance(7 * DAY);
    assert.deepEqual(received(await loginDevice(t, 'bob', 'd2')), []);
  });

  it('keeps only the newest 100 offline broadcasts', async () => {
    const t = await start({ broadcastsPerMinute: 1000 });
    await createUsers(t, 'bob');
    for (let i = 1; i <= 105; i++) assert.equal((await post(t, { content: `b${i}`, offline: true })).status, 201);
    const expected = Array.from({ length: 100 }, (_, i) => `b${i + 6}`);
    assert.deepEqual(received(await loginDevice(t, 'bob', 'd')), expected);
    const listed = (await t.rest('GET', '/v1/broadcasts')).body.items as { content: string; offline: boolean }[];
    assert.deepEqual(listed.map((b) => b.content), [...expected].reverse());
    assert.ok(listed.every((b) => b.offline));
  });

  it('withdraws a broadcast: online devices get broadcast.removed, devices that were away hear it at login', async () => {
    const t = await start();
    await createUsers(t, 'alice', 'bob');
    const { body } = await post(t, { content: 'oops', offline: true });
    const bob = await loginDevice(t, 'bob', 'bob-phone');
    assert.deepEqual(received(bob), ['oops']);
    bob.close();
    const alice = await loginDevice(t, 'alice', 'alice-laptop');
    assert.equal((await t.rest('DELETE', `/v1/broadcasts/${body.id}`)).status, 204);
    assert.equal((await alice.next('broadcast.removed')).id, body.id);
    assert.deepEqual((await t.rest('GET', '/v1/broadcasts')).body.items, []);
    assert.equal((await t.rest('DELETE', `/v1/broadcasts/${body.id}`)).status, 404);

    const back = await loginDevice(t, 'bob', 'bob-phone');
    assert.deepEqual(back.received.filter((f) => f.type === 'broadcast.removed'), [{ type: 'broadcast.removed', id: body.id }]);
    assert.deepEqual(received(await loginDevice(t, 'carol', 'new')), []);
  });
});
