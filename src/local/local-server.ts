import './platform.js';
import { ChatError, type ErrorBody } from '../protocol/index.js';
import { createMemoryBus } from '../server/bus/memory-bus.js';
import { AdminApi } from '../server/core/admin.js';
import { ChatCore } from '../server/core/chat-core.js';
import { createMemoryRateLimiter } from '../server/core/rate-limiter.js';
import { issueDevToken, seedDemo } from '../server/core/demo.js';
import { createMemoryStore } from '../server/store/memory-store.js';
import { createPortGateway, type PortGateway } from './port-gateway.js';
import type { ControlReply, ControlRequest } from './wire.js';

export interface LocalServer {
  /** Serves one page's control port (see `wire.ts`). */
  accept(control: MessagePort): void;
  /** Resolves once the core runs and the demo users exist. */
  readonly ready: Promise<{ core: ChatCore; admin: AdminApi; gateway: PortGateway }>;
  /** Closes every connection (1001) and control port and stops the core; its data is gone. */
  close(): Promise<void>;
}

/**
 * A Natter server inside the browser: the real `ChatCore` over the memory store, the memory
 * bus and the memory rate limiter (the adapters a single Node process would use for tests), in
 * dev mode (a random secret that never leaves this instance, any user id can get a token, the
 * demo users and group exist), speaking the WebSocket protocol over MessagePorts. Everything is
 * gone when it stops: it keeps no data anywhere.
 */
export function createLocalServer(): LocalServer {
  const ready = (async () => {
    const secret = new TextEncoder().encode(randomSecret());
    const store = createMemoryStore();
    const bus = createMemoryBus();
    const core = new ChatCore({
      store, bus, secret,
      rateLimiter: createMemoryRateLimiter(300, 60_000),
      clock: Date.now,
      friendsOnly: false,
      blockedSenderSeesError: false,
      replayLimit: 10_000,
      maxConnectionsPerUser: 32,
      logger: { info() {}, warn: (obj, msg) => console.warn('[natter-local]', msg, obj), error: (obj, msg) => console.error('[natter-local]', msg, obj) },
    });
    await core.start();
    const admin = new AdminApi(core);
    await seedDemo(admin, store);
    // The same defaults as a Node server's WebSocket gateway.
    const gateway = createPortGateway(core, { authTimeoutMs: 10_000, pingIntervalMs: 30_000, maxPayload: 1024 * 1024 });
    return { core, admin, gateway, bus };
  })();
  const controls = new Set<MessagePort>();

  /** The dev token route of `src/server/http/dev-routes.ts`: a token, and a seat in the demo group. */
  async function devToken(user: string): Promise<{ userId: string; token: string }> {
    const { core, admin } = await ready;
    return issueDevToken(admin, core.store, user);
  }

  async function answer(request: ControlRequest, control: MessagePort, ports: readonly MessagePort[]): Promise<void> {
    if (request.kind === 'connect') {
      const { gateway } = await ready;
      if (ports[0]) gateway.accept(ports[0], request.lock);
      return;
    }
    let reply: ControlReply;
    try {
      if (request.kind === 'hello') {
        await ready;
        reply = { kind: 'hello', reqId: request.reqId, server: 'natter-local' };
      } else if (request.kind === 'token') {
        reply = { kind: 'token', reqId: request.reqId, ...(await devToken(String(request.user))) };
      } else {
        throw new ChatError('BAD_REQUEST', 'Unknown request.');
      }
    } catch (err) {
      const error: ErrorBody = (err instanceof ChatError ? err : new ChatError('INTERNAL')).toJSON();
      if (!(err instanceof ChatError)) console.error('[natter-local]', err);
      reply = { kind: 'error', reqId: (request as { reqId: number }).reqId, error };
    }
    control.postMessage(reply);
  }

  return {
    ready,
    accept(control) {
      controls.add(control);
      control.onmessage = (event: MessageEvent<ControlRequest>) => void answer(event.data, control, event.ports);
      control.start();
    },
    async close() {
      const { core, gateway, bus } = await ready;
      gateway.close();
      for (const control of controls) control.close();
      controls.clear();
      await core.stop();
      await bus.close();
    },
  };
}

function randomSecret(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
