import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LIMITS } from '../../src/protocol/limits.js';
import { createSqliteStore } from '../../src/server/store/sqlite-store.js';
import { connectClient, createNetwork, received, startServer, synced, until, useTestServer, type TestNetwork } from './real-server.js';

/*
 * Every server frame that carries a list is cut by bytes as well as by count: the client drops
 * any frame over LIMITS.frameBytes, so a batch or page cut only by count could leave a client
 * with nothing and a request that never answers.
 */
const ctx = useTestServer({ sendsPerMinute: 100_000 });

const KB8 = 'x'.repeat(LIMITS.textBytes);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A network that records every frame the client receives (their UTF-8 sizes and types). */
function watched(): TestNetwork & { frames: { bytes: number; type: string; data: string }[] } {
  const net = createNetwork();
  const frames: { bytes: number; type: string; data: string }[] = [];
  net.dropInbound = (data) => {
    frames.push({ bytes: Buffer.byteLength(data), type: /"type":"([^"]+)"/.exec(data)?.[1] ?? '?', data });
    return false;
  };
  return Object.assign(net, { frames });
}

function assertFramesFit(frames: { bytes: number; type: string }[]): void {
  assert.ok(frames.length > 0);
  const over = frames.filter((f) => f.bytes > LIMITS.frameBytes).map((f) => `${f.type} ${f.bytes}`);
  assert.deepEqual(over, [], `every server frame is at most ${LIMITS.frameBytes} bytes`);
}

async function adminSend(body: Record<string, unknown>): Promise<void> {
  const res = await ctx.srv.admin('POST', '/v1/messages', body);
  if (!res.ok) throw new Error(`send: HTTP ${res.status} ${await res.text()}`);
}

/** A new group of Alice and Bob where Alice (an admin send) wrote `count` texts of 8 KB, `<i> xxx…`. */
async function groupOf8KbTexts(count: number) {
  const alice = ctx.uid('alice');
  const bob = ctx.uid('bob');
  const group = await ctx.group([alice, bob]);
  const groupId = group.slice('group:'.length);
  for (let i = 0; i < count; i++) await adminSend({ from: alice, groupId, elem: { type: 'text', text: `${i} ${KB8.slice(8)}` } });
  return { bob, group };
}

test('40 texts of 8 KB in a group: a fresh client gets all 41 messages, loadOlder answers, and no frame is over the limit', async () => {
  const { bob, group } = await groupOf8KbTexts(40);

  const net = watched();
  const client = await ctx.connect(bob, { network: net });
  await synced(client, 'bob synced');
  await until(() => client.messages(group).get().length === 41, 'all 41 messages');
  assert.deepEqual(client.messages(group).get().map((m) => m.seq), range(1, 41));
  assert.equal(await client.loadOlder(group, 50), false, 'loadOlder answers: there is nothing older');
  assert.ok(net.frames.filter((f) => f.type === 'sync.messages').length >= 2, 'the replay came in several batches');
  assertFramesFit(net.frames);
});

test('120 texts of 8 KB: loadOlder pages by bytes, each short page says there is more, until all 121 are held once, in order', async () => {
  const { bob, group } = await groupOf8KbTexts(120);
  // Bob read everything on another device: a fresh device replays only the latest 50.
  const net = watched();
  const client = await ctx.connect(bob, { network: net });
  const inbox = received(client);
  await synced(client, 'bob synced');
  await until(() => client.messages(group).get().length === 50, 'the latest 50');

  let pages = 0;
  while (await client.loadOlder(group, LIMITS.historyPage)) if (++pages > 20) assert.fail('loadOlder never reached the start');
  assert.deepEqual(client.messages(group).get().map((m) => m.seq), range(1, 121), 'every message, once, in order');
  assert.ok(pages >= 1, 'a page of 200 was cut short by bytes and reported more');
  assert.deepEqual(inbox.map((m) => m.seq), range(72, 121), 'only the replayed ones are news');
  assertFramesFit(net.frames);
});

