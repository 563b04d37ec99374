/**
 * Unread reminders (`message.unread`, after Stream Chat's `user.unread_message_reminder`): a
 * durable, delayed webhook event per member and conversation whose messages stayed unread for
 * `unreadReminders.afterMs`, once per unread stretch, and none for those who read in time, muted
 * the conversation, set do-not-disturb, are banned, blocked the peer or are online. On SQLite
 * and PostgreSQL with a real receiver; across a restart; on a cluster of two nodes, sent once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serverOnEachStore } from '../helpers/store-server.js';
import { freshSchema, requirePostgres } from '../helpers/services.js';
import { cmid, createUsers, startServer, text, type TestServer } from '../helpers/test-server.js';
import { twoNodes } from '../helpers/two-nodes.js';
import { resolveOptions } from '../../../src/server/options.js';
import { unreadRemindersFromEnv } from '../../../src/server/webhooks/unread-reminders.js';
import { startReceiver, until } from '../helpers/webhook-receiver.js';
import type { TestSocket } from '../helpers/ws-client.js';

const SECRET = 'webhook-secret-0123456789';
const AFTER_MS = 1200;
const REMIND = { unreadReminders: { afterMs: AFTER_MS, pollMs: 100 }, webhooks: { backoffMs: 50, backoffMaxMs: 200, pollMs: 50, refreshMs: 100 } };

let receiver: Awaited<ReturnType<typeof startReceiver>>;
before(async () => {
  receiver = await startReceiver(SECRET);
});
after(() => receiver.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const remindersOf = (user: string) => receiver.accepted().filter((r) => r.type === 'message.unread' && r.data.user === user);
const endpoint = async (t: TestServer, events = ['message.unread']) => {
  const made = await t.rest('POST', '/v1/webhooks', { url: receiver.url, secret: SECRET, events });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return made.body.id as string;
};
async function send(t: TestServer, from: string, to: string, words: string): Promise<{ id: string; seq: number }> {
  const res = await t.rest('POST', '/v1/messages', { from, to, elem: text(words), clientMsgId: cmid() });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}
/** One frame round trip answered `ok`. */
async function request(s: TestSocket, frame: Record<string, unknown>): Promise<void> {
  s.send({ ...frame, reqId: 'q' });
  const f = await s.nextOf(['ok', 'error']);
  assert.equal(f.type, 'ok', JSON.stringify(f));
}
/** `user` reads the 1:1 chat with `peer` up to `seq` on a device that then goes away. */
async function readUpTo(t: TestServer, user: string, peer: string, seq: number): Promise<void> {
  const s = await t.login(user);
  await request(s, { type: 'conversation.read', conversationId: `p2p:${peer}`, seq });
  s.close();
}
/** Names unique to one suite (one receiver for every store). */
const names = (...us: string[]) => {
  const tag = Math.random().toString(36).slice(2, 7);
  return us.map((u) => `${u}${tag}`);
};

