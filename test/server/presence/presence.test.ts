/** Online / last seen (SPEC §13): who may watch whom, throttled updates, opt-outs, two nodes. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PresenceItem, ServerFrameOf } from '../../../src/protocol/index.js';
import { Redis } from 'ioredis';
import { REDIS_URL, requirePostgres, requireRedis } from '../helpers/services.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import { twoNodes } from '../helpers/two-nodes.js';
import type { TestSocket } from '../helpers/ws-client.js';
import { GUARD_MS, until } from '../../guard.js';

await requirePostgres();
await requireRedis();

const INTERVAL = 250;
let n = 0;

/** Sends `presence.watch` and returns its answer (`presence.updated` or `error`). */
async function watch(s: TestSocket, userIds: string[]) {
  const reqId = `pw-${++n}`;
  s.send({ type: 'presence.watch', reqId, userIds });
  return (await answerTo(s, reqId)) as ServerFrameOf<'presence.updated'> | ServerFrameOf<'error'>;
}

/** The frame answering `reqId`, whatever its type (polled with a deadline). */
async function answerTo(s: TestSocket, reqId: string) {
  for (const deadline = Date.now() + GUARD_MS; Date.now() < deadline; await new Promise((r) => setTimeout(r, 10))) {
    const i = s.received.findIndex((f) => (f as { reqId?: string }).reqId === reqId);
    if (i >= 0) return s.received.splice(i, 1)[0]!;
  }
  throw new Error(`no answer to ${reqId}`);
}

async function setVisible(s: TestSocket, visible: boolean) {
  const reqId = `ps-${++n}`;
  s.send({ type: 'presence.set', reqId, visible });
  return answerTo(s, reqId);
}

/** The next unrequested update that has an item for `userId`, and that item. */
async function update(s: TestSocket, userId: string, ms = 10_000): Promise<PresenceItem> {
  const f = await s.next('presence.updated', (f) => f.reqId === undefined && f.items.some((i) => i.userId === userId), ms);
  return f.items.find((i) => i.userId === userId)!;
}

async function say(t: TestServer, from: string, to: string) {
  const s = await t.login(from);
  s.send({ type: 'message.send', clientMsgId: cmid(), conversationId: `p2p:${to}`, elem: text('hi') });
  await s.next('message.ack');
  s.close();
}

