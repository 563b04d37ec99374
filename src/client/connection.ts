import { atom, type ReadableAtom } from 'nanostores';
import ReconnectingWebSocket from 'partysocket/ws';
import { decodeServerFrameInClient, encodeFrame } from '../protocol/client-wire.js';
import { CLOSE_TOKEN_EXPIRED } from '../protocol/close-codes.js';
import { ChatError, type ErrorBody, type ErrorName } from '../protocol/error-codes.js';
import type { ClientFrame, ServerFrame } from '../protocol/frames.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { isReplayFrame, peekFrame, unreadableAnswer } from './invalid-frame.js';
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
  /** Server frames that could not be decoded (too large, malformed) since the start. */
  readonly $invalidFrames: ReadableAtom<number>;
  start(): void;
  /** Sends a frame on the ready session; false when there is none (nothing is buffered). */
  send(frame: ClientFrame): boolean;
  /** Drops the socket and connects again at once (with jitter). */
  reconnect(): void;
  close(): void;
}

const AUTH_ERRORS: ReadonlySet<ErrorName> = new Set(['TOKEN_EXPIRED', 'TOKEN_INVALID', 'UNAUTHENTICATED']);
const FATAL_ERRORS: ReadonlySet<ErrorName> = new Set(['PROTOCOL_MISMATCH', 'USER_DELETED']);
/** Invalid frames warned about one by one; after that one warning in a hundred. */
const WARN_EACH = 20;

/**
 * One logical connection to the server over partysocket's `ReconnectingWebSocket`, which opens
 * the socket again whenever it drops, waiting a backoff that grows with the attempts that did
 * not stay up (`minUptime`) and giving up on a socket that does not open in time. On top of it:
 * every attempt fetches a fresh token (the URL provider) after a random share of a wait that
 * grows with the failures (so a server restart is not hit by every client at once); the session
 * is opened on every connect; every inbound frame is validated, and one that is not is counted,
 * reported and, when it answered a request or carried the replay, not left unanswered; pings
 * run while online and a silent connection is dropped (browsers cannot detect that otherwise);
 * the browser's `offline` drops a socket and `online` cuts a wait short; 1012 (the server asks
 * for a resync) reconnects without the growing wait. partysocket never queues a frame: a frame
 * that cannot go now is refused, and the outbox keeps it. A closed connection never reconnects.
 */
