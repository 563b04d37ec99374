import { atom, type ReadableAtom } from 'nanostores';
import ReconnectingWebSocket from 'partysocket/ws';
import { decodeServerFrame, encodeFrame } from '../protocol/codec.js';
import type { ErrorBody, ErrorName } from '../protocol/error-codes.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import type { BackoffOptions, ConnectionState } from './types.js';

export interface ConnectionOptions {
  url: string;
  WebSocket?: unknown;
  /** Called before every (re)connect. */
  getToken(): string | Promise<string>;
  /** The token cannot be refreshed: an auth error closes the connection instead of retrying. */
  fixedToken: boolean;
  deviceId: string;
  /** Highest contiguous seq held per conversation, sent in `session.open`. */
  cursors(): Record<string, number>;
  onFrame(frame: ServerFrame): void;
  /** The socket closed (the session is gone); a reconnect may follow. */
  onDown(): void;
  pingIntervalMs: number;
  backoff?: BackoffOptions;
}

export interface Connection {
  readonly $state: ReadableAtom<ConnectionState>;
  /** Why the connection is `closed` (auth refused, protocol mismatch), if it was not `close()`. */
  readonly $error: ReadableAtom<ErrorBody | undefined>;
  start(): void;
  /** Sends a frame on the ready session; false when there is none (nothing is buffered). */
  send(frame: ClientFrame): boolean;
  /** Drops the socket and connects again at once (with jitter). */
  reconnect(): void;
  close(): void;
}

const AUTH_ERRORS: ReadonlySet<ErrorName> = new Set(['TOKEN_EXPIRED', 'TOKEN_INVALID', 'UNAUTHENTICATED']);
const FATAL_ERRORS: ReadonlySet<ErrorName> = new Set(['PROTOCOL_MISMATCH', 'USER_DELETED']);

/**
 * One logical connection to the server over partysocket's ReconnectingWebSocket: it opens the
 * session on every (re)connect with a fresh token, validates every inbound frame, pings while
 * online and reconnects a connection that went silent (browsers cannot detect that otherwise).
 */
export function createConnection(options: ConnectionOptions): Connection {
  const { minDelayMs = 1000, maxDelayMs = 30_000, growFactor = 1.5 } = options.backoff ?? {};
  const $state = atom<ConnectionState>('idle');
  const $error = atom<ErrorBody | undefined>(undefined);
  let socket: ReconnectingWebSocket | undefined;
  let token = '';
  let failures = 0;
  let attempts = 0;
  let open = false;
  let ready = false;
  let everOnline = false;
  let closed = false;
  let warned = false;
  let lastFrameAt = 0;
  /** The browser just came back online: skip the backoff wait once. */
  let retryNow = false;
  let watchdog: ReturnType<typeof setInterval> | undefined;

  const setDown = () => $state.set(closed ? 'closed' : everOnline ? 'offline' : 'connecting');

  // partysocket calls this before every attempt: wait a random share of the backoff (so a
  // server restart is not hit by every client at once), then fetch a token (so refresh works).
  const urlProvider = async (): Promise<string> => {
    if (attempts++ > 0 && !retryNow) {
      const ceiling = Math.min(maxDelayMs, minDelayMs * growFactor ** failures);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
    retryNow = false;
    try {
      token = await options.getToken();
    } catch (error) {
      failures++;
      throw error;
    }
    return options.url;
  };

  function onOpen(): void {
    open = true;
    lastFrameAt = Date.now();
    const frame: ClientFrame = {
      type: 'session.open',
      protocol: PROTOCOL_VERSION,
      token,
      deviceId: options.deviceId,
      cursors: options.cursors() as Record<`p2p:${string}`, number>,
    };
    socket?.send(encodeFrame(frame));
  }

  function onMessage(event: MessageEvent): void {
    lastFrameAt = Date.now();
    if (typeof event.data !== 'string') return warnOnce('a binary frame');
    const result = decodeServerFrame(event.data);
    if (!result.ok) return warnOnce(result.error.message);
    const frame = result.frame;
    if (frame.type === 'session.ready') {
      ready = true;
      everOnline = true;
      failures = 0;
      $error.set(undefined);
      $state.set('online');
    } else if (frame.type === 'error' && frame.reqId === undefined && !ready) {
      if (handleSessionError(frame)) return;
    }
    options.onFrame(frame);
  }

  /** An error answering `session.open`. Returns true when it ended or restarted the connection. */
  function handleSessionError(error: ErrorBody): boolean {
    if (FATAL_ERRORS.has(error.name) || (AUTH_ERRORS.has(error.name) && options.fixedToken)) {
      $error.set(error);
      shutdown();
      return true;
    }
    if (AUTH_ERRORS.has(error.name)) {
      failures++;
      socket?.reconnect();
      return true;
    }
    return false;
  }

  function onClose(): void {
    const wasReady = ready;
    open = false;
    ready = false;
    setDown();
    if (wasReady) options.onDown();
  }

  function onError(): void {
    if (!open) failures++;
  }

  function warnOnce(what: string): void {
    if (warned) return;
    warned = true;
    console.warn(`[natter] ignored an invalid frame from the server (${what}); further ones are ignored silently.`);
  }

  function tick(): void {
    if (!open) return;
    if (Date.now() - lastFrameAt > 2 * options.pingIntervalMs) {
      failures++;
      socket?.reconnect();
      return;
    }
    if (ready) socket?.send(encodeFrame({ type: 'ping' }));
  }

  // The browser knows about a lost network long before a ping times out; an open socket may
  // linger half-dead after it (Chromium keeps it), so drop it and let the backoff retry.
  const onBrowserOnline = () => {
    if (open || closed) return;
    failures = 0;
    retryNow = true;
    socket?.reconnect();
  };
  const onBrowserOffline = () => {
    if (open && !closed) socket?.reconnect();
  };

  function shutdown(): void {
    if (closed) return;
    closed = true;
    clearInterval(watchdog);
    if (typeof window !== 'undefined') {
      window.removeEventListener?.('online', onBrowserOnline);
      window.removeEventListener?.('offline', onBrowserOffline);
    }
    socket?.close(1000, 'client closed');
    $state.set('closed');
  }

  return {
    $state,
    $error,
    start() {
      if (socket || closed) return;
      $state.set('connecting');
      socket = new ReconnectingWebSocket(urlProvider, undefined, {
        WebSocket: options.WebSocket,
        maxEnqueuedMessages: 0,
        minReconnectionDelay: minDelayMs,
        maxReconnectionDelay: maxDelayMs,
        reconnectionDelayGrowFactor: growFactor,
        connectionTimeout: 10_000,
      });
      socket.addEventListener('open', onOpen);
      socket.addEventListener('message', onMessage);
      socket.addEventListener('close', onClose);
      socket.addEventListener('error', onError);
      watchdog = setInterval(tick, options.pingIntervalMs);
      if (typeof window !== 'undefined') {
        window.addEventListener?.('online', onBrowserOnline);
        window.addEventListener?.('offline', onBrowserOffline);
      }
    },
    send(frame) {
      if (!ready || !socket) return false;
      return socket.send(encodeFrame(frame));
    },
    reconnect() {
      if (!closed) socket?.reconnect();
    },
    close: shutdown,
  };
}
