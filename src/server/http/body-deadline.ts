import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ChatError } from '../../protocol/index.js';
import { answerAndClose } from './errors.js';

/** The one route whose body streams to storage for as long as the file takes (and is bounded by its own size limits). */
const STREAMED = new Set(['/v1/uploads']);

function declaresBody(req: FastifyRequest): boolean {
  const h = req.raw.headers;
  return h['content-length'] !== undefined ? h['content-length'] !== '0' : h['transfer-encoding'] !== undefined;
}

/**
 * A REST body is at most 1 MB of JSON, read whole before any handler runs, before the user token
 * of the routes that take one is even looked at. Node bounds the headers (60 s) but not the body:
 * a client that declares a body and trickles it, or never sends it, held its connection and the
 * bytes buffered so far for as long as it liked, from any number of connections. Past `ms` the
 * request is answered BAD_REQUEST and its connection closed.
 */
export function bodyDeadline(app: FastifyInstance, ms: number): void {
  app.addHook('onRequest', (req, reply, done) => {
    const raw = req.raw;
    if (!declaresBody(req) || STREAMED.has(req.routeOptions.url ?? '')) return done();
    const timer = setTimeout(() => {
      if (raw.complete || reply.raw.headersSent) return;
      answerAndClose(raw.socket, new ChatError('BAD_REQUEST', `The request body did not arrive within ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}.`));
    }, ms);
    timer.unref();
    const clear = (): void => clearTimeout(timer);
    raw.once('end', clear);
    raw.once('close', clear);
    reply.raw.once('finish', clear);
    done();
  });
  // Answered before its body came (refused unread: an admin route without the key, an upload
  // without a token): the rest would be read and dropped for as long as the client trickles it.
  // Close after the answer.
  app.addHook('onSend', (req, reply, payload, done) => {
    if (declaresBody(req) && !req.raw.complete) void reply.header('connection', 'close');
    done(null, payload);
  });
}
