import type { FastifyInstance } from 'fastify';
import { ChatError, LIMITS } from '../../protocol/index.js';
import { MAX_CONTAINERS, MAX_KEYS, rawJsonExcess } from '../core/raw-nesting.js';

/**
 * Fastify's own JSON body parser (prototype poisoning refused, as by default) behind a nesting
 * check on the text: JSON.parse holds the event loop a good fraction of a second on a 1 MiB body of
 * nested `[` (and tens of milliseconds on 1 MiB of `[],`), and bodies are parsed before a route checks the
 * caller (a stranger's POST to a user route, or to no route at all, was parsed first). A body
 * nesting deeper than a frame may (LIMITS.frameDepth), or holding more arrays and objects than
 * one may (MAX_CONTAINERS), or more object keys than `maxKeys` (JSON.parse interns each distinct
 * key: 1 MiB of them took it some 50 ms), is refused 400 BAD_REQUEST unparsed; no request needs
 * more. Users' routes take MAX_KEYS; the admin's (read once the key is checked) MAX_ADMIN_KEYS.
 * An empty body is no body (fastify's parser refused it 400): many HTTP clients send
 * `content-type: application/json` on every request, a DELETE's too. Routes read it as they
 * read a request without the header; a malformed non-empty body stays a 400 BAD_REQUEST.
 */
export function boundedJsonBodies(app: FastifyInstance, maxKeys = MAX_KEYS): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '') return done(null, undefined);
    const excess = rawJsonExcess(body as string, LIMITS.frameDepth, MAX_CONTAINERS, maxKeys);
    if (excess) return done(new ChatError('BAD_REQUEST', TOO_MUCH[excess](maxKeys)), undefined);
    parse(req, body as string, done);
  });
}

const TOO_MUCH = {
  depth: () => `The body nests deeper than ${LIMITS.frameDepth} levels.`,
  width: () => `The body holds more than ${MAX_CONTAINERS} arrays and objects.`,
  keys: (maxKeys: number) => `The body holds more than ${maxKeys} keys.`,
} as const;