serverOnEachStore('webhooks: message.unread', (server) => {
  before(async () => {
    await endpoint(server());
  });

  it('reminds once per unread stretch, with the count and the newest messages; a read starts a new stretch', async () => {
    const t = server();
    const [ann, bob] = names('ann', 'bob') as [string, string];
    await createUsers(t, ann, bob);
    const started = Date.now();
    const sent = [await send(t, ann, bob, 'one'), await send(t, ann, bob, 'two'), await send(t, ann, bob, 'three'), await send(t, ann, bob, 'four')];
    await until(() => remindersOf(bob).length >= 1, 'the reminder');
    assert.ok(Date.now() - started >= AFTER_MS, 'not before the first message was unread afterMs');
    const [first] = remindersOf(bob);
    assert.ok(first!.verified);
    assert.equal(first!.data.conversation, [ann, bob].sort().join('|').replace(/^/, 'p2p:'));
    assert.equal(first!.data.conversationId, `p2p:${ann}`);
    assert.equal(first!.data.unreadCount, 4);
    // The newest three, newest first, with the push's title and preview.
    assert.deepEqual(first!.data.messages.map((m: { id: string; preview: string; sender: string; title: string }) => [m.id, m.preview, m.sender, m.title]), [
      [sent[3]!.id, 'four', ann, ann[0]!.toUpperCase() + ann.slice(1)],
      [sent[2]!.id, 'three', ann, ann[0]!.toUpperCase() + ann.slice(1)],
      [sent[1]!.id, 'two', ann, ann[0]!.toUpperCase() + ann.slice(1)],
    ]);
    // More messages in the same stretch remind of nothing more.
    await send(t, ann, bob, 'five');
    await sleep(AFTER_MS + 800);
    assert.equal(remindersOf(bob).length, 1);
    // A read starts a new stretch: the next message left unread that long is reminded of again,
    // with everything still unread counted.
    await readUpTo(t, bob, ann, sent[1]!.seq);
    const six = await send(t, ann, bob, 'six');
    await until(() => remindersOf(bob).length >= 2, 'the reminder of the new stretch');
    const second = remindersOf(bob)[1]!;
    assert.notEqual(second.id, first!.id);
    assert.equal(second.data.unreadCount, 4);
    assert.equal(second.data.readSeq, sent[1]!.seq);
    assert.equal(second.data.messages[0].id, six.id);
    await sleep(AFTER_MS + 500);
    assert.equal(remindersOf(bob).length, 2);
    // Nobody is reminded of their own messages.
    assert.equal(remindersOf(ann).length, 0);
  });

  it('reminds nobody who read in time, muted the conversation, set do-not-disturb, is banned, blocked the sender or is online', async () => {
    const t = server();
    const [ann, reader, muter, dnd, banned, blocker, online, control] = names('ann', 'reader', 'muter', 'dnd', 'banned', 'blocker', 'online', 'control');
    await createUsers(t, ann!, reader!, muter!, dnd!, banned!, blocker!, online!, control!);
    // A 1:1 chat is muted once there is something in it: read, then muted.
    const earlier = await send(t, ann!, muter!, 'before the mute');
    const m = await t.login(muter!);
    await request(m, { type: 'conversation.read', conversationId: `p2p:${ann}`, seq: earlier.seq });
    await request(m, { type: 'mute.set', conversationId: `p2p:${ann}`, until: 0 });
    m.close();
    const d = await t.login(dnd!);
    await request(d, { type: 'mute.set', until: 0 });
    d.close();
    assert.equal((await t.rest('PUT', `/v1/users/${banned}/ban`, { reason: 'spam' })).status, 200);
    const here = await t.login(online!);
    // The reader's device is there before its message, which comes last, so the read follows it by
    // one round trip, with room within AFTER_MS at load. (Its message sent first and read after six
    // more sends and a login, at load 20 the read came 1.2 s late: the reader was reminded.)
    const r = await t.login(reader!);
    for (const u of [muter, dnd, banned, blocker, online, control]) await send(t, ann!, u!, `hello ${u}`);
    // The blocker blocks the sender once the message is there (it stays unread).
    assert.equal((await t.rest('PUT', `/v1/users/${blocker}/blocklist/${ann}`)).status, 204);
    const read = await send(t, ann!, reader!, `hello ${reader}`);
    await request(r, { type: 'conversation.read', conversationId: `p2p:${ann}`, seq: read.seq });
    r.close();
    await until(() => remindersOf(control!).length === 1, 'the control reminder');
    await sleep(500);
    for (const u of [reader, muter, dnd, banned, blocker, online]) assert.deepEqual(remindersOf(u!), [], `${u} is not reminded`);
    here.close();
  });

  it('reminds nobody of a message recalled, or deleted by them for themselves, before it came due, and leaves those out of a reminder', async () => {
    const t = server();
    const [ann, bob, cat, dee] = names('ann', 'bob', 'cat', 'dee') as [string, string, string, string];
    await createUsers(t, ann, bob, cat, dee);
    const kept = await send(t, ann, bob, 'fine words');
    const gone = await send(t, ann, bob, 'secret regret');
    assert.equal((await t.rest('DELETE', `/v1/messages/${gone.id}?from=${ann}&to=${bob}`)).status, 200);
    const only = await send(t, ann, cat, 'only regret');
    assert.equal((await t.rest('DELETE', `/v1/messages/${only.id}?from=${ann}&to=${cat}`)).status, 200);
    const mine = await send(t, ann, dee, 'not for my inbox');
    const d = await t.login(dee);
    d.send({ type: 'change.send', changeId: cmid(), conversationId: `p2p:${ann}`, messageId: mine.id, change: { kind: 'hide' } });
    await d.next('change.ack');
    d.close();
    await until(() => remindersOf(bob).length === 1, "bob's reminder");
    assert.deepEqual(remindersOf(bob)[0]!.data.messages.map((m: { id: string; preview: string }) => [m.id, m.preview]), [[kept.id, 'fine words']]);
    await sleep(AFTER_MS);
    assert.deepEqual([remindersOf(cat), remindersOf(dee)], [[], []]);
  });

  it('drops a reminder held up by an endpoint that was down once the member has read', async () => {
    const t = server();
    const [ann, bob] = names('ann', 'bob') as [string, string];
    await createUsers(t, ann, bob);
    receiver.respond = (r) => (r.type === 'message.unread' && r.data.user === bob ? 503 : 200);
    const attempts = () => receiver.requests.filter((r) => r.type === 'message.unread' && r.data.user === bob).length;
    try {
      const said = await send(t, ann, bob, 'while the endpoint is down');
      await until(() => attempts() >= 2, 'attempts');
      await readUpTo(t, bob, ann, said.seq);
      // An attempt under way at the read may still arrive; then retries (every 50–200 ms) stop.
      await sleep(300);
      const before = attempts();
      await sleep(1000);
      assert.equal(attempts(), before, 'no attempt after the read');
    } finally {
      receiver.respond = () => 200;
    }
    // Dropped, not kept as failed.
    assert.deepEqual((await t.rest('GET', '/v1/webhooks/failed')).body.items.filter((r: { type: string }) => r.type === 'message.unread'), []);
  });
}, REMIND);