export function createConnection(options: ConnectionOptions): Connection {
  // A socket that stayed open `minUptimeMs` brings the growing part of the wait back to its start.
  const { minDelayMs = 1000, maxDelayMs = 30_000, growFactor = 1.5, minUptimeMs = 5000 } = options.backoff ?? {};
  const $state = atom<ConnectionState>('idle');
  const $error = atom<ErrorBody | undefined>(undefined);
  const $invalidFrames = atom(0);
  const delay = (n: number) => Math.min(maxDelayMs, minDelayMs * growFactor ** n);
  let rws: ReconnectingWebSocket | undefined;
  let started = false;
  let token = '';
  /** Failed attempts (refused, timed out, token refused) since the last ready session: they grow the jitter. */
  let failures = 0;
  /** Attempts made by the URL provider: the first one does not wait. */
  let attempts = 0;
  let open = false;
  let ready = false;
  let everOnline = false;
  let closed = false;
  let lastFrameAt = 0;
  /** A replay frame of this session could not be read. */
  let lostReplay = false;
  /** A session was started again for a lost replay frame, and none has synced cleanly since. */
  let replayRetried = false;
  /** The browser just came back online: the next attempt does not wait. */
  let retryNow = false;
  /** No attempt before this time (ms since the epoch): the server refused `session.open` RATE_LIMITED with a wait. */
  let notBefore = 0;
  /** Ends the jitter wait of the attempt in progress at once (set while it waits). */
  let skipJitter: (() => void) | undefined;
  /** The URL provider is running (waiting its jitter or for the token). */
  let preparing = false;
  /** A socket was created and has not opened or failed yet. */
  let connecting = false;
  let watchdog: ReturnType<typeof setInterval> | undefined;
  /** When the current session became ready (ms since the epoch). */
  let readyAt = 0;
  /** Sessions in a row that the server ended for an expired token within `minUptimeMs` of opening. */
  let shortLived = 0;

  const setDown = (expired = false) => $state.set(closed ? 'closed' : everOnline && !expired ? 'offline' : 'connecting');

  /**
   * partysocket's URL provider, run before every attempt once its own (growing) wait is over:
   * waits the random share, then fetches the token the attempt's `session.open` carries.
   */
  const urlFor = (self: () => ReconnectingWebSocket | undefined) => async (): Promise<string> => {
    if (closed || self() !== rws) return options.url; // a discarded socket: partysocket stops there
    preparing = true;
    try {
      const jitter = attempts++ > 0 && !retryNow ? Math.random() * delay(failures) : 0;
      const wait = Math.max(jitter, notBefore - Date.now());
      retryNow = false;
      if (wait > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          skipJitter = () => (clearTimeout(timer), resolve());
        });
        skipJitter = undefined;
      }
      if (closed || self() !== rws) return options.url;
      // A refused token (offline, server down) fails this attempt: partysocket retries after its wait.
      token = await options.getToken();
      connecting = true;
      return options.url;
    } finally {
      preparing = false;
    }
  };

  /** A new partysocket, with a fresh retry count; the previous one (if any) is discarded. */
  function createSocket(): void {
    const previous = rws;
    let self: ReconnectingWebSocket | undefined;
    self = rws = new ReconnectingWebSocket(urlFor(() => self), undefined, {
      WebSocket: options.WebSocket ?? globalThis.WebSocket,
      minReconnectionDelay: minDelayMs,
      maxReconnectionDelay: maxDelayMs,
      reconnectionDelayGrowFactor: growFactor,
      connectionTimeout: options.connectTimeoutMs ?? 10_000,
      minUptime: minUptimeMs,
      // Never buffer: a frame sent while there is no session is refused (the outbox resends it).
      maxEnqueuedMessages: 0,
      // 1012 (come back and resync) and 4440 (the token expired): `onClose` reconnects without the growing wait.
      shouldReconnectOnClose: (event) => (event as CloseEvent).code !== 1012 && (event as CloseEvent).code !== CLOSE_TOKEN_EXPIRED,
    });
    const current = () => self === rws && !closed;
    self.addEventListener('open', () => current() && onOpen());
    self.addEventListener('message', (event) => current() && onMessage(event as MessageEvent));
    self.addEventListener('close', (event) => current() && onClose((event as CloseEvent).code));
    // Refused, timed out, or no token: partysocket has already scheduled the next attempt.
    self.addEventListener('error', () => {
      if (!current()) return;
      failures++;
      onClose(0);
    });
    previous?.close(1000, 'replaced');
  }

  function onOpen(): void {
    connecting = false;
    open = true;
    lastFrameAt = Date.now();
    const frame: ClientFrame = {
      type: 'session.open',
      protocol: PROTOCOL_VERSION,
      token,
      deviceId: options.deviceId,
      cursors: options.cursors() as Record<`p2p:${string}`, number>,
    };
    rws?.send(encodeFrame(frame));
  }

  /** The socket closed or the attempt failed (partysocket reports both, sometimes twice). */
  function onClose(code: number): void {
    connecting = false;
    const wasReady = ready;
    open = false;
    ready = false;
    const expired = code === CLOSE_TOKEN_EXPIRED;
    if (expired) {
      // At once with a fresh token, unless sessions keep ending as soon as they open (a provider
      // handing out tokens about to expire): then each waits longer, as failed attempts do.
      shortLived = Date.now() - readyAt < minUptimeMs ? shortLived + 1 : 0;
      failures = shortLived;
      retryNow = shortLived === 0;
    }
    setDown(expired);
    if (wasReady) options.onDown();
    if ((code === 1012 || expired) && !closed) rws?.reconnect();
  }

  function onMessage(event: MessageEvent): void {
    lastFrameAt = Date.now();
    if (typeof event.data !== 'string') return invalid('a binary frame', {});
    const result = decodeServerFrameInClient(event.data);
    if (!result.ok) return invalid(result.error.message, peekFrame(event.data), result.error);
    const frame = result.frame;
    if (frame.type === 'session.ready') {
      ready = true;
      everOnline = true;
      failures = 0;
      readyAt = Date.now();
      lostReplay = false;
      $error.set(undefined);
      $state.set('online');
    } else if (frame.type === 'sync.done') {
      if (!lostReplay) replayRetried = false;
    } else if (frame.type === 'error' && frame.reqId === undefined) {
      if (!ready && handleSessionError(frame)) return;
      // The session's token expired: close 4440 follows, and the client comes back with a fresh
      // one. A fixed token cannot be refreshed: the connection ends with the error.
      if (ready && frame.name === 'TOKEN_EXPIRED') {
        if (options.fixedToken) {
          $error.set(frame);
          shutdown();
        }
        return;
      }
    }
    options.onFrame(frame);
  }

  /**
   * A frame the client cannot use is never dropped silently: it is counted and logged; the
   * request it answered fails with the decoder's error; a lost replay batch is fetched again by
   * a new session (which replays from the cursors the client holds), once until a session syncs
   * without losing one.
   */
  function invalid(what: string, peek: ReturnType<typeof peekFrame>, error = new ChatError('BAD_FRAME', what)): void {
    const count = $invalidFrames.get() + 1;
    $invalidFrames.set(count);
    if (count <= WARN_EACH || count % 100 === 0) {
      console.warn(`[natter] unreadable server frame #${count} (${what})`, peek);
    }
    if (peek.reqId !== undefined) options.onFrame(unreadableAnswer(peek.reqId, error));
    else if (isReplayFrame(peek) && ready) {
      lostReplay = true;
      // Once: a server that sends the same unreadable replay again would be asked forever (the
      // client then finds the hole as a gap and pages it with history.fetch).
      if (replayRetried) return;
      replayRetried = true;
      failures++;
      restart();
    }
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
    if (error.name === 'RATE_LIMITED' || error.name === 'UNAVAILABLE') {
      // Too many sessions opened, or the server's store saturated: come back when the server says,
      // not at once (nor only when the auth timeout closes this socket).
      failures++;
      notBefore = Date.now() + (error.retryAfterMs ?? delay(failures));
      rws?.reconnect();
      return true;
    }
    return false;
  }

  /** Drops the socket and connects again without the growing part of the wait. */
  function restart(): void {
    if (closed || !started) return;
    if (open || connecting) rws?.reconnect(); // partysocket closes the socket (1000) and connects at once
    else if (!preparing) createSocket(); // partysocket is waiting its backoff: start over without it
  }

  function tick(): void {
    if (!open) return;
    if (Date.now() - lastFrameAt > 2 * options.pingIntervalMs) {
      failures++;
      restart();
      return;
    }
    if (ready) rws?.send(encodeFrame({ type: 'ping' }));
  }

  // The browser knows about a lost network long before a ping times out; an open socket may
  // linger half-dead after it (Chromium keeps it), so drop it and let the backoff retry.
  const onBrowserOnline = () => {
    if (open || closed || !started) return;
    failures = 0;
    retryNow = true;
    if (skipJitter) skipJitter();
    else restart();
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
    skipJitter?.();
    const wasReady = ready;
    open = ready = false;
    rws?.close(1000, 'client closed');
    $state.set('closed');
    if (wasReady) options.onDown();
  }

  return {
    $state,
    $error,
    $invalidFrames,
    start() {
      if (started || closed) return;
      started = true;
      $state.set('connecting');
      createSocket();
      watchdog = setInterval(tick, options.pingIntervalMs);
      if (typeof window !== 'undefined') {
        window.addEventListener?.('online', onBrowserOnline);
        window.addEventListener?.('offline', onBrowserOffline);
      }
    },
    send(frame) {
      // OPEN only: partysocket would queue it, a closing socket would drop it silently.
      if (!ready || rws?.readyState !== 1) return false;
      rws.send(encodeFrame(frame));
      return true;
    },
    reconnect: restart,
    close: shutdown,
  };
}
