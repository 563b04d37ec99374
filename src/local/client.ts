import type { ErrorBody } from '../protocol/index.js';
import type { ControlReply, ControlRequest, SocketSignal } from './wire.js';

/** Where the in-browser server runs: shared by this origin's tabs, or inside this page only. */
export type LocalServerMode = 'shared-worker' | 'in-page';

/** A WebSocket-like constructor: what `createChatClient`'s connection needs of `WebSocket`. */
export type LocalSocketConstructor = new (url: string | URL, protocols?: string | string[]) => LocalSocket;

export interface LocalServerConnection {
  readonly mode: LocalServerMode;
  /** Give it to `createChatClient({ WebSocket })`: each instance is one connection to this server. */
  readonly WebSocket: LocalSocketConstructor;
  /** A URL for `createChatClient({ url })`; the local sockets ignore it. */
  readonly url: string;
  /** A dev token for any user id (as `GET /v1/dev/token?user=` of a dev-mode server). */
  token(userId: string): Promise<string>;
}

export interface ConnectLocalServerOptions {
  /**
   * Starts the SharedWorker that runs the server, e.g.
   * `() => new SharedWorker(new URL('natter/src/local/worker.ts', import.meta.url), { type: 'module' })`
   * (the bundler must see the `new URL(…)`). Left out, or when SharedWorker is missing or fails,
   * the server runs in this page: it works, but only for this tab, and ends with it.
   */
  sharedWorker?: () => SharedWorker;
  /** How long the worker may take to answer before the in-page server is used (default 5000). */
  startTimeoutMs?: number;
}

/**
 * Connects to the in-browser Natter server (`local-server.ts`): the real server core with a memory
 * store, in a SharedWorker so every tab of this origin shares it, else in this page. Chat
 * through it by handing `WebSocket` and `url` to `createChatClient`; it speaks the same protocol
 * as a Natter server's WebSocket.
 */
export async function connectLocalServer(options: ConnectLocalServerOptions = {}): Promise<LocalServerConnection> {
  const timeout = options.startTimeoutMs ?? 5000;
  if (options.sharedWorker && typeof SharedWorker === 'function') {
    try {
      const worker = options.sharedWorker();
      const control = new Control(worker.port);
      worker.addEventListener('error', () => control.fail(new Error('the SharedWorker failed to start')));
      await control.hello(timeout);
      return handle('shared-worker', control);
    } catch (err) {
      console.warn('[natter] the shared in-browser server is unavailable, running it in this page only:', err);
    }
  }
  const { createLocalServer } = await import('./local-server.js');
  const channel = new MessageChannel();
  createLocalServer().accept(channel.port2);
  return connectLocalPort(channel.port1, 'in-page', timeout);
}

/**
 * Connects through a control port already wired to a local server (`createLocalServer().accept`
 * on its other end): what `connectLocalServer` does once it has one; tests and other hosts too.
 */
export async function connectLocalPort(control: MessagePort, mode: LocalServerMode, startTimeoutMs = 5000): Promise<LocalServerConnection> {
  const channel = new Control(control);
  await channel.hello(startTimeoutMs);
  return handle(mode, channel);
}

function handle(mode: LocalServerMode, control: Control): LocalServerConnection {
  return {
    mode,
    url: `natter-local://${mode}`,
    WebSocket: localSocketClass(control),
    token: (userId) => control.token(userId),
  };
}

/** The page's end of the control port: requests with ids, answered in any order. */
class Control {
  readonly #port: MessagePort;
  readonly #pending = new Map<number, { resolve(reply: ControlReply): void; reject(error: Error): void }>();
  #nextId = 1;
  #failure?: Error;

  constructor(port: MessagePort) {
    this.#port = port;
    port.onmessage = (event: MessageEvent<ControlReply>) => {
      const reply = event.data;
      const waiting = this.#pending.get(reply.reqId);
      this.#pending.delete(reply.reqId);
      if (reply.kind === 'error') waiting?.reject(Object.assign(new Error(reply.error.message), { body: reply.error as ErrorBody }));
      else waiting?.resolve(reply);
    };
    port.start();
  }

  fail(error: Error): void {
    this.#failure = error;
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }

  async hello(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from the in-browser server within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.#request({ kind: 'hello' }), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async token(user: string): Promise<string> {
    const reply = await this.#request({ kind: 'token', user });
    if (reply.kind !== 'token') throw new Error('unexpected answer from the in-browser server');
    return reply.token;
  }

