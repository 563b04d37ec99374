import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WS from 'ws';
import { createChatClient, createMemoryStorage, type ChatClient, type ChatClientOptions } from '../../src/client/index.js';
import { createChatServer, type ChatServer, type ChatServerOptions } from '../../src/server/index.js';

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

/** A client of the test server: fast reconnects, memory storage unless given. */
export function connectClient(
  srv: TestServer,
  token: string,
  options: Partial<ChatClientOptions> & { network?: TestNetwork } = {},
): ChatClient {
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

/** Polls `predicate` until it holds, failing after `timeoutMs` (never a blind sleep). */
export async function until(predicate: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function synced(client: ChatClient, what = 'sync'): Promise<void> {
  return until(() => client.$sync.get() === 'synced', what);
}
