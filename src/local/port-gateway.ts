import {
  ChatError,
  decodeClientFrame,
  LIMITS,
  utf8Length,
} from '../protocol/index.js';
import { errorFrame, type ChatCore } from '../server/core/chat-core.js';
import type { Connection } from '../server/core/connection.js';
import type { SocketSignal } from './wire.js';
import { failureAnswer, refusal } from '../server/core/refusal.js';

export interface PortGatewayOptions {
  /** A connection that has not opened a session by then is closed 4401 (as the WebSocket gateway). */
  authTimeoutMs: number;
  /** Ping interval; a port that did not answer the previous ping is cut. */
  pingIntervalMs: number;
  /** Frames of more UTF-8 bytes close the port with 1009, as `ws` does above `maxPayload`. */
  maxPayload: number;
}

export interface PortGateway {
  /** Serves one socket port; `lock` is the Web Lock the page holds while it lives. */
  accept(port: MessagePort, lock?: string): void;
  readonly connections: number;
  /** Closes every port with 1001 and stops the heartbeat. */
  close(): void;
}

interface PortConnection extends Connection {
  alive: boolean;
  closed: boolean;
  port: MessagePort;
}

/**
 * The MessagePort edge of the in-browser server: the WebSocket gateway (`src/server/ws/gateway.ts`)
 * with ports instead of sockets. Each port is one `Connection` of the same `ChatCore`; it turns
 * strings into validated frames for the core and answers refusals the same way, so a client
 * cannot tell the two apart. Liveness: an explicit close, the page's Web Lock being released (the
 * tab closed or crashed), or a missed heartbeat.
 */
export function createPortGateway(core: ChatCore, options: PortGatewayOptions): PortGateway {
  const open = new Set<PortConnection>();

  function accept(port: MessagePort, lock?: string): void {
    const conn: PortConnection = {
      id: globalThis.crypto.randomUUID(),
      alive: true,
      closed: false,
      port,
      send(data) {
        if (!conn.closed) port.postMessage(data);
      },
      close(code, reason) {
        signal({ kind: 'close', code, reason });
        drop();
      },
    };
    const signal = (s: SocketSignal) => {
      if (!conn.closed) port.postMessage(s);
    };
    /** The connection is over, whoever ended it: the core forgets it once. */
    const drop = () => {
      if (conn.closed) return;
      conn.closed = true;
      open.delete(conn);
      clearTimeout(authTimer);
      port.close();
      core.disconnect(conn);
    };
    const authTimer = setTimeout(() => {
      if (!conn.session) conn.close(4401, 'UNAUTHENTICATED');
    }, options.authTimeoutMs);

    port.onmessage = (event: MessageEvent<unknown>) => {
      conn.alive = true;
      const data = event.data;
      if (typeof data !== 'string') return onSignal(data as SocketSignal);
      if (data.length * 3 > options.maxPayload && utf8Length(data) > options.maxPayload) return conn.close(1009, 'Message too big');
      const decoded = decodeClientFrame(data);
      if (!decoded.ok) return conn.send(refusal(data, decoded.error));
      const frame = decoded.frame;
      // As the WebSocket gateway: a handler that throws or rejects still answers its frame.
      const failed = (err: unknown) => {
        console.error('natter: frame handler failed', frame.type, err);
        conn.send(failureAnswer(frame, err));
      };
      try {
        core.handleFrame(conn, frame).catch(failed);
      } catch (err) {
        failed(err);
      }
    };
    const onSignal = (s: SocketSignal) => {
      if (s?.kind === 'close') drop();
      else if (s?.kind === 'ping') signal({ kind: 'pong' });
      else if (s?.kind !== 'pong') conn.send(JSON.stringify(errorFrame(new ChatError('BAD_FRAME', 'Frames are JSON text.').toJSON())));
    };
    open.add(conn);
    port.start();
    signal({ kind: 'open' });
    // Granted only once the page lets go of it: closed the socket, or the tab is gone.
    if (lock) void globalThis.navigator?.locks?.request(lock, async () => drop());
  }

  // A port that missed a whole interval of pings belongs to a page that is gone or frozen.
  const heartbeat = setInterval(() => {
    for (const conn of [...open]) {
      if (!conn.alive) {
        conn.close(1006, 'no pong');
        continue;
      }
      conn.alive = false;
      conn.port.postMessage({ kind: 'ping' } satisfies SocketSignal);
    }
  }, options.pingIntervalMs);

  return {
    accept,
    get connections() {
      return open.size;
    },
    close() {
      clearInterval(heartbeat);
      for (const conn of [...open]) conn.close(1001, 'SHUTTING_DOWN');
    },
  };
}