describe('webhooks: message.unread survives a restart', () => {
  for (const store of ['sqlite', 'postgres'] as const) {
    it(`reminds after a restart of what was sent before it (${store})`, async () => {
      const db = store === 'postgres' ? (await requirePostgres(), await freshSchema()) : undefined;
      const options = { ...REMIND, ...(db && { databaseUrl: db.url }) };
      const first = await startServer(options);
      const [ann, bob] = names('ann', 'bob') as [string, string];
      let again: TestServer | undefined;
      try {
        const hook = await endpoint(first);
        await createUsers(first, ann, bob);
        const sent = await send(first, ann, bob, 'before the restart');
        // Stopped before the reminder is due, started again after it.
        await first.stop(false);
        await sleep(AFTER_MS + 300);
        assert.equal(remindersOf(bob).length, 0);
        again = await startServer({ ...options, dataDir: first.dataDir });
        await until(() => remindersOf(bob).length === 1, 'the reminder after the restart');
        assert.deepEqual(remindersOf(bob)[0]!.data.messages.map((m: { id: string }) => m.id), [sent.id]);
        await again.rest('DELETE', `/v1/webhooks/${hook}`);
      } finally {
        await again?.stop();
        await db?.drop();
      }
    });
  }
});

describe('webhooks: message.unread on a cluster of two nodes', () => {
  const nodes = twoNodes(REMIND);
  it('is sent once, though both nodes scan', async () => {
    const { a, b } = nodes;
    const hook = await endpoint(a);
    const users = names('ann', 'bob', 'cat', 'dan');
    await createUsers(a, ...users);
    const [ann, ...others] = users as [string, ...string[]];
    // Both nodes have the endpoint before the messages come due.
    await sleep(300);
    for (const [i, u] of others.entries()) await send(i % 2 ? a : b, ann, u, `hi ${u}`);
    await until(() => others.every((u) => remindersOf(u).length >= 1), 'a reminder each');
    await sleep(AFTER_MS + 500);
    for (const u of others) assert.equal(remindersOf(u).length, 1, `${u}: one reminder`);
    await b.rest('DELETE', `/v1/webhooks/${hook}`);
  });
});

serverOnEachStore('unread reminders: the store', (server) => {
  it('finds the members with messages unread from a window, and lets one claim per stretch through, none after a read', async () => {
    const t = server();
    const store = t.server.store;
    const [ann, bob] = names('ann', 'bob') as [string, string];
    await createUsers(t, ann, bob);
    const from = Date.now() - 1;
    const one = await send(t, ann, bob, 'one');
    await send(t, ann, bob, 'two');
    const to = Date.now() + 1;
    const key = `p2p:${[ann, bob].sort().join('|')}`;
    const found = (await store.unreadCandidates(from, to)).filter((c) => c.key === key);
    // Not the sender (nothing from others unread); nothing from before the window.
    assert.deepEqual(found.map((c) => [c.userId, c.readSeq, c.toSeq]), [[bob, 0, 2]]);
    assert.deepEqual((await store.unreadCandidates(to, to + 1000)).filter((c) => c.key === key), []);
    const event = (n: string) => ({ eventId: `unread-test-${n}-${bob}`, endpointId: 'nowhere', type: 'message.unread' as const, key, time: Date.now(), payload: '{}' });
    // Two claims of one stretch at once (two nodes): one goes through.
    const both = await Promise.all([
      store.claimUnreadReminders([{ userId: bob, key, readSeq: 0, events: [event('a')] }]),
      store.claimUnreadReminders([{ userId: bob, key, readSeq: 0, events: [event('b')] }]),
    ]);
    assert.deepEqual(both.flat().sort(), [false, true]);
    assert.deepEqual((await store.unreadCandidates(from, to)).filter((c) => c.key === key), []);
    // Bob answers: Ann has something from someone else unread now.
    await send(t, bob, ann, 'three');
    assert.deepEqual((await store.unreadCandidates(from, Date.now() + 1)).filter((c) => c.key === key).map((c) => [c.userId, c.readSeq, c.toSeq]), [[ann, 0, 3]]);
    // A read since the scan: the claim of the old stretch goes nowhere.
    await store.markRead(ann, key, one.seq);
    assert.deepEqual(await store.claimUnreadReminders([{ userId: ann, key, readSeq: 0, events: [event('c')] }]), [false]);
    // The new stretch is claimed once.
    assert.deepEqual(await store.claimUnreadReminders([{ userId: ann, key, readSeq: one.seq, events: [event('d')] }]), [true]);
    const queued = (await store.claimWebhooks('test', Date.now() + 60_000, 1000, 100, 100)).filter((r) => r.key === key && r.eventId.startsWith('unread-test-'));
    assert.equal(queued.length, 2, 'an outbox row for each claim that went through');
    // The watermark: the first value stays, it only rises.
    assert.equal(await store.unreadWatermark(5), await store.unreadWatermark(7));
    const w = await store.unreadWatermark(0);
    await store.raiseUnreadWatermark(w - 10);
    assert.equal(await store.unreadWatermark(0), w);
    await store.raiseUnreadWatermark(w + 10);
    assert.equal(await store.unreadWatermark(0), w + 10);
  });
}, { stores: ['memory', 'sqlite', 'postgres'] });

