import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  ChatError,
  decodeClientFrame,
  LIMITS,
} from '../../protocol/index.js';
import { errorFrame, type ChatCore } from '../core/chat-core.js';
import type { Connection } from '../core/connection.js';
import type { Logger } from '../core/logger.js';
import { originAllowed } from '../origin-policy.js';
import { clientAddress, type ProxyTrust } from '../proxy-trust.js';
import { ConnectionCounter } from './connection-limits.js';
import { refusal } from '../core/refusal.js';

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
  /** Open sockets per client IP; past it the upgrade is answered 429 TOO_MANY_CONNECTIONS. */
  maxConnectionsPerIp: number;
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
  let closing = false;
  const writes = new TurnWrites();
  const flushAt = Math.min(64 * 1024, Math.ceil(options.maxBufferedBytes / 4));
  const perIp = new ConnectionCounter(options.maxConnectionsPerIp);
  const trustProxy = options.trustProxy ?? (() => false);
  /** Frames being handled; shutdown waits for them so every committed send is acked first. */
  const inFlight = new Set<Promise<void>>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== options.path || closing) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    // Refused before the upgrade, so a foreign page or a flood costs no socket state.
    if (!originAllowed(req.headers, options.allowedOrigins)) return refuseUpgrade(socket, new ChatError('ORIGIN_NOT_ALLOWED'));
    const ip = clientAddress(req, trustProxy);
    if (!perIp.tryAcquire(ip)) {
      options.logger.warn({ ip }, 'too many connections from one address');
      return refuseUpgrade(socket, new ChatError('TOO_MANY_CONNECTIONS', 'Too many connections from this address.'));
    }
    // The TCP socket closes both after a WebSocket's life and after a handshake ws rejected.
    socket.once('close', () => perIp.release(ip));
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws as Socket, socket, ip));
  };
  server.on('upgrade', onUpgrade);

  function onConnection(ws: Socket, socket: Duplex, ip: string): void {
    ws.alive = true;
    const conn: Connection = {
      id: randomUUID(),
      send(data) {
        if (ws.readyState !== WebSocket.OPEN) return;
        writes.hold(socket);
        ws.send(encoded(data), TEXT);
        // A big turn (a replay, a history page) goes to the kernel as it grows, so what stays
        // buffered is what the client has not read, not what this turn held back.
        if (socket.writableLength >= flushAt) writes.flush(socket);
        // Buffering without bound for a client that does not read would exhaust memory;
        // the client reconnects and resumes from its cursor instead.
        if (ws.bufferedAmount > options.maxBufferedBytes) {
          options.logger.warn({ conn: conn.id, ip }, 'slow consumer dropped');
          ws.terminate();
        }
      },
      close(code, reason) {
        ws.close(code, reason);
      },
    };
    const authTimer = setTimeout(() => {
      if (!conn.session) ws.close(4401, 'UNAUTHENTICATED');
    }, options.authTimeoutMs);
    authTimer.unref();

    ws.on('pong', () => (ws.alive = true));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      ws.alive = true;
      const raw = toText(data);
      if (isBinary || raw === undefined) {
        conn.send(JSON.stringify(errorFrame(new ChatError('BAD_FRAME', 'Frames are JSON text.').toJSON())));
        return;
      }
      const decoded = decodeClientFrame(raw);
      if (!decoded.ok) {
        conn.send(refusal(raw, decoded.error));
        return;
      }
      if (closing) {
        // Nothing new is started while draining: the client resends after reconnecting.
        conn.send(refusal(raw, new ChatError('SHUTTING_DOWN')));
        return;
      }
      const handled = core.handleFrame(conn, decoded.frame);
      inFlight.add(handled);
      void handled.finally(() => inFlight.delete(handled));
    });
    ws.on('close', () => {
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
      server.off('upgrade', onUpgrade);
      // Sends already taken are committed and acked before their sockets close, so a client
      // never holds an unacked message the server stored (it would resend it as a duplicate).
      // Bounded: a store that hangs must not keep the process from exiting.
      const deadline = Date.now() + DRAIN_MS;
      while (inFlight.size > 0 && Date.now() < deadline) {
        await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, deadline - Date.now()).unref())]);
      }
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

/** Frame options of a text frame whose payload is already UTF-8 bytes. */
const TEXT = { binary: false } as const;
let lastText: string | undefined;
let lastBytes: Buffer = Buffer.alloc(0);

/**
 * The UTF-8 bytes of a frame. Fan-out hands the same string to every socket of a view one after
 * another, so remembering the last one encodes it once per view, not once per socket (ws would
 * measure and encode a string again for each socket it is written to).
 */
function encoded(text: string): Buffer {
  if (text !== lastText) {
    lastText = text;
    lastBytes = Buffer.from(text, 'utf8');
  }
  return lastBytes;
}

/**
 * Holds the writes of one event-loop turn per socket and lets them go together: each socket is
 * corked at its first frame of a turn and uncorked once the turn's work is queued, so a batch
 * of acks and deliveries costs one `writev` per socket instead of one system call per frame
 * (per-frame writes were a third of the server's CPU under load).
 */
class TurnWrites {
  #held: Duplex[] = [];

  hold(socket: Duplex): void {
    if (socket.writableCorked > 0) return;
    socket.cork();
    // setImmediate runs after the I/O callbacks and commits of this turn.
    if (this.#held.length === 0) setImmediate(() => this.#release());
    this.#held.push(socket);
  }

  /** Lets a socket's held writes go now (the turn holds no more of them back). */
  flush(socket: Duplex): void {
    if (socket.writableCorked > 0) socket.uncork();
  }

  #release(): void {
    const held = this.#held;
    this.#held = [];
    for (const socket of held) if (socket.writableCorked > 0) socket.uncork();
  }
}

/** An HTTP answer on a socket that asked to upgrade: the error body as JSON, then close. */
function refuseUpgrade(socket: Duplex, error: ChatError): void {
  const body = JSON.stringify(error.toJSON());
  const reason = error.status === 403 ? 'Forbidden' : 'Too Many Requests';
  socket.end(
    `HTTP/1.1 ${error.status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function toText(data: RawData): string | undefined {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