describe('presence on one node', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ presence: { intervalMs: INTERVAL } });
    await createUsers(t, 'alice', 'bob', 'carol', 'dave', 'zed');
    await say(t, 'bob', 'alice');
    await say(t, 'carol', 'alice');
    await t.rest('PUT', '/v1/users/alice/friends/dave');
  });
  after(() => t.stop());

  it('refuses to watch a stranger (no 1:1 chat, not a friend) with PRESENCE_FORBIDDEN, and watches nobody then', async () => {
    const alice = await t.login('alice');
    const refused = await watch(alice, ['bob', 'zed']);
    assert.equal(refused.type, 'error');
    assert.deepEqual([(refused as ServerFrameOf<'error'>).name, (refused as ServerFrameOf<'error'>).code], ['PRESENCE_FORBIDDEN', 3021]);
    const zed = await t.login('zed');
    zed.close();
    await alice.roundTrip();
    assert.equal(alice.pending('presence.updated').length, 0);
    alice.close();
  });

  it('answers a watch of 1:1 peers and friends with their states, then pushes online and last seen after a disconnect', async () => {
    const bob = await t.login('bob');
    const alice = await t.login('alice');
    const answer = (await watch(alice, ['bob', 'dave', 'bob', 'alice'])) as ServerFrameOf<'presence.updated'>;
    assert.equal(answer.type, 'presence.updated');
    assert.equal(answer.visible, true);
    assert.deepEqual(answer.items.map((i) => [i.userId, i.online]).sort(), [['bob', true], ['dave', false]]);
    const dave = await t.login('dave');
    assert.deepEqual(await update(alice, 'dave'), { userId: 'dave', online: true });
    const before = Date.now();
    bob.close();
    const gone = await update(alice, 'bob');
    assert.equal(gone.online, false);
    assert.ok(gone.lastSeen! >= before - 1000 && gone.lastSeen! <= Date.now(), `last seen at the disconnect (${gone.lastSeen})`);
    // A new watch answers the last seen too.
    const again = (await watch(alice, ['bob'])) as ServerFrameOf<'presence.updated'>;
    assert.deepEqual(again.items, [gone]);
    dave.close();
    alice.close();
  });

  it('coalesces a flapping user: 12 flaps (24 changes) make at most one frame per interval, ending in the last state', async () => {
    const alice = await t.login('alice');
    await watch(alice, ['carol']);
    const started = Date.now();
    for (let i = 0; i < 12; i++) {
      const carol = await t.login('carol');
      carol.close();
    }
    const carol = await t.login('carol');
    const flapped = Date.now() - started;
    const carolItems = () => alice.pending('presence.updated').filter((f) => !f.reqId).flatMap((f) => f.items).filter((i) => i.userId === 'carol');
    // The last state arrives within an interval or two of the last flap (polled with a deadline).
    for (const deadline = Date.now() + 10_000; carolItems().at(-1)?.online !== true; await new Promise((r) => setTimeout(r, 20))) {
      assert.ok(Date.now() < deadline, `the last state, online, arrives (items: ${JSON.stringify(carolItems())})`);
    }
    await new Promise((r) => setTimeout(r, INTERVAL * 2)); // any frame still due would arrive now: it is counted too
    const frames = alice.pending('presence.updated').filter((f) => !f.reqId).length;
    const bound = Math.ceil((Date.now() - started) / INTERVAL) + 1;
    console.log(`# presence: ${frames} frames for 12 flaps in ${flapped} ms (interval ${INTERVAL} ms, bound ${bound})`);
    assert.ok(frames <= bound, `${frames} frames for 12 flaps in ${flapped} ms (bound ${bound})`);
    // Unthrottled, each of the 24 changes would make a frame.
    assert.ok(frames < 24, `${frames} frames, fewer than the changes`);
    assert.equal(carolItems().at(-1)?.online, true, 'the last item says online');
    carol.close();
    alice.close();
  });

  it('hides a person who blocked the watcher (and one the watcher blocked), also when the block comes later', async () => {
    const carol = await t.login('carol');
    const alice = await t.login('alice');
    let answer = (await watch(alice, ['carol'])) as ServerFrameOf<'presence.updated'>;
    assert.deepEqual(answer.items, [{ userId: 'carol', online: true }]);
    await t.rest('PUT', '/v1/users/carol/blocklist/alice');
    assert.deepEqual(await update(alice, 'carol'), { userId: 'carol', online: false });
    answer = (await watch(alice, ['carol'])) as ServerFrameOf<'presence.updated'>;
    assert.deepEqual(answer.items, [{ userId: 'carol', online: false }]);
    carol.close();
    await t.rest('DELETE', '/v1/users/carol/blocklist/alice');
    // Unblocked: carol's last seen shows again.
    assert.equal(typeof (await update(alice, 'carol')).lastSeen, 'number');
    await t.rest('PUT', '/v1/users/alice/blocklist/carol');
    answer = (await watch(alice, ['carol'])) as ServerFrameOf<'presence.updated'>;
    assert.deepEqual(answer.items, [{ userId: 'carol', online: false }]);
    await t.rest('DELETE', '/v1/users/alice/blocklist/carol');
    alice.close();
  });

  it('a user who hides their presence appears offline without last seen, and sees no one\'s last seen', async () => {
    const bobPhone = await t.login('bob');
    const bobLaptop = await t.login('bob');
    const alice = await t.login('alice');
    await watch(alice, ['bob']);
    assert.equal((await setVisible(bobPhone, false)).type, 'ok');
    for (const s of [bobPhone, bobLaptop]) assert.equal((await s.next('presence.updated', (f) => f.visible !== undefined)).visible, false);
    assert.deepEqual(await update(alice, 'bob'), { userId: 'bob', online: false });
    // Hidden bob watching alice: online shows, her last seen does not.
    const bobWatch = (await watch(bobLaptop, ['alice'])) as ServerFrameOf<'presence.updated'>;
    assert.deepEqual(bobWatch.items, [{ userId: 'alice', online: true }]);
    assert.equal(bobWatch.visible, false);
    alice.close();
    assert.deepEqual(await update(bobLaptop, 'alice'), { userId: 'alice', online: false });
    // Visible again: everyone sees him, and he sees alice's last seen.
    await setVisible(bobLaptop, true);
    assert.equal(typeof (await update(bobLaptop, 'alice')).lastSeen, 'number');
    const alice2 = await t.login('alice');
    assert.deepEqual(((await watch(alice2, ['bob'])) as ServerFrameOf<'presence.updated'>).items, [{ userId: 'bob', online: true }]);
    for (const s of [bobPhone, bobLaptop, alice2]) s.close();
  });
});

