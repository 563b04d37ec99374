import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { ChatError } from '../../protocol/index.js';
import type { Logger } from '../core/logger.js';
import { capKey, plain, type ProxyTrust } from '../proxy-trust.js';
import { ConnectionCounter } from '../ws/connection-limits.js';
import { refuseRaw } from './raw-refusal.js';

/**
 * Caps the HTTP connections one TCP peer holds open on `server` at `maxPerIp`, an IPv6 peer
 * counted with its whole /64 (`capKey`). Each is a file
 * descriptor and some 6 KiB of heap however idle it is, and Node closes an idle one only after
 * `connectionTimeout` (120 s; a keep-alive one after `keepAliveTimeout`): one address held 19,000
 * of them (the process's 20,000 descriptors, 117 MiB), and past the descriptor limit the server
 * accepts nobody and opens no file. One more is answered 429 `TOO_MANY_CONNECTIONS` and closed
 * before it is read. A connection upgraded to a WebSocket leaves this count for the gateway's own
 * (`maxConnectionsPerIp`). A trusted proxy's connections are not counted: they carry many clients,
 * and its `X-Forwarded-For` is read per request, after the connection is taken.
 */
export function capConnectionsPerIp(server: Server, maxPerIp: number, trust: ProxyTrust, logger: Logger): void {
  const counter = new ConnectionCounter(maxPerIp);
  /** Counted sockets and their address, until they close or upgrade. */
  const counted = new WeakMap<Socket, string>();
  /** Addresses at the cap whose refusal is logged already (once until they drop below it). */
  const warned = new Set<string>();
  const release = (socket: Socket): void => {
    const ip = counted.get(socket);
    if (ip === undefined) return;
    counted.delete(socket);
    counter.release(ip);
    warned.delete(ip);
  };
  // Before the http server's own listener: a refused socket is never parsed.
  server.prependListener('connection', (socket: Socket) => {
    const peer = plain(socket.remoteAddress ?? '');
    if (peer === '' || trust(peer, 0)) return;
    const ip = capKey(peer);
    if (!counter.tryAcquire(ip)) {
      if (!warned.has(ip)) {
        warned.add(ip);
        logger.warn({ ip, maxPerIp }, 'too many HTTP connections from one address');
      }
      refuseRaw(socket, new ChatError('TOO_MANY_CONNECTIONS', 'Too many connections from this address.'));
      return;
    }
    counted.set(socket, ip);
    socket.once('close', () => release(socket));
  });
  server.prependListener('upgrade', (_req, socket: Socket) => release(socket));
}
