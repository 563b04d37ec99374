/**
 * Sync benchmark: a client is offline while N messages arrive in its conversation, then
 * reconnects; time until it holds them all and reports synced.
 *
 * - Natter: the real SDK (src/client) in Node with `ws` and memory storage; the same storage
 *   object across the two lives, as a reload with IndexedDB would. Timed from createChatClient
 *   to the `synced` event with every missed message in `messages(id)` and N `message` events.
 *   The server runs with its embedded defaults (SQLite, replay limit 10,000).
 * - Peer: the Socket.IO tutorial's recovery (step 8): the client connects with its last
 *   `serverOffset`, the server runs `SELECT … WHERE id > ?` and emits each row. Timed from io()
 *   to the N-th message.
 * The N messages are sent by another connected client before the reconnect (not timed).
 *
 *   npm run bench:sync -- --messages 10000 --repeat 3
 */
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { createChatClient, createMemoryStorage, type ChatClient, type ClientStorage } from '../src/client/index.js';
import type { ConversationId } from '../src/protocol/index.js';
import { startNatterServer } from './lib/natter-server.js';
import { openNatterSocket } from './lib/natter-socket.js';
import { openSocketIo, sendManySocketIo, startSocketIoServer } from './lib/socketio-peer.js';
import { fmt, median, table } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    repeat: { type: 'string', default: '3' },
    smoke: { type: 'boolean', default: false },
  },
});
const N = values.smoke ? 200 : Number(values.messages);
const REPEAT = values.smoke ? 1 : Number(values.repeat);
const DEADLINE_MS = 120_000;

interface Run {
  totalMs: number;
  syncedMs: number;
  held: number;
}

function until(check: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + DEADLINE_MS;
    const poll = () => {
      if (check()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 1);
    };
    poll();
  });
}

async function natter(): Promise<Run[]> {
  const server = await startNatterServer();
  try {
    await server.admin('PUT', '/v1/users/alice', { name: 'Alice' });
    await server.admin('PUT', '/v1/users/bob', { name: 'Bob' });
    await server.admin('POST', '/v1/groups', { id: 'sync', name: 'Sync', members: ['alice', 'bob'] });
    const id: ConversationId = 'group:sync';
    const bobToken = await server.token('bob');
    const storage: ClientStorage = createMemoryStorage();
    const open = () => createChatClient({ url: server.wsUrl, token: bobToken, WebSocket, storage });
    // First life: bob syncs what exists, then goes away.
    let bob: ChatClient = open();
    await new Promise((r) => bob.addEventListener('synced', r, { once: true }));
    await bob.close();
    const alice = await openNatterSocket(server.wsUrl, await server.token('alice'));
    const runs: Run[] = [];
    for (let r = 0; r < REPEAT; r++) {
      await alice.sendMany(id, N, 500);
      // seq 1 is the group's "created" notification; each round adds N after it.
      const base = 1 + r * N;
      const t0 = performance.now();
      let events = 0;
      let syncedAt = 0;
      bob = open();
      bob.addEventListener('message', () => events++);
      bob.addEventListener('synced', () => (syncedAt = performance.now()), { once: true });
      const store = bob.messages(id);
      const newHeld = () => store.get().filter((m) => m.seq > base).length;
      await until(() => syncedAt > 0 && events >= N && newHeld() >= N, 'natter sync');
      runs.push({ totalMs: performance.now() - t0, syncedMs: syncedAt - t0, held: newHeld() });
      await bob.close();
    }
    alice.close();
    return runs;
  } finally {
    await server.stop();
  }
}

async function socketIo(): Promise<Run[]> {
  const server = await startSocketIoServer({ persist: true });
  try {
    const rooms = ['sync'];
    let lastId = 0;
    // First life: bob is connected once (nothing to recover), then goes away.
    const first = await openSocketIo(server.url, { user: 'bob', rooms, serverOffset: lastId });
    first.close();
    const alice = await openSocketIo(server.url, { user: 'alice', rooms });
    const runs: Run[] = [];
    for (let r = 0; r < REPEAT; r++) {
      await sendManySocketIo(alice, 'sync', N, 500);
      let received = 0;
      const t0 = performance.now();
      let done = 0;
      const bob = await openSocketIo(server.url, { user: 'bob', rooms, serverOffset: lastId }, (m) => {
        lastId = Math.max(lastId, m.id); // the tutorial's client keeps the highest offset seen
        if (++received === N) done = performance.now();
      });
      await until(() => done > 0, 'socket.io recovery');
      // The tutorial has no "synced" signal: the last replayed message is the only end marker.
      runs.push({ totalMs: done - t0, syncedMs: NaN, held: received });
      bob.close();
    }
    alice.close();
    return runs;
  } finally {
    await server.stop();
  }
}

const results = { natter: await natter(), 'socket.io + sqlite (tutorial recovery)': await socketIo() };
const summary = Object.entries(results).map(([name, runs]) => ({
  name,
  total: median(runs.map((r) => r.totalMs)),
  min: Math.min(...runs.map((r) => r.totalMs)),
  max: Math.max(...runs.map((r) => r.totalMs)),
  synced: median(runs.map((r) => r.syncedMs)),
  held: Math.min(...runs.map((r) => r.held)),
}));
const natterTotal = summary[0]!.total;
console.log(`\nSync: offline while ${N.toLocaleString('en-US')} messages arrive, then reconnect (median of ${REPEAT}; loopback)\n`);
console.log(
  table(
    ['client', 'all held ms (median)', 'min–max ms', 'reports synced ms', 'messages held', 'msg/s', '× natter time'],
    summary.map((s) => [
      s.name, fmt(s.total), `${fmt(s.min)}–${fmt(s.max)}`, Number.isNaN(s.synced) ? 'no signal' : fmt(s.synced),
      s.held.toLocaleString('en-US'), fmt((N / s.total) * 1000, 0), s.name === 'natter' ? '' : fmt(s.total / natterTotal),
    ]),
  ),
);
