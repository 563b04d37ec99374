/**
 * A WebSocket client that writes frames as fast as TCP takes them, never waiting for an answer
 * (bench/flood.ts `--firehose`, test/server/fixtures/firehose.ts): its unsent bytes are kept up to
 * 1 MiB, refilled every turn of its event loop.
 */
import WebSocket from 'ws';

/** Unsent bytes the writer keeps. */
const UNSENT_BYTES = 1 << 20;

/**
 * Longest one turn's writing runs. On loopback the kernel takes megabytes before a write blocks
 * (a 4 MiB send buffer, a receive buffer that grows to 32 MiB), and a frame written is a syscall:
 * filling them in one synchronous loop took 4 sockets' first fill seconds of CPU, tens of seconds
 * on a loaded machine, while the writer's process answered nothing (not its parent's IPC, not its
 * own socket's frames): the flood benchmark's "hang". The writer yields after this much and
 * goes on in the next turn, as fast as before in between.
 */
const TURN_MS = 10;

/**
 * Writes `next()`'s frames on `ws` as fast as TCP takes them until `stopped()` or the socket is
 * no longer open, yielding its event loop at least every TURN_MS.
 */
export function firehose(ws: WebSocket, next: () => string, stopped: () => boolean = () => false): void {
  const pump = (): void => {
    if (stopped() || ws.readyState !== WebSocket.OPEN) return;
    const until = performance.now() + TURN_MS;
    for (let i = 1; ws.bufferedAmount < UNSENT_BYTES; i++) {
      ws.send(next());
      // The clock read every 64 frames: a few µs each, so a turn overshoots TURN_MS by well under a ms.
      if (i % 64 === 0 && performance.now() >= until) break;
    }
    setImmediate(pump);
  };
  pump();
}
