import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createNetwork, received, synced, until, useTestServer } from './real-server.js';

// Replays of more than 2 messages are refused with sync.gap.
const ctx = useTestServer({ replayLimit: 2 });

test('sync.gap: the client resets to the latest page, reports only those, and the skipped ones stay reachable', async () => {
  const net = createNetwork();
  const alice = await ctx.connect('alice', { network: net });
  const bob = await ctx.connect('bob');
  const inbox = received(alice);
  await Promise.all([synced(alice), synced(bob)]);
  await bob.send('p2p:alice', 'm1');
  await until(() => inbox.length === 1, 'first message');

  net.offline = true;
  net.cut();
  await until(() => alice.$connection.get() === 'offline', 'offline');
  // 60 missed messages: more than the replay limit and more than one page (50).
  for (let i = 2; i <= 61; i++) await bob.send('p2p:alice', `m${i}`);
  net.offline = false;

  await until(() => alice.messages('p2p:bob').get().at(-1)?.seq === 61, 'latest page');
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  assert.deepEqual(alice.messages('p2p:bob').get().map((m) => m.seq), range(12, 61), 'the window restarts at the latest page');
  assert.deepEqual(inbox.map((m) => m.seq), [1, ...range(12, 61)], 'the page is reported once, in order');
  assert.equal(alice.hasOlder('p2p:bob').get(), true, 'the skipped part is not silently dropped');
  assert.equal(await alice.loadOlder('p2p:bob', 50), false);
  assert.deepEqual(alice.messages('p2p:bob').get().map((m) => m.seq), range(1, 61), 'paging back reaches the skipped messages');
});
