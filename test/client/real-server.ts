import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import WS from 'ws';
import { createChatClient, createMemoryStorage, type ChatClient, type ChatClientOptions, type ChatMessage, type ClientStorage } from '../../src/client/index.js';
import type { ChatError } from '../../src/protocol/error-codes.js';
import type { ConversationId } from '../../src/protocol/ids.js';
import { createChatServer, type ChatServer, type ChatServerOptions } from '../../src/server/index.js';
import { until } from '../guard.js';

const ADMIN_KEY = 'test-admin-key-0123456789';
const SECRET = 'test-secret-0123456789abcdef';

/** The real server on a free loopback port, with a temporary SQLite directory. */
export interface TestServer {
  server: ChatServer;
  httpUrl: string;
  wsUrl: string;
  token(userId: string, ttlSeconds?: number): Promise<string>;
  admin(method: string, path: string, body?: unknown): Promise<Response>;
  stop(): Promise<void>;
}

export async function startServer(options: Partial<ChatServerOptions> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'natter-client-'));
  const server = await createChatServer({ dataDir, secret: SECRET, adminKey: ADMIN_KEY, ...options });
  const { url } = await server.listen(0, '127.0.0.1');
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    server,
    httpUrl: url,
    wsUrl: `${url.replace(/^http/, 'ws')}/ws`,
    admin,
    async token(userId, ttlSeconds) {
      const res = await admin('POST', '/v1/tokens', { userId, ...(ttlSeconds ? { ttlSeconds } : {}) });
      if (!res.ok) throw new Error(`token for ${userId}: HTTP ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    async stop() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A controllable network for the clients of one test: take it offline (connections are refused),
 * cut every socket at once, or drop chosen inbound frames (a lost ack).
 */
export interface TestNetwork {
  offline: boolean;
  /** Return true to drop an inbound frame before the client sees it. */
  dropInbound: (data: string) => boolean;
  /** Terminates every open socket (as a network cut would, without a close handshake). */
  cut(): void;
  WebSocket: typeof WS;
}

export function createNetwork(): TestNetwork {
  const sockets = new Set<WS>();
  const wrapped = new WeakMap<object, unknown>();
  const net: TestNetwork = {
    offline: false,
    dropInbound: () => false,
    cut() {
      for (const s of sockets) s.terminate();
    },
    WebSocket: class extends WS {
      constructor(url: string, protocols?: string | string[]) {
        // Port 1 on loopback refuses connections: the client sees an ordinary failed connect.
        super(net.offline ? 'ws://127.0.0.1:1/ws' : url, protocols);
        sockets.add(this);
        this.on('close', () => sockets.delete(this));
      }
      override addEventListener(type: string, listener: unknown, options?: unknown): void {
        let actual = listener;
        if (type === 'message' && typeof listener === 'function') {
          actual = (event: { data: unknown }) => {
            if (net.dropInbound(String(event.data))) return;
            (listener as (e: unknown) => void)(event);
          };
          wrapped.set(listener, actual);
        }
        (super.addEventListener as (t: string, l: unknown, o?: unknown) => void)(type, actual, options);
      }
      override removeEventListener(type: string, listener: unknown): void {
        const actual = (typeof listener === 'function' && wrapped.get(listener)) || listener;
        (super.removeEventListener as (t: string, l: unknown) => void)(type, actual);
      }
    } as unknown as typeof WS,
  };
  return net;
}

/** Options of a test client: any client option, and the network it goes through. */
export type TestClientOptions = Partial<ChatClientOptions> & { network?: TestNetwork };

/** A client of the test server: fast reconnects, memory storage unless given. */
export function connectClient(srv: TestServer, token: string, options: TestClientOptions = {}): ChatClient {
  const { network, ...rest } = options;
  return createChatClient({
    url: srv.wsUrl,
    token,
    WebSocket: network?.WebSocket ?? WS,
    storage: createMemoryStorage(),
    backoff: { minDelayMs: 20, maxDelayMs: 100 },
    ...rest,
  });
}

/**
 * A device of `userId` that wrote `text` to `to` without a connection and was then closed (a
 * reload): its storage holds the one pending outbox entry, and its network is still offline.
 */
export async function queuedBeforeReload(srv: TestServer, userId: string, to: ConversationId, text: string): Promise<{ storage: ClientStorage; net: TestNetwork; token: string }> {
  const storage = createMemoryStorage();
  const net = createNetwork();
  net.offline = true;
  const token = await srv.token(userId);
  const first = connectClient(srv, token, { network: net, storage, ackTimeoutMs: 60_000 });
  const pending = first.send(to, text).catch((e: unknown) => e);
  await until(() => first.messages(to).get().length === 1, 'queued');
  await first.close();
  assert.equal(((await pending) as ChatError).name, 'CANCELLED');
  assert.equal((await storage.loadOutbox()).length, 1);
  return { storage, net, token };
}

/** Polls a condition until it holds (never a blind sleep), within the shared guard (test/guard.ts). */
export { until };

/** Takes `net` offline, cuts its sockets and waits until `client` on it is no longer online. */
export async function takeOffline(net: TestNetwork, client: ChatClient, who = 'the client'): Promise<void> {
  net.offline = true;
  net.cut();
  await until(() => client.$connection.get() !== 'online', `${who} offline`);
}

/** The message `messageId` as `client` shows it in `conversation` now, if it holds it. */
export function shown(client: ChatClient, conversation: ConversationId, messageId: string): ChatMessage | undefined {
  return client.messages(conversation).get().find((m) => m.id === messageId);
}

export async function synced(client: ChatClient, what = 'sync'): Promise<void> {
  await until(() => client.$sync.get() === 'synced', what);
}

/** Every `message` event of `client` from now on, in order. */
export function received(client: ChatClient): ChatMessage[] {
  return collect<ChatMessage>(client, 'message');
}

/** The detail of every `type` event of `client` from now on, in order. */
export function collect<T>(client: ChatClient, type: string): T[] {
  const list: T[] = [];
  client.addEventListener(type, (e) => list.push((e as CustomEvent<T>).detail));
  return list;
}

/** What the tests of a file share: one real server, the clients they opened, fresh user ids. */
export interface ClientTestContext {
  /** The server, from the file's `before` hook on. */
  readonly srv: TestServer;
  /** A fresh user id per call (`alice1`, `alice2` …), so tests never see each other's conversations. */
  uid(name: string): string;
  /** Closes `client` once the file's tests are done. */
  track<C extends ChatClient>(client: C): C;
  /** A client of `userId` (a token is minted for it, which also creates the user), closed after the file. */
  connect(userId: string, options?: TestClientOptions): Promise<ChatClient>;
  /** A group of `members` (created as users first); its conversation id. */
  group(members: string[], name?: string): Promise<ConversationId>;
  /** Runs `fn` after the file's tests, before its clients close (e.g. to close raw sockets). */
  cleanup(fn: () => unknown): void;
}

/**
 * Starts the real server for the calling test file (`before`) and stops it after its tests
 * (`after`), once every client the tests opened through the context is closed.
 */
export function useTestServer(options: Partial<ChatServerOptions> = {}): ClientTestContext {
  let srv: TestServer | undefined;
  const clients: ChatClient[] = [];
  const cleanups: Array<() => unknown> = [];
  let n = 0;
  before(async () => {
    srv = await startServer(options);
  });
  after(async () => {
    for (const fn of cleanups) await fn();
    await Promise.all(clients.map((c) => c.close()));
    await srv?.stop();
  });
  const context: ClientTestContext = {
    get srv() {
      if (!srv) throw new Error('the test server starts in the before hook');
      return srv;
    },
    uid: (name) => `${name}${++n}`,
    track(client) {
      clients.push(client);
      return client;
    },
    async connect(userId, clientOptions) {
      return context.track(connectClient(context.srv, await context.srv.token(userId), clientOptions));
    },
    async group(members, name) {
      const id = context.uid('g');
      await Promise.all(members.map((u) => context.srv.token(u)));
      const res = await context.srv.admin('POST', '/v1/groups', { id, name: name ?? `Group ${id}`, members });
      if (res.status !== 201) throw new Error(`group ${id}: HTTP ${res.status} ${await res.text()}`);
      return `group:${id}`;
    },
    cleanup(fn) {
      cleanups.push(fn);
    },
  };
  return context;
}
