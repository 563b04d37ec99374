import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Ends a server's close within a grace period. Node's `server.close()` resolves once every
 * connection has ended, and stops the checks that cut slow ones (headers, request timeouts):
 * a client that stopped mid-request, or a connection that arrived while the server was closing
 * and was never answered, kept `close()` waiting up to the 120 s idle timeout, or for ever when
 * nothing else held the process up (the chaos test's restart hung in CI). This tracks every
 * connection from its first byte and, once `graceMs` has passed, closes those still open.
 */
export function closeWithinGrace(server: Server): (stopped: Promise<unknown>, graceMs: number) => Promise<void> {
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  return async (stopped, graceMs) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([stopped, late]);
    clearTimeout(timer);
    for (const socket of open) socket.destroy();
    await stopped;
  };
}
