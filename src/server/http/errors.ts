import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ChatError, type ErrorName } from '../../protocol/index.js';
import type { Logger } from '../core/logger.js';
import { knownFailure } from '../core/store-busy.js';

/** Fastify's own errors (bad JSON, body too large, …) by status, in our error table's terms. */
function fromFastify(err: FastifyError): ChatError {
  const status = err.statusCode ?? 500;
  const name: ErrorName = status === 413 ? 'FRAME_TOO_LARGE' : status === 404 ? 'NOT_FOUND' : status < 500 ? 'BAD_REQUEST' : 'INTERNAL';
  return new ChatError(name, status < 500 ? err.message : undefined, { cause: err });
}

/**
 * Errors fastify's router raises before any handler or hook (a path parameter over
 * `maxParamLength`, a malformed URL): without this they leave in fastify's own shape.
 */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const error = new ChatError('BAD_REQUEST', err.message);
  void reply.status(error.status).send(error.toJSON());
}

/**
 * Errors of the HTTP parser, before fastify has a request (headers or URL over Node's 16 KB
 * limit, a request that is not HTTP): fastify's default answers them in its own shape, and a
 * client that reads `{code, name, message}` everywhere else would get `{error, statusCode}`.
 * The status is the error table's, as for every other answer.
 */
export function clientErrors(err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nothing to answer (Node's own handler does the same).
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const error = err.code === 'HPE_HEADER_OVERFLOW'
    ? new ChatError('FRAME_TOO_LARGE', 'The request line and headers are larger than the server accepts (16 KB).')
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new ChatError('BAD_REQUEST', 'The request took too long to arrive.')
      : new ChatError('BAD_REQUEST', 'The request is not valid HTTP.');
  answerAndClose(socket, error);
}

/** Writes `error` as a whole HTTP answer straight on the socket and closes it (no request to answer through). */
export function answerAndClose(socket: Socket, error: ChatError): void {
  if (socket.writable) {
    const body = JSON.stringify(error.toJSON());
    socket.write(`HTTP/1.1 ${error.status} ${STATUS_TEXT[error.status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  socket.destroy();
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 413: 'Payload Too Large' };

/**
 * The one place where errors become HTTP answers: `{code, name, message}` with the status the
 * error table gives. A saturated store is UNAVAILABLE with Retry-After (`knownFailure`, as over
 * WebSocket); anything else that is not a ChatError is logged and answered as INTERNAL.
 */
export function installErrorHandling(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((err: FastifyError | ChatError, _req, reply) => {
    let error = knownFailure(err);
    if (!error) {
      error = fromFastify(err as FastifyError);
      if (error.status >= 500) logger.error({ err }, 'request failed');
    } else if (!(err instanceof ChatError)) logger.warn({ err }, 'no database connection came free in time');
    if (error.retryAfterMs !== undefined) void reply.header('retry-after', Math.ceil(error.retryAfterMs / 1000));
    return reply.status(error.status).send(error.toJSON());
  });
  app.setNotFoundHandler((_req, reply) => {
    const error = new ChatError('NOT_FOUND');
    return reply.status(error.status).send(error.toJSON());
  });
}
