import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  ChatError,
  CLOSE_BAD_FRAMES,
  decodeClientFrame,
  LIMITS,
} from '../../protocol/index.js';
import { errorFrame, type ChatCore, type FrameSettle } from '../core/chat-core.js';
import type { Connection } from '../core/connection.js';
import type { Logger } from '../core/logger.js';
import { originAllowed, type OriginPolicyOptions } from '../origin-policy.js';
import { capKey, clientAddress, type ProxyTrust } from '../proxy-trust.js';
import { ConnectionCounter } from './connection-limits.js';
import { refuseRaw } from '../http/raw-refusal.js';
import { failureAnswer, refusal } from '../core/refusal.js';
import { plainTextSend } from './send-fast-path.js';
import { MAX_CONTAINERS, MAX_KEYS, rawJsonExcess, SCAN_NESTING_FROM, SESSION_OPEN_KEYS, topLevelOnly } from '../core/raw-nesting.js';
import { deferCursors } from '../core/session-cursors.js';
import { TurnWriter, textFrame } from './turn-writer.js';
import { OPEN_ATTEMPTS_PER_CONNECTION } from '../core/frame-rates.js';

/** A long frame nesting deeper than LIMITS.frameDepth or holding too many arrays and objects or keys, refused before JSON.parse (raw-nesting.ts). */
const TOO_BIG = {
  depth: { ok: false, error: new ChatError('BAD_FRAME', `The frame nests deeper than ${LIMITS.frameDepth} levels.`) },
  width: { ok: false, error: new ChatError('BAD_FRAME', `The frame holds more than ${MAX_CONTAINERS} arrays and objects.`) },
  keys: { ok: false, error: new ChatError('BAD_FRAME', `The frame holds more than ${MAX_KEYS} keys (a session.open ${SESSION_OPEN_KEYS}).`) },
} as const;

/**
 * A client frame's text decoded, a long one only once its nesting and width are known to be
 * within bounds (one longer than a frame may be is refused FRAME_TOO_LARGE unread, by the decoder).
 */
export function decodeFrame(raw: string): ReturnType<typeof decodeClientFrame> {
  if (raw.length > SCAN_NESTING_FROM && raw.length <= LIMITS.frameBytes) {
    const excess = rawJsonExcess(raw, LIMITS.frameDepth, MAX_CONTAINERS, MAX_KEYS);
    if (excess === 'keys') return decodeWithCursors(raw);
    if (excess) return TOO_BIG[excess];
  }
  return decodeClientFrame(raw, plainTextSend);
}

/**
 * A frame of more than MAX_KEYS keys: a `session.open` of at most SESSION_OPEN_KEYS (its cursors)
 * is decoded from its top-level fields, its cursors read once its token is verified
 * (session-cursors.ts); any other is refused unparsed.
 */
function decodeWithCursors(raw: string): ReturnType<typeof decodeClientFrame> {
  let top: unknown;
  try {
    top = JSON.parse(topLevelOnly(raw));
  } catch {
    return TOO_BIG.keys;
  }
  if (typeof top !== 'object' || top === null || (top as { type?: unknown }).type !== 'session.open') return TOO_BIG.keys;
  const excess = rawJsonExcess(raw, LIMITS.frameDepth, MAX_CONTAINERS, SESSION_OPEN_KEYS);
  if (excess) return TOO_BIG[excess];
  delete (top as { cursors?: unknown }).cursors;
  const decoded = decodeClientFrame(JSON.stringify(top));
  if (decoded.ok && decoded.frame.type === 'session.open') deferCursors(decoded.frame, raw);
  return decoded;
}

export interface GatewayOptions {
  path: string;
  /** Frames above this are closed by ws with 1009; between LIMITS.frameBytes and this they get FRAME_TOO_LARGE. */
  maxPayload: number;
  pingIntervalMs: number;
  /** A socket whose unsent backlog exceeds this is a slow consumer and is dropped. */
  maxBufferedBytes: number;
  /** A connection that has not opened a session by then is closed. */
  authTimeoutMs: number;
  /** Browser origins allowed to open a socket (see origin-policy.ts); others get 403 before the upgrade. */
  allowedOrigins: '*' | readonly string[];
  /** How the server's own origin is recognised (dev mode: its loopback aliases too). */
  originPolicy?: OriginPolicyOptions;
  /** Open sockets per client IP; past it the upgrade is answered 429 TOO_MANY_CONNECTIONS. */
  maxConnectionsPerIp: number;
  /**
   * Invalid frames (not text, not JSON, not a frame, too large) a connection may send in a minute;
   * one more is answered BAD_FRAME, the socket is closed 1008 and the rest of what it sent is
   * dropped unread. A client never sends one unless broken; a refusal costs far more than a read.
   */
  maxBadFramesPerMinute: number;
  /**
   * Which TCP peers are proxies whose `X-Forwarded-For` names the client (see proxy-trust.ts);
   * the per-IP limit and the logs use that address. Default: none, the peer is the client.
   */
  trustProxy?: ProxyTrust;
  logger: Logger;
}

