/**
 * The servers the server benchmark drives, behind one small interface so the same load runs
 * against each: Natter (the real `natter-server` entry point) and the Socket.IO peers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { io as ioClient } from 'socket.io-client';
import { freePort, spawnTs, stop, waitForHttp, waitForLine } from './spawn.js';

export interface BenchClient {
  send(clientMsgId: string): void;
  close(): void;
}

export interface Handlers {
  onAck(clientMsgId: string): void;
  onDeliver(clientMsgId: string): void;
}

export interface Target {
  readonly name: string;
  readonly pid: number;
  /** Creates users and rooms; `rooms[i]` lists the users of room i. */
  prepare(rooms: string[][]): Promise<void>;
  connect(user: string, room: number, handlers: Handlers): Promise<BenchClient>;
  stop(): Promise<void>;
}

const ROOT = new URL('../..', import.meta.url).pathname;

export async function startNatter(): Promise<Target> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'natter-bench-'));
  const adminKey = 'bench-admin-key-0123456789';
  const child = spawnTs(join(ROOT, 'src/server/main.ts'), {
    PORT: String(port),
    HOST: '127.0.0.1',
    NATTER_DATA_DIR: dataDir,
    NATTER_SECRET: 'bench-secret-0123456789abcdef0123456789abcdef',
    NATTER_ADMIN_KEY: adminKey,
    // Rate limiting stays on (it is evaluated per send) but high enough for the load.
    NATTER_SEND_RATE_PER_MINUTE: '100000000',
  });
  child.stdout!.resume();
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/healthz`);
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const tokens = new Map<string, string>();
  return {
    name: 'natter',
    pid: child.pid!,
    async prepare(rooms) {
      for (const [i, members] of rooms.entries()) {
        for (const u of members) {
          await admin('PUT', `/v1/users/${u}`, { name: u });
          tokens.set(u, String((await admin('POST', '/v1/tokens', { userId: u, ttlSeconds: 3600 })).token));
        }
        await admin('POST', '/v1/groups', { id: `room${i}`, name: `Room ${i}`, members });
      }
    },
    async connect(user, room, h) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
      const conversationId = `group:room${room}`;
      await new Promise<void>((resolve, reject) => {
        ws.once('error', reject);
        ws.once('open', () => ws.send(JSON.stringify({ type: 'session.open', protocol: 1, token: tokens.get(user), cursors: {} })));
        ws.on('message', (data) => {
          const f = JSON.parse(String(data));
          if (f.type === 'sync.done') resolve();
          else if (f.type === 'message.ack') h.onAck(f.clientMsgId);
          else if (f.type === 'message.new' && f.message.sender !== user) h.onDeliver(f.message.clientMsgId);
          else if (f.type === 'message.error') throw new Error(`send failed: ${f.name}`);
        });
      });
      return {
        send: (clientMsgId) =>
          ws.send(JSON.stringify({ type: 'message.send', clientMsgId, conversationId, elem: { type: 'text', text: `hello from ${user}` } })),
        close: () => ws.close(),
      };
    },
    async stop() {
      await stop(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startSocketIo(persist: boolean): Promise<Target> {
  const child: ChildProcess = spawnTs(join(ROOT, 'bench/peers/socketio-server.ts'), { PERSIST: persist ? '1' : '0' });
  const port = Number((await waitForLine(child, /ready (\d+)/))[1]);
  return {
    name: persist ? 'socket.io + sqlite' : 'socket.io (no persistence)',
    pid: child.pid!,
    async prepare() {},
    async connect(user, room, h) {
      const socket = ioClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], auth: { user, room: `room${room}` } });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      socket.on('chat message', (m: { clientOffset: string }) => h.onDeliver(m.clientOffset));
      return {
        send: (clientMsgId) =>
          socket.emit('chat message', { text: `hello from ${user}`, clientOffset: clientMsgId, t: 0 }, () => h.onAck(clientMsgId)),
        close: () => socket.close(),
      };
    },
    stop: () => stop(child),
  };
}
