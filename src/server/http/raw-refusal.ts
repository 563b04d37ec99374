import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ChatError } from '../../protocol/index.js';

/**
 * An HTTP answer written on a raw socket no HTTP parser will answer (a connection over its
 * address's cap, an upgrade refused): the error body as JSON, then the connection closed once the
 * answer is written. Ending our side only is not enough: nobody reads such a socket, so the
 * client's close would never be seen, and a client that never closes (a stranger's) held the
 * connection for ever and kept the server's close() waiting.
 */
export function refuseRaw(socket: Duplex, error: ChatError): void {
  const body = JSON.stringify(error.toJSON());
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}