serverOnEachStore('webhooks: message.unread without previews, in groups', (server) => {
  before(async () => {
    await endpoint(server());
  });

  it('hides the text as Web Push does with previews off, reminds each member of a group, and leaves out a group with too many', async () => {
    const t = server();
    const [ann, bob, cat, dan, eve] = names('ann', 'bob', 'cat', 'dan', 'eve') as [string, string, string, string, string];
    await createUsers(t, ann, bob, cat, dan, eve);
    const small = `small${ann}`;
    const big = `big${ann}`;
    assert.equal((await t.rest('POST', '/v1/groups', { id: small, name: 'Small', members: [ann, bob] })).status, 201);
    assert.equal((await t.rest('POST', '/v1/groups', { id: big, name: 'Big', members: [ann, cat, dan, eve] })).status, 201);
    // The big group's first: scanned no later than the small one's, so left out by the time it is told.
    await t.rest('POST', '/v1/messages', { from: ann, groupId: big, elem: text('to many'), clientMsgId: cmid() });
    const said = await t.rest('POST', '/v1/messages', { from: ann, groupId: small, elem: text('secret plans'), clientMsgId: cmid() });
    assert.equal(said.status, 200);
    await until(() => remindersOf(bob).length === 1, 'the small group\'s reminder');
    const r = remindersOf(bob)[0]!;
    assert.equal(r.data.conversationId, `group:${small}`);
    // The newest first; the group's creation notice before it is unread too.
    assert.equal(r.data.messages[0].id, said.body.id);
    assert.ok(r.data.messages.every((m: { preview: string }) => m.preview === 'New message'));
    assert.ok(!r.raw.includes('secret plans'), 'no text anywhere in the event');
    await sleep(500);
    // Three of the big group's members would be reminded: more than maxPerConversation (2).
    assert.deepEqual([...remindersOf(cat), ...remindersOf(dan), ...remindersOf(eve)], []);
  });
}, { ...REMIND, unreadReminders: { ...REMIND.unreadReminders, preview: false, maxPerConversation: 2 } });

it('checks unreadReminders and reads it from the environment', () => {
  const base = { dataDir: '/tmp/unused', secret: 'options-secret-0123456789' };
  assert.throws(() => resolveOptions({ ...base, unreadReminders: { afterMs: 10 } }), /unreadReminders\.afterMs/);
  assert.throws(() => resolveOptions({ ...base, unreadReminders: { afterMs: 60_000, pollMs: 0 } }), /unreadReminders\.pollMs/);
  assert.throws(() => resolveOptions({ ...base, unreadReminders: { afterMs: 60_000, maxPerConversation: 1.5 } }), /unreadReminders\.maxPerConversation/);
  assert.doesNotThrow(() => resolveOptions({ ...base, unreadReminders: { afterMs: 600_000, whenOnline: true } }));
  assert.equal(unreadRemindersFromEnv({}, undefined), undefined);
  assert.deepEqual(unreadRemindersFromEnv({ NATTER_UNREAD_REMINDER_ONLINE: '1', NATTER_PUSH_PREVIEW: '0' }, 600_000), { afterMs: 600_000, whenOnline: true, preview: false });
  assert.deepEqual(unreadRemindersFromEnv({}, 600_000), { afterMs: 600_000 });
});