export interface Gateway {
  /** Closes every socket with 1001 (going away) and stops the heartbeat. */
  close(): Promise<void>;
  readonly connections: number;
}

/** Longest shutdown waits for frames already being handled. */
const DRAIN_MS = 10_000;

/**
 * Frames of one connection being handled at once; past it the gateway stops reading that socket
 * until half are done. Work a server cannot finish yet then waits in the kernel's socket buffers
 * (and, when those fill, in the client), not on the heap: a backlog held in memory is copied by
 * every garbage collection while it waits, which made an overloaded server slower the further
 * it fell behind. The client sees ordinary TCP backpressure; nothing is refused or lost.
 */
const MAX_PENDING_FRAMES = 32;

/**
 * Frames of one socket handled in one turn of the event loop. ws parses a whole TCP read at once
 * (up to 64 KiB: some 1,800 pings), and pausing the socket stops only the next read, so a socket
 * writing valid frames as fast as TCP takes them had each read handled in one go, past its
 * budget or not (refusals included: about 10 µs each), while every other socket waited: another
 * user's ping took 366 ms at p50 with one such flooder in its own process. Past this many in one
 * read the rest wait in the socket's queue, unparsed and in order, and are handled this many per
 * later turn, the socket not read while any wait; other sockets' frames are handled in between.
 */
const FRAMES_PER_TURN = 32;

interface Socket extends WebSocket {
  alive?: boolean;
}

/**
 * The WebSocket edge: it accepts upgrades on one path of the HTTP server, turns bytes into
 * validated frames for the core and keeps sockets healthy (heartbeat, backpressure). It knows
 * nothing of chat rules.
 */
