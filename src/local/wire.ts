import type { ErrorBody } from '../protocol/index.js';

/**
 * What the page and the in-browser server say to each other over MessagePorts, besides the
 * chat frames themselves (which are the very JSON strings a WebSocket would carry).
 *
 * Two kinds of port:
 * - the **control port** (the SharedWorker's `port`, or one end of a MessageChannel for the
 *   in-page fallback): a hello, dev tokens, and `connect`, which hands over a socket port;
 * - a **socket port**, one per connection, standing in for one WebSocket: strings are frames,
 *   objects are the socket's own events (open, close, ping/pong).
 */

/** Page to server, on the control port. */
export type ControlRequest =
  | { kind: 'hello'; reqId: number }
  /** The dev token route (`GET /v1/dev/token?user=`) of a dev-mode server. */
  | { kind: 'token'; reqId: number; user: string }
  /**
   * A new connection; its socket port travels in the message's transfer list. `lock` names a
   * Web Lock the page holds while the connection lives (absent without Web Locks): the server
   * waits for it to learn that the page went away.
   */
  | { kind: 'connect'; lock?: string };

/** Server to page, on the control port. */
export type ControlReply =
  | { kind: 'hello'; reqId: number; server: 'natter-local' }
  | { kind: 'token'; reqId: number; userId: string; token: string }
  | { kind: 'error'; reqId: number; error: ErrorBody };

/** Socket events, both ways on a socket port (frames are plain strings). */
export type SocketSignal =
  | { kind: 'open' }
  | { kind: 'close'; code: number; reason: string }
  /** Transport heartbeat, as WebSocket ping/pong frames: answered by the page's socket itself. */
  | { kind: 'ping' }
  | { kind: 'pong' };