describe('presence: a comeback at once, a reload never', () => {
  // The batch is a minute here: within the 30 s guard, only the immediate path can tell anyone.
  let slow: TestServer;
  // Six seconds here: a flush comes while a reload is under way, and the login that ends it has
  // an interval to reach the server before the next flush (logins have taken 5 s at load 20).
  let t: TestServer;
  before(async () => {
    [slow, t] = await Promise.all([startServer({ presence: { intervalMs: 60_000 } }), startServer({ presence: { intervalMs: 6000 } })]);
    for (const s of [slow, t]) {
      await createUsers(s, 'alice', 'bob', 'carol');
      await say(s, 'bob', 'alice');
      await say(s, 'carol', 'alice');
    }
  });
  after(() => Promise.all([slow.stop(), t.stop()]));

  it('tells a watcher at once that a peer who was offline came back, without waiting for the batch', async () => {
    const alice = await slow.login('alice');
    const answer = (await watch(alice, ['bob'])) as ServerFrameOf<'presence.updated'>;
    assert.equal(answer.items[0]?.online, false);
    assert.equal(typeof answer.items[0]?.lastSeen, 'number', 'bob was seen (say) and left');
    const started = performance.now();
    const bob = await slow.login('bob');
    // The batch would send it after 60 s, long after this guard.
    assert.deepEqual(await update(alice, 'bob', GUARD_MS), { userId: 'bob', online: true });
    console.log(`# presence: a comeback seen ${Math.round(performance.now() - started)} ms after the login began (batch: 60000 ms)`);
    bob.close();
    alice.close();
  });

  it('sends no offline for a peer who reloads (back before an interval has passed), though a flush came meanwhile', async () => {
    const bob = await t.login('bob');
    const carol = await t.login('carol');
    const alice = await t.login('alice');
    const answer = (await watch(alice, ['bob', 'carol'])) as ServerFrameOf<'presence.updated'>;
    assert.deepEqual(answer.items.map((i) => i.online), [true, true]);
    // Carol's hiding arms the batch's timer; bob's reload starts after, and its flush (carol's
    // update) finds him gone: it must not say so.
    // Every unrequested item alice is sent, read without consuming the frames.
    const items = (userId: string) => alice.pending('presence.updated').filter((f) => f.reqId === undefined).flatMap((f) => f.items).filter((i) => i.userId === userId);
    await setVisible(carol, false);
    bob.close();
    await until(() => items('carol').some((i) => !i.online), "carol's hiding, in the flush after bob left");
    const bob2 = await t.login('bob');
    // The next flush would send bob's offline if it were still held: carol's next change shows it came.
    await setVisible(carol, true);
    await until(() => items('carol').at(-1)?.online, "carol's showing again, in a later flush");
    assert.deepEqual(items('bob'), [], 'no item about bob: neither an offline nor an online');
    alice.received.length = 0;
    // A real departure is still told, with its last seen, once an interval has passed.
    bob2.close();
    const gone = await update(alice, 'bob', GUARD_MS);
    assert.equal(gone.online, false);
    assert.equal(typeof gone.lastSeen, 'number');
    for (const s of [carol, alice]) s.close();
  });
});

