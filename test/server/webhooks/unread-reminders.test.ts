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
    const sent = [await send(t, ann, bob, 'one'), await send(t, ann, bob, 'two'), await send(t, ann, bob, 'three'), await send(t, ann, bob, 'four')];
    const started = Date.now();
    await until(() => remindersOf(bob).length >= 1, 'the reminder');
    assert.ok(Date.now() - started >= AFTER_MS - 300, 'not before the message was unread afterMs');
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
    for (const u of [reader, muter, dnd, banned, blocker, online, control]) await send(t, ann!, u!, `hello ${u}`);
    // The blocker blocks the sender once the message is there (it stays unread).
    assert.equal((await t.rest('PUT', `/v1/users/${blocker}/blocklist/${ann}`)).status, 204);
    const read = await send(t, ann!, reader!, 'and again');
    await readUpTo(t, reader!, ann!, read.seq);
    await until(() => remindersOf(control!).length === 1, 'the control reminder');
    await sleep(500);
    for (const u of [reader, muter, dnd, banned, blocker, online]) assert.deepEqual(remindersOf(u!), [], `${u} is not reminded`);
    here.close();
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