test('a client offline while 500 messages of 300 characters arrive catches up with all of them exactly once, in order', async () => {
  const alice = ctx.uid('alice');
  const bob = ctx.uid('bob');
  const net = watched();
  const client = await ctx.connect(alice, { network: net });
  const sender = await ctx.connect(bob);
  const inbox = received(client);
  await Promise.all([synced(client), synced(sender)]);
  await sender.send(`p2p:${alice}`, 'first');
  await until(() => inbox.length === 1, 'first message');

  net.offline = true;
  net.cut();
  await until(() => client.$connection.get() === 'offline', 'offline');
  const text = 'y'.repeat(300);
  for (let i = 0; i < 500; i += 50) await Promise.all(range(i, i + 49).map((j) => sender.send(`p2p:${alice}`, `${j} ${text}`)));
  net.frames.length = 0;
  net.offline = false;

  await until(() => inbox.length === 501, 'all 500 missed messages', 30_000);
  assert.deepEqual(inbox.map((m) => m.seq), range(1, 501), 'each once, in seq order');
  assert.deepEqual(client.messages(`p2p:${bob}`).get().map((m) => m.seq), range(1, 501));
  assert.ok(net.frames.filter((f) => f.type === 'sync.messages').length >= 2, 'the replay came in several batches');
  assertFramesFit(net.frames);
});

test('conversation summaries of a user in many conversations come in several frames that add up, none over the limit', async () => {
  const carol = ctx.uid('carol');
  const dave = ctx.uid('dave');
  const groups: string[] = [];
  for (let i = 0; i < 40; i++) groups.push(await ctx.group([carol, dave]));
  for (const g of groups) await adminSend({ from: dave, groupId: g.slice('group:'.length), elem: { type: 'text', text: KB8 } });

  const net = watched();
  const client = await ctx.connect(carol, { network: net });
  await synced(client, 'carol synced');
  const listed = net.frames.filter((f) => f.type === 'sync.conversations').map((f) => JSON.parse(f.data) as { items: { id: string }[] });
  assert.ok(listed.length >= 2, 'the summaries were cut');
  assert.deepEqual(listed.flatMap((f) => f.items.map((i) => i.id)).sort(), [...groups].sort(), 'every conversation is listed once');
  const mine = client.$conversations.get().filter((c) => groups.includes(c.id));
  assert.equal(mine.length, 40);
  assert.ok(mine.every((c) => c.unread === 2 && c.lastMessage?.elem.type === 'text'));
  assertFramesFit(net.frames);
});

test('the members of a group too large for one frame come in pages the client follows to the end', async () => {
  const owner = ctx.uid('owner');
  // Quotes: 1 KiB of name is 2 KiB of JSON (\"), which the cut must count (control characters,
  // 6 bytes each in JSON, are refused in names).
  const name = '"'.repeat(LIMITS.shortTextBytes);
  const others = range(1, 300).map((i) => `${owner}-m${String(i).padStart(3, '0')}`);
  for (const id of others) {
    const res = await ctx.srv.admin('PUT', `/v1/users/${id}`, { name });
    assert.equal(res.status, 200);
  }
  const group = await ctx.group([owner, ...others]);
  const net = watched();
  const client = await ctx.connect(owner, { network: net });
  await synced(client);
  const members = await client.loadMembers(group);
  assert.deepEqual(members.map((m) => m.id), [owner, ...others].sort());
  assert.ok(members.every((m) => m.id === owner || m.name === name));
  assert.ok(net.frames.filter((f) => f.type === 'members').length >= 2, 'the members came in pages');
  assertFramesFit(net.frames);
});

test('a blocklist too long for one frame arrives in parts that add up, at login and after a change', async () => {
  // 4,500 blocked ids of 64 characters: about 300 KiB as one list. Written before the server opens the database.
  const dataDir = await mkdtemp(join(tmpdir(), 'natter-blocks-'));
  const blocked = range(1, 4500).map((i) => `b${String(i).padStart(63, '0')}`);
  const prepared = createSqliteStore(join(dataDir, 'natter.db'), { durability: 'normal' });
  for (const id of blocked) await prepared.setBlocked('owner', id, true);
  await prepared.close();
  const srv = await startServer({ dataDir });
  try {
    await srv.token('zed');
    const net = watched();
    const client = connectClient(srv, await srv.token('owner'), { network: net });
    try {
      await synced(client, 'owner synced');
      assert.deepEqual(client.$blocked.get(), blocked, 'the whole list, in order');
      assert.ok(net.frames.some((f) => f.type === 'blocklist.updated'), 'the rest came after session.ready');
      await client.block('zed');
      await until(() => client.$blocked.get().length === 4501 && client.$blocked.get().includes('zed'), 'the list after a change');
      assertFramesFit(net.frames);
    } finally {
      await client.close();
    }
  } finally {
    await srv.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
