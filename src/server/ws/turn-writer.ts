import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

interface Held {
  ws: WebSocket;
  frames: Buffer[];
  bytes: number;
}

/**
 * Server-to-client WebSocket frames, written straight to the TCP socket, one write per socket
 * per event-loop turn.
 *
 * Fan-out hands the same frame to many sockets. A server frame is not masked (RFC 6455 §5.1),
 * so its bytes, header included, are the same for every socket: they are built once per distinct
 * text and shared. Going through `ws`'s `send` instead cost, per socket and frame, an options
 * object, a header buffer, a cork/uncork pair and a buffered write request in the stream: under
 * load that was a fifth of everything the server allocated and most of its garbage collection.
 *
 * `ws` still owns the connection: it reads, answers pings, and writes control frames (ping,
 * pong, close) itself. Those may sit between data frames anywhere, so the only ordering rule is
 * that nothing follows a close frame: `release` is called before the gateway closes a socket,
 * and what a socket that `ws` is closing (it got a close frame) still held is dropped.
 */
export class TurnWriter {
  /** Sockets holding frames this turn, with those frames and their bytes. */
  #held = new Map<Duplex, Held>();
  readonly #flushAt: number;

  /** A socket's frames go to the kernel once this turn holds `flushAt` bytes of them. */
  constructor(flushAt: number) {
    this.#flushAt = flushAt;
  }

  /**
   * Queues a frame for `socket` until the end of this turn (or until the turn holds `flushAt`
   * bytes for it: a replay or a history page goes out as it grows, so what stays buffered is
   * what the client has not read). Returns the bytes now waiting for the socket, in the kernel's
   * direction: the stream's unsent backlog plus this turn's.
   */
  write(ws: WebSocket, socket: Duplex, frame: Buffer): number {
    let held = this.#held.get(socket);
    if (!held) {
      // setImmediate runs after the I/O callbacks and commits of this turn.
      if (this.#held.size === 0) setImmediate(() => this.releaseAll());
      held = { ws, frames: [], bytes: 0 };
      this.#held.set(socket, held);
    }
    held.frames.push(frame);
    held.bytes += frame.length;
    if (held.bytes >= this.#flushAt) {
      this.release(socket);
      return socket.writableLength;
    }
    return socket.writableLength + held.bytes;
  }

  /** Writes what `socket` holds now (before a close frame, or when it grew big). */
  release(socket: Duplex): void {
    const held = this.#held.get(socket);
    if (!held) return;
    this.#held.delete(socket);
    writeOut(socket, held);
  }

  /** Forgets what a socket that is going away held. */
  drop(socket: Duplex): void {
    this.#held.delete(socket);
  }

  /** Writes what every socket holds. */
  releaseAll(): void {
    const all = this.#held;
    this.#held = new Map();
    for (const [socket, held] of all) writeOut(socket, held);
  }
}

function writeOut(socket: Duplex, held: Held): void {
  if (held.ws.readyState !== WebSocket.OPEN || !socket.writable) return;
  socket.write(held.frames.length === 1 ? held.frames[0]! : Buffer.concat(held.frames, held.bytes));
}

let lastText: string | undefined;
let lastFrame: Buffer = Buffer.alloc(0);

/**
 * A complete unmasked text frame (FIN, opcode 1) carrying `text`. The last one is remembered:
 * fan-out hands the same string to every socket of a view one after another.
 */
export function textFrame(text: string): Buffer {
  if (text === lastText) return lastFrame;
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(text, header, 'utf8');
  lastText = text;
  lastFrame = frame;
  return frame;
}
