import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ChatClient } from '../../src/client/index.js';
import type { Store } from '../../src/server/core/store.js';
import { createSqliteStore } from '../../src/server/store/sqlite-store.js';
import { connectClient, createNetwork, startServer, synced, until, type TestServer } from './real-server.js';

/**
 * The server subscribes a connection to live delivery before it reads the conversation
 * summaries (so nothing committed meanwhile is lost), hence a live message can reach the client
 * before `sync.conversations` and be newer than the summary's lastSeq. Seen under load in the
 * cluster failover test; reproduced here by holding alice's summary read until bob's message is
 * live.
 */
let srv: TestServer;
let dataDir: string;
let holdSummaries: { userId: string; released: Promise<void>; read?: () => void } | undefined;
const clients: ChatClient[] = [];

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'natter-live-first-'));
  const real = createSqliteStore(join(dataDir, 'natter.db'));
  // The real store; only the summary read can be held back after it has read.
  const store: Store = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop !== 'listConversations') return Reflect.get(target, prop, receiver);
      return async (userId: string) => {
        const states = await target.listConversations(userId);
        const hold = holdSummaries;
        if (hold?.userId === userId) {
          holdSummaries = undefined;
          hold.read?.();
          await hold.released;
        }
        return states;
      };
    },
  });
  srv = await startServer({ store });
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await srv.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('a live message that arrives before sync.conversations does not make the client drop its window', async () => {
  const net = createNetwork();
  const alice = connectClient(srv, await srv.token('alice'), { network: net });
  const bob = connectClient(srv, await srv.token('bob'));
  clients.push(alice, bob);
  await Promise.all([synced(alice), synced(bob)]);
  await bob.send('p2p:alice', 'm1');
  await bob.send('p2p:alice', 'm2');
  await until(() => alice.messages('p2p:bob').get().length === 2, 'alice to hold m1 and m2');

  let release!: () => void;
  let summaryRead!: () => void;
  const read = new Promise<void>((r) => (summaryRead = r));
  holdSummaries = { userId: 'alice', released: new Promise<void>((r) => (release = r)), read: () => summaryRead() };
  net.cut();
  // Alice's new session has read its summaries (lastSeq 2) and is live: m3 overtakes them.
  await read;
  await bob.send('p2p:alice', 'm3');
  await until(() => alice.messages('p2p:bob').get().length === 3, 'm3 to arrive live');
  release();
  await synced(alice, 'alice to finish the sync');
  await bob.send('p2p:alice', 'm4');
  await until(() => alice.messages('p2p:bob').get().some((m) => m.seq === 4), 'm4');
  assert.deepEqual(alice.messages('p2p:bob').get().map((m) => m.seq), [1, 2, 3, 4]);
});

test('a 1:1 chat that begins while the client is online is held from seq 1 even when its first message is overtaken', async () => {
  const net = createNetwork();
  const alice = connectClient(srv, await srv.token('alice'), { network: net });
  const carol = connectClient(srv, await srv.token('carol'));
  clients.push(alice, carol);
  await Promise.all([synced(alice), synced(carol)]);
  const events: number[] = [];
  alice.addEventListener('message', (e) => events.push((e as CustomEvent<{ seq: number }>).detail.seq));
  // The live copy of carol's first message is lost on the way (as when it is overtaken).
  let dropped = false;
  net.dropInbound = (data) => {
    if (dropped || !data.startsWith('{"type":"message.new"') || !data.includes('"text":"c1"')) return false;
    return (dropped = true);
  };
  await carol.send('p2p:alice', 'c1');
  await carol.send('p2p:alice', 'c2');
  await until(() => alice.messages('p2p:carol').get().length === 2, 'both messages, c1 fetched by the gap fill');
  assert.ok(dropped);
  assert.deepEqual(alice.messages('p2p:carol').get().map((m) => m.seq), [1, 2]);
  assert.deepEqual(events, [1, 2], 'reported once each, in order');
});
