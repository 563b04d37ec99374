import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ChatClient, ChatMessage } from '../../src/client/index.js';
import { connectClient, createNetwork, startServer, synced, until, type TestServer } from './real-server.js';

let srv: TestServer;
const clients: ChatClient[] = [];

before(async () => {
  // Replays of more than 2 messages are refused with sync.gap.
  srv = await startServer({ replayLimit: 2 });
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await srv.stop();
});

test('sync.gap: the client resets to the latest page, reports only those, and the skipped ones stay reachable', async () => {
  const net = createNetwork();
  const alice = connectClient(srv, await srv.token('alice'), { network: net });
  const bob = connectClient(srv, await srv.token('bob'));
  clients.push(alice, bob);
  const inbox: ChatMessage[] = [];
  alice.addEventListener('message', (e) => inbox.push((e as CustomEvent<ChatMessage>).detail));
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
