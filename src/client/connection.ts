import { atom, type ReadableAtom } from 'nanostores';
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
  /** Ms a socket may take to open before the attempt counts as failed (default 10 000). */
  connectTimeoutMs?: number;
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
/** A socket that stayed open this long brings the growing part of the wait back to its start. */
const MIN_UPTIME_MS = 5000;

/**
 * One logical connection to the server over a WebSocket it opens again whenever it drops: it
 * opens the session on every (re)connect with a fresh token, validates every inbound frame,
 * pings while online and reconnects a connection that went silent (browsers cannot detect that
 * otherwise). Reconnects wait a backoff (see `connect`); a closed client never reconnects.
 */
export function createConnection(options: ConnectionOptions): Connection {
  const { minDelayMs = 1000, maxDelayMs = 30_000, growFactor = 1.5 } = options.backoff ?? {};
  const $state = atom<ConnectionState>('idle');
  const $error = atom<ErrorBody | undefined>(undefined);
  const delay = (n: number) => Math.min(maxDelayMs, minDelayMs * growFactor ** n);
  /** The current socket, from its creation until it closes or is dropped. */
  let socket: WebSocket | undefined;
  let started = false;
  let token = '';
  /** Failed attempts (refused, timed out, token refused) since the last ready session. */
  let failures = 0;
  /**
   * The growing part of the next wait: none at 0, else `delay(retries - 1)`. Counts attempts
   * from 1 after a socket stayed open MIN_UPTIME_MS, from 0 after `reconnect()` or the start.
   */
  let retries = 0;
  /** Numbers the attempts: one that finds a newer one started after its wait gives up. */
  let attempt = 0;
  let open = false;
  let ready = false;
  let everOnline = false;
  let closed = false;
  let warned = false;
  let lastFrameAt = 0;
  /** The browser just came back online: skip the backoff wait once. */
  let retryNow = false;
  let watchdog: ReturnType<typeof setInterval> | undefined;
  let waitTimer: ReturnType<typeof setTimeout> | undefined;
  let openTimer: ReturnType<typeof setTimeout> | undefined;
  let uptimeTimer: ReturnType<typeof setTimeout> | undefined;

  const setDown = () => $state.set(closed ? 'closed' : everOnline ? 'offline' : 'connecting');

  /**
   * Opens a socket after a wait of two parts: one that grows with the attempts that did not stay
   * up, and a random share of one that grows with the failures (so a server restart is not hit
   * by every client at once). The first connect and the one after the browser came online do
   * not wait. A token is fetched for every attempt (so refresh works).
   */
  async function connect(): Promise<void> {
    const id = ++attempt;
    clearTimeout(waitTimer);
    const wait = retryNow ? 0 : (retries > 0 ? delay(retries - 1) : 0) + (id > 1 ? Math.random() * delay(failures) : 0);
    retries++;
    retryNow = false;
    if (wait > 0) await new Promise((resolve) => (waitTimer = setTimeout(resolve, wait)));
    let ws: WebSocket;
    try {
      if (id !== attempt || closed) return;
      token = await options.getToken();
      if (id !== attempt || closed) return;
      ws = new ((options.WebSocket as typeof WebSocket | undefined) ?? WebSocket)(options.url);
    } catch {
      // No token (offline, refused) or no WebSocket: try again after the next wait.
      failures++;
      if (id === attempt && !closed) void connect();
      return;
    }
    socket = ws;
    openTimer = setTimeout(() => drop(ws, true), options.connectTimeoutMs ?? 10_000);
    ws.addEventListener('open', () => {
      if (ws !== socket) return;
      clearTimeout(openTimer);
      uptimeTimer = setTimeout(() => (retries = 1), MIN_UPTIME_MS);
      onOpen();
    });
    ws.addEventListener('message', (event) => ws === socket && onMessage(event));
    ws.addEventListener('close', () => drop(ws, false));
    ws.addEventListener('error', () => drop(ws, true));
  }

  /**
   * Leaves `ws` if it is the current socket (closing it, if it is not closed already): the
   * session is down, and unless the client is closed, the next attempt starts.
   */
  function drop(ws: WebSocket, failed: boolean, reason?: string): void {
    if (ws !== socket) return;
    socket = undefined;
    clearTimeout(openTimer);
    clearTimeout(uptimeTimer);
    // CONNECTING or OPEN. Its events from now on find it is not the current socket.
    if (ws.readyState < 2) ws.close(1000, reason);
    if (failed) failures++;
    const wasReady = ready;
    open = false;
    ready = false;
    setDown();
    if (wasReady) options.onDown();
    if (!closed) void connect();
  }

  /** Drops the socket and connects again, without the growing part of the wait. */
  function restart(): void {
    if (closed || !started) return;
    retries = 0;
    if (socket) drop(socket, false);
    else void connect();
  }

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
      restart();
      return true;
    }
    return false;
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
      restart();
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
    restart();
  };
  const onBrowserOffline = () => {
    if (open) restart();
  };

  function shutdown(): void {
    if (closed) return;
    closed = true;
    clearInterval(watchdog);
    if (typeof window !== 'undefined') {
      window.removeEventListener?.('online', onBrowserOnline);
      window.removeEventListener?.('offline', onBrowserOffline);
    }
    clearTimeout(waitTimer);
    if (socket) drop(socket, false, 'client closed');
    $state.set('closed');
  }

  return {
    $state,
    $error,
    start() {
      if (started || closed) return;
      started = true;
      $state.set('connecting');
      void connect();
      watchdog = setInterval(tick, options.pingIntervalMs);
      if (typeof window !== 'undefined') {
        window.addEventListener?.('online', onBrowserOnline);
        window.addEventListener?.('offline', onBrowserOffline);
      }
    },
    send(frame) {
      // OPEN only: a closing socket would drop the frame silently.
      if (!ready || socket?.readyState !== 1) return false;
      socket.send(encodeFrame(frame));
      return true;
    },
    reconnect: restart,
    close: shutdown,
  };
}
