import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROTOCOL_VERSION, type ConversationId } from '../../../src/protocol/index.js';
import { createChatServer, type ChatServer, type ChatServerOptions } from '../../../src/server/index.js';
import { signUserToken } from '../../../src/server/core/auth.js';
import { TestSocket } from './ws-client.js';

export const SECRET = 'test-secret-0123456789-abcdefghij';
export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface TestServer {
  server: ChatServer;
  url: string;
  wsUrl: string;
  dataDir: string;
  token(userId: string, opts?: { ttlSeconds?: number; name?: string }): Promise<string>;
  /** Connects, opens a session and consumes frames up to `sync.done`. */
  login(userId: string, cursors?: Partial<Record<ConversationId, number>>): Promise<TestSocket>;
  /** Connects without opening a session. */
  connect(): Promise<TestSocket>;
  rest(method: string, path: string, body?: unknown, key?: string | null): Promise<{ status: number; body: any }>;
  /** Closes the server (keeping the data dir unless `wipe`). */
  stop(wipe?: boolean): Promise<void>;
}

/** A server on 127.0.0.1, port 0, in a fresh temp data dir (or the given one). */
export async function startServer(options: Partial<ChatServerOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'natter-test-'));
  const clock = options.clock ?? Date.now;
  const server = await createChatServer({ secret: SECRET, adminKey: ADMIN_KEY, ...options, dataDir });
  const { url } = await server.listen(0, '127.0.0.1');
  const wsUrl = `${url.replace(/^http/, 'ws')}/ws`;
  const sockets: TestSocket[] = [];
  const t: TestServer = {
    server, url, wsUrl, dataDir,
    token: (userId, opts = {}) =>
      signUserToken(new TextEncoder().encode(SECRET), userId, {
        now: clock(),
        ...(opts.ttlSeconds !== undefined && { ttlSeconds: opts.ttlSeconds }),
        ...(opts.name !== undefined && { profile: { name: opts.name } }),
      }),
    async connect() {
      const s = await TestSocket.connect(wsUrl);
      sockets.push(s);
      return s;
    },
    async login(userId, cursors) {
      const s = await t.connect();
      s.send({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await t.token(userId), ...(cursors && { cursors }) });
      await s.next('session.ready');
      await s.next('sync.done');
      return s;
    },
    async rest(method, path, body, key = ADMIN_KEY) {
      const headers: Record<string, string> = {};
      if (key !== null) headers['authorization'] = `Bearer ${key}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(url + path, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async stop(wipe = true) {
      for (const s of sockets) s.close();
      await server.close();
      if (wipe && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Creates users (with names) over REST. */
export async function createUsers(t: TestServer, ...ids: string[]): Promise<void> {
  for (const id of ids) {
    const res = await t.rest('PUT', `/v1/users/${id}`, { name: id[0]!.toUpperCase() + id.slice(1) });
    if (res.status !== 200) throw new Error(`PUT user ${id}: ${res.status}`);
  }
}

let counter = 0;
/** A fresh valid clientMsgId. */
export function cmid(): string {
  return `cm${Date.now().toString(36)}x${(counter++).toString(36).padStart(4, '0')}`;
}

export function text(t: string) {
  return { type: 'text' as const, text: t };
}