  connect(port: MessagePort, lock?: string): void {
    this.#port.postMessage({ kind: 'connect', ...(lock && { lock }) } satisfies ControlRequest, [port]);
  }

  #request(body: { kind: 'hello' } | { kind: 'token'; user: string }): Promise<ControlReply> {
    if (this.#failure) return Promise.reject(this.#failure);
    const reqId = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(reqId, { resolve, reject });
      this.#port.postMessage({ ...body, reqId } satisfies ControlRequest);
    });
  }
}

/** The subset of `WebSocket` the client's connection uses, over a MessagePort to the in-browser server. */
export interface LocalSocket extends EventTarget {
  readonly readyState: number;
  readonly url: string;
  readonly bufferedAmount: number;
  readonly extensions: string;
  readonly protocol: string;
  binaryType: BinaryType;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

function localSocketClass(control: Control): LocalSocketConstructor {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;

  return class LocalWebSocket extends EventTarget implements LocalSocket {
    static readonly CONNECTING = CONNECTING;
    static readonly OPEN = OPEN;
    static readonly CLOSING = CLOSING;
    static readonly CLOSED = CLOSED;
    readonly CONNECTING = CONNECTING;
    readonly OPEN = OPEN;
    readonly CLOSING = CLOSING;
    readonly CLOSED = CLOSED;
    readyState = CONNECTING;
    binaryType: BinaryType = 'blob';
    readonly bufferedAmount = 0;
    readonly extensions = '';
    readonly protocol = '';
    readonly url: string;
    onopen: ((event: Event) => void) | null = null;
    onmessage: ((event: MessageEvent) => void) | null = null;
    onclose: ((event: Event) => void) | null = null;
    onerror: ((event: Event) => void) | null = null;
    readonly #port: MessagePort;
    /** Lets go of the Web Lock that tells the server this connection's page is alive. */
    #release = (): void => {};

    constructor(url: string | URL) {
      super();
      this.url = String(url);
      const { port1, port2 } = new MessageChannel();
      this.#port = port1;
      port1.onmessage = (event: MessageEvent<unknown>) => this.#receive(event.data);
      port1.start();
      if (!locks) {
        control.connect(port2);
        return;
      }
      // Held for the connection's life; the server asks for it too, and gets it when this page
      // closes the socket or goes away (a closed tab sends nothing, but its locks are released).
      const lock = `natter-local:${globalThis.crypto.randomUUID()}`;
      void locks.request(lock, () => new Promise<void>((release) => {
        this.#release = release;
        if (this.readyState === CLOSED) release();
        else control.connect(port2, lock);
      }));
    }

    send(data: string): void {
      if (this.readyState === CONNECTING) throw new DOMException('Still in CONNECTING state.', 'InvalidStateError');
      if (this.readyState === OPEN) this.#port.postMessage(String(data));
    }

    close(code = 1000, reason = ''): void {
      if (this.readyState === CLOSING || this.readyState === CLOSED) return;
      this.readyState = CLOSING;
      this.#port.postMessage({ kind: 'close', code, reason } satisfies SocketSignal);
      // A WebSocket reports its close later, not during close().
      setTimeout(() => this.#finish(code, reason), 0);
    }

    #receive(data: unknown): void {
      if (this.readyState === CLOSED) return;
      if (typeof data === 'string') {
        if (this.readyState === OPEN) this.#emit(new MessageEvent('message', { data }));
        return;
      }
      const signal = data as SocketSignal;
      if (signal.kind === 'open' && this.readyState === CONNECTING) {
        this.readyState = OPEN;
        this.#emit(new Event('open'));
      } else if (signal.kind === 'close') {
        this.#finish(signal.code, signal.reason);
      } else if (signal.kind === 'ping') {
        this.#port.postMessage({ kind: 'pong' } satisfies SocketSignal);
      }
    }

    #finish(code: number, reason: string): void {
      if (this.readyState === CLOSED) return;
      this.readyState = CLOSED;
      this.#port.close();
      this.#release();
      this.#emit(closeEvent(code, reason));
    }

    #emit(event: Event): void {
      const handler = (this as unknown as Record<string, ((e: Event) => void) | null>)[`on${event.type}`];
      handler?.call(this, event);
      this.dispatchEvent(event);
    }
  };
}

function closeEvent(code: number, reason: string): Event {
  if (typeof CloseEvent === 'function') return new CloseEvent('close', { code, reason, wasClean: true });
  return Object.assign(new Event('close'), { code, reason, wasClean: true });
}