describe('presence options', () => {
  it('refuses an interval that is not a positive integer before opening anything', async () => {
    for (const presence of [{ intervalMs: 0 }, { sweepMs: 1.5 }]) {
      await assert.rejects(startServer({ presence }), (e: Error) => e instanceof TypeError && /presence\.(intervalMs|sweepMs)/.test(e.message), JSON.stringify(presence));
    }
  });
});

describe('presence turned off by the site', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ presence: false });
    await createUsers(t, 'alice', 'bob');
    await say(t, 'bob', 'alice');
  });
  after(() => t.stop());

  it('answers watch and set with PRESENCE_DISABLED and sends no presence frame', async () => {
    const alice = await t.login('alice');
    const refused = (await watch(alice, ['bob'])) as ServerFrameOf<'error'>;
    assert.deepEqual([refused.type, refused.name, refused.code], ['error', 'PRESENCE_DISABLED', 3022]);
    assert.equal(((await setVisible(alice, false)) as ServerFrameOf<'error'>).name, 'PRESENCE_DISABLED');
    const bob = await t.login('bob');
    bob.close();
    await alice.roundTrip();
    assert.equal(alice.pending('presence.updated').length, 0);
    alice.close();
  });
});

describe('presence across two nodes (PostgreSQL, Redis)', () => {
  const nodes = twoNodes({ presence: { intervalMs: INTERVAL, sweepMs: 400 } });
  before(async () => {
    await createUsers(nodes.a, 'alice', 'bob');
    await say(nodes.a, 'bob', 'alice');
  });

  it('a watcher on node A sees a peer come online on node B, go offline with a last seen, and hide', async () => {
    const alice = await nodes.a.login('alice');
    assert.deepEqual(((await watch(alice, ['bob'])) as ServerFrameOf<'presence.updated'>).items.map((i) => i.online), [false]);
    const bob = await nodes.b.login('bob');
    assert.deepEqual(await update(alice, 'bob'), { userId: 'bob', online: true });
    const before = Date.now();
    bob.close();
    const gone = await update(alice, 'bob');
    assert.equal(gone.online, false);
    assert.ok(gone.lastSeen! >= before - 1000);
    const bob2 = await nodes.b.login('bob');
    assert.deepEqual(await update(alice, 'bob'), { userId: 'bob', online: true });
    await setVisible(bob2, false);
    assert.deepEqual(await update(alice, 'bob'), { userId: 'bob', online: false });
    // Another node reads the stored setting: a fresh watch there shows bob hidden too.
    const carolless = await nodes.b.login('alice');
    assert.deepEqual(((await watch(carolless, ['bob'])) as ServerFrameOf<'presence.updated'>).items, [{ userId: 'bob', online: false }]);
    for (const s of [alice, bob2, carolless]) s.close();
  });

  it("the sweep tells a watcher that the user of a node that died went offline, with a last seen", async () => {
    await createUsers(nodes.a, 'dan');
    await say(nodes.a, 'dan', 'alice');
    const dan = await nodes.b.login('dan');
    const alice = await nodes.a.login('alice');
    assert.deepEqual(((await watch(alice, ['dan'])) as ServerFrameOf<'presence.updated'>).items, [{ userId: 'dan', online: true }]);
    // Node B dies: nothing withdraws dan's entry, which expires (removed here as the expiry would);
    // no event says so, the sweep finds it.
    const redis = new Redis(REDIS_URL);
    await redis.del(`${nodes.redisPrefix}presence:dan`);
    redis.disconnect();
    const gone = await update(alice, 'dan');
    assert.equal(gone.online, false);
    assert.equal(typeof gone.lastSeen, 'number', 'last seen as of its last refresh');
    dan.close();
    alice.close();
  });
});