export function attachGateway(server: Server, core: ChatCore, options: GatewayOptions): Gateway {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload, perMessageDeflate: false });
  // A handshake ws refuses (bad key, version, method) is answered in the error table's shape, not ws's plain text.
  wss.on('wsClientError', (err: Error, socket: Duplex) => refuseRaw(socket, new ChatError('BAD_REQUEST', `The WebSocket handshake is not valid: ${err.message}.`)));
  let closing = false;
  const writes = new TurnWriter(Math.min(64 * 1024, Math.ceil(options.maxBufferedBytes / 4)));
  const perIp = new ConnectionCounter(options.maxConnectionsPerIp);
  const trustProxy = options.trustProxy ?? (() => false);
  /** Frames being handled; shutdown waits for them so every committed send is acked first. */
  let inFlight = 0;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== options.path) return refuseRaw(socket, new ChatError('NOT_FOUND'));
    if (closing) return refuseRaw(socket, new ChatError('SHUTTING_DOWN'));
    // Refused before the upgrade, so a foreign page or a flood costs no socket state.
    if (!originAllowed(req.headers, options.allowedOrigins, options.originPolicy)) return refuseRaw(socket, new ChatError('ORIGIN_NOT_ALLOWED'));
    const ip = clientAddress(req, trustProxy);
    // An IPv6 client is counted with its whole /64, which one subscriber routinely holds.
    const key = capKey(ip);
    if (!perIp.tryAcquire(key)) {
      options.logger.warn({ ip, key }, 'too many connections from one address');
      return refuseRaw(socket, new ChatError('TOO_MANY_CONNECTIONS', 'Too many connections from this address.'));
    }
    // The TCP socket closes both after a WebSocket's life and after a handshake ws rejected.
    socket.once('close', () => perIp.release(key));
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws as Socket, socket, ip));
  };
  server.on('upgrade', onUpgrade);

  function onConnection(ws: Socket, socket: Duplex, ip: string): void {
    ws.alive = true;
    let pending = 0;
    /** Invalid frames in the minute since `badSince`; `cut` once past the limit (nothing more is read). */
    let bad = 0;
    let badSince = performance.now();
    let cut = false;
    /** `session.open` frames taken in the minute since `opensSince`. */
    let opens = 0;
    let opensSince = performance.now();
    let paused = false;
    /** Frames of this read so far; past FRAMES_PER_TURN the rest go to `queued`. */
    let readThisTurn = 0;
    /** Frames read and not handled yet, oldest first from `queuedFrom`; undefined when none wait. */
    let queued: [RawData, boolean][] | undefined;
    let queuedFrom = 0;
    /** The queue's drain waits for handling to catch up (pending back to half); set while it does. */
    let drainWaits = false;
    const readAgain = (): void => {
      if (pending > MAX_PENDING_FRAMES / 2) return;
      if (drainWaits) {
        drainWaits = false;
        setImmediate(drain);
      } else if (paused && queued === undefined) {
        paused = false;
        ws.resume();
      }
    };
    const done = (): void => {
      inFlight--;
      pending--;
      readAgain();
    };
    const conn: Connection = {
      id: randomUUID(),
      send(data) {
        if (ws.readyState !== WebSocket.OPEN) return;
        const backlog = writes.write(ws, socket, textFrame(data));
        // Buffering without bound for a client that does not read would exhaust memory;
        // the client reconnects and resumes from its cursor instead.
        if (backlog > options.maxBufferedBytes) {
          options.logger.warn({ conn: conn.id, ip }, 'slow consumer dropped');
          writes.drop(socket);
          ws.terminate();
        }
      },
      close(code, reason) {
        // What this turn holds for the socket goes before the close frame.
        writes.release(socket);
        ws.close(code, reason);
      },
    };
    const authTimer = setTimeout(() => {
      if (!conn.session) conn.close(4401, 'UNAUTHENTICATED');
    }, options.authTimeoutMs);
    authTimer.unref();

    ws.on('pong', () => (ws.alive = true));
    // Before ws's own listener: a new read starts a new turn's count.
    socket.prependListener('data', () => (readThisTurn = 0));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      ws.alive = true;
      // With MAX_PENDING_FRAMES in handling the rest of the read waits too: pausing stops only the
      // next read, and a read starting with some frames in handling took its whole turn's share
      // on top (up to 63 of a flooder's frames in one refusal hold; a few holds a second under load).
      if (queued !== undefined || pending >= MAX_PENDING_FRAMES || ++readThisTurn > FRAMES_PER_TURN) return defer(data, isBinary);
      take(data, isBinary);
    });
    const take = (data: RawData, isBinary: boolean): void => {
      // One frame's failure is that frame's: whatever throws here is answered on this socket,
      // and the socket, its session and every other socket carry on.
      try {
        onFrame(data, isBinary);
      } catch (err) {
        options.logger.error({ err, conn: conn.id, ip }, 'frame handling threw');
        conn.send(JSON.stringify(errorFrame(new ChatError('INTERNAL').toJSON())));
      }
    };
    /** Queues a frame past this turn's FRAMES_PER_TURN; the socket is not read until the queue is empty. */
    const defer = (data: RawData, isBinary: boolean): void => {
      if (queued === undefined) {
        queued = [];
        queuedFrom = 0;
        setImmediate(drain);
        if (!paused) {
          paused = true;
          ws.pause();
        }
      }
      queued.push([data, isBinary]);
    };
    /**
     * Handles the next FRAMES_PER_TURN queued frames, in order; the rest on a later turn, or, with
     * MAX_PENDING_FRAMES of this socket's frames in handling, once half of those are done. Frames
     * past a budget stay in handling for the refusal's hold (frame-rates.ts), so a socket over its
     * budget is answered 32 frames per hold instead of 32 per turn.
     */
    const drain = (): void => {
      const q = queued;
      if (q === undefined) return;
      const end = Math.min(q.length, queuedFrom + FRAMES_PER_TURN);
      while (queuedFrom < end && pending < MAX_PENDING_FRAMES) {
        const [data, isBinary] = q[queuedFrom]!;
        q[queuedFrom++] = undefined as never;
        take(data, isBinary);
      }
      if (queued !== q) return;
      if (queuedFrom < q.length) {
        if (pending < MAX_PENDING_FRAMES) setImmediate(drain);
        else drainWaits = true;
        return;
      }
      queued = undefined;
      readAgain();
    };
    /**
     * Answers an invalid frame, or, past `maxBadFramesPerMinute` of them, closes the socket: a
     * flood of tiny invalid frames (each a failed parse and an error answer, about 50 times the
     * cost of reading a valid one) otherwise kept the event loop from every other socket.
     */
    const refuse = (answer: () => string): void => {
      const now = performance.now();
      if (now - badSince >= 60_000) {
        badSince = now;
        bad = 0;
      }
      if (++bad <= options.maxBadFramesPerMinute) return conn.send(answer());
      cut = true;
      options.logger.warn({ conn: conn.id, ip }, 'too many invalid frames: socket closed');
      conn.send(JSON.stringify(errorFrame(new ChatError('BAD_FRAME', `More than ${options.maxBadFramesPerMinute} invalid frames in a minute: closing.`).toJSON())));
      conn.close(CLOSE_BAD_FRAMES, 'BAD_FRAME');
    };
    const onFrame = (data: RawData, isBinary: boolean): void => {
      // What a cut socket had sent before its close goes unread (ws still hands it over).
      if (cut) return;
      const raw = toText(data);
      if (isBinary || raw === undefined) {
        refuse(() => JSON.stringify(errorFrame(new ChatError('BAD_FRAME', 'Frames are JSON text.').toJSON())));
        return;
      }
      const decoded = decodeFrame(raw);
      if (!decoded.ok) {
        refuse(() => refusal(raw, decoded.error));
        return;
      }
      // Before a session only session.open means anything (frames sent after one wait for it in
      // the core): the rest count as invalid, so a stranger's flood of valid frames (106,000
      // UNAUTHENTICATED answers in 5 s, 28 % of a core, from one socket) is cut like any other.
      if (!conn.session && !conn.opening && decoded.frame.type !== 'session.open') {
        refuse(() => refusal(raw, new ChatError('UNAUTHENTICATED')));
        return;
      }
      // So do opens past what the core takes on one socket (OPEN_ATTEMPTS_PER_CONNECTION, answered
      // RATE_LIMITED) and opens while one is open or opening: a stranger's flood of them drew
      // 85,000 answers in 5 s, a third of a core.
      if (decoded.frame.type === 'session.open') {
        if (conn.session || conn.opening) {
          refuse(() => refusal(raw, new ChatError('BAD_REQUEST', 'The session is already open.')));
          return;
        }
        const now = performance.now();
        if (now - opensSince >= 60_000) {
          opensSince = now;
          opens = 0;
        }
        if (++opens > OPEN_ATTEMPTS_PER_CONNECTION) {
          refuse(() => refusal(raw, new ChatError('RATE_LIMITED', undefined, { retryAfterMs: Math.ceil(opensSince + 60_000 - now) })));
          return;
        }
      }
      if (closing) {
        // Nothing new is started while draining: the client resends after reconnecting.
        conn.send(refusal(raw, new ChatError('SHUTTING_DOWN')));
        return;
      }
      inFlight++;
      if (++pending >= MAX_PENDING_FRAMES && !paused) {
        paused = true;
        ws.pause();
      }
      const frame = decoded.frame;
      try {
        core.takeFrame(conn, frame, settle);
      } catch (err) {
        settle.failed(frame, err);
      }
    };
    /**
     * Told when a frame is answered. The core answers its own errors; should its handling throw or
     * reject anyway, the frame still gets an answer (correlated like any refusal) and the
     * connection goes on.
     */
    const settle: FrameSettle = {
      done,
      failed(frame, err) {
        done();
        try {
          options.logger.error({ err, conn: conn.id, ip, frame: frame.type }, 'frame handler failed');
          conn.send(failureAnswer(frame, err));
        } catch {
          // Nothing more can be told on this socket; it still reads its next frame.
        }
      },
    };
    ws.on('close', () => {
      // Frames not handled yet are dropped, not run for a connection already gone: none was
      // answered, so the client resends its sends after reconnecting (by clientMsgId, once).
      queued = undefined;
      drainWaits = false;
      writes.drop(socket);
      clearTimeout(authTimer);
      core.disconnect(conn);
    });
    ws.on('error', (err) => options.logger.warn({ err, conn: conn.id, ip }, 'socket error'));
  }

  // A socket that missed a whole interval of pings is gone without a close (network cut).
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients as Set<Socket>) {
      if (!ws.alive) {
        ws.terminate();
        continue;
      }
      ws.alive = false;
      ws.ping();
    }
  }, options.pingIntervalMs);
  heartbeat.unref();

  return {
    get connections() {
      return wss.clients.size;
    },
    async close() {
      closing = true;
      clearInterval(heartbeat);
      // The upgrade listener stays: it refuses (503 SHUTTING_DOWN) what comes on a connection that
      // was open before the server stopped accepting. Without a listener, Node hands such a
      // request's socket to nobody: unanswered, it held the server's close() (the chaos test's restart).
      // Sends already taken are committed and acked before their sockets close, so a client
      // never holds an unacked message the server stored (it would resend it as a duplicate).
      // Bounded: a store that hangs must not keep the process from exiting.
      const deadline = Date.now() + DRAIN_MS;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      // The acks of those sends go out before the close frames.
      writes.releaseAll();
      const closed = [...wss.clients].map(
        (ws) => new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close(1001, 'SHUTTING_DOWN');
          // A peer that does not answer the close handshake is cut.
          setTimeout(() => ws.terminate(), 2000).unref();
        }),
      );
      await Promise.all(closed);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** A frame's bytes as text, whichever of `ws`'s binary forms they arrived in. */
function toText(data: RawData): string | undefined {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
