import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { ChatError } from '../../protocol/index.js';
import { contentDisposition, parseRange } from '../uploads/http-headers.js';
import { isSafeInline } from '../uploads/file-kinds.js';
import { FILE_ID, issueFileTicket, verifyFileTicket } from '../uploads/file-tickets.js';
import { bearer, requestUser, type Uploads } from '../uploads/uploads.js';
import { parse } from './validate.js';

const FileParams = v.object({ id: v.pipe(v.string(), v.regex(FILE_ID)) });
const TicketQuery = v.object({ file: v.optional(v.pipe(v.string(), v.regex(FILE_ID))) });
const FileQuery = v.object({ ticket: v.optional(v.pipe(v.string(), v.maxLength(2048))) });

/**
 * `GET /v1/files/ticket` (user token): a fresh file ticket; with `?file=<id>`, one that opens
 * that file only (after checking the user may read it: FILE_NOT_FOUND / FILE_FORBIDDEN). `GET /v1/files/:id/:name` with
 * `?ticket=` (or a user token): the file, for its uploader and the members of conversations
 * whose messages carry it. Served so that it can never act as a page of ours: nosniff, a
 * sandboxing CSP, and an attachment unless it is a plain image, audio or video type.
 */
export function filesRoutes(app: FastifyInstance, uploads: Uploads): void {
  const { core } = uploads;

  app.get('/v1/files/ticket', async (req, reply) => {
    const userId = await requestUser(core, req);
    const { file } = parse(TicketQuery, req.query);
    if (file !== undefined) await uploads.access.readable(userId, file);
    void reply.header('cache-control', 'no-store');
    return issueFileTicket(core.secret, userId, core.clock(), file === undefined ? {} : { fileId: file });
  });

  // HEAD declared here, not derived: fastify's derived HEAD would read the whole file to count it.
  app.route({ method: ['GET', 'HEAD'], url: '/v1/files/:id/:name', handler: async (req, reply) => {
    const { id } = parse(FileParams, { id: (req.params as { id?: string }).id });
    const { ticket } = parse(FileQuery, req.query);
    let userId: string;
    if (ticket !== undefined) {
      userId = await verifyFileTicket(core.secret, ticket, core.clock(), id);
      if ((await core.store.getUser(userId))?.deleted) throw new ChatError('USER_DELETED');
    }
    else if (bearer(req)) userId = await requestUser(core, req);
    else throw new ChatError('UNAUTHENTICATED', 'Add the file ticket (`?ticket=`) or a user token.');
    const file = await uploads.access.readable(userId, id);

    void reply.headers({
      'content-type': file.mime,
      'content-disposition': contentDisposition(isSafeInline(file.mime) ? 'inline' : 'attachment', file.name),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'",
      'referrer-policy': 'no-referrer',
      'cache-control': 'private, max-age=3600',
      'accept-ranges': 'bytes',
      etag: `"${file.id}"`,
    });
    if (req.headers['if-none-match'] === `"${file.id}"`) return reply.status(304).send();
    const range = parseRange(req.headers.range, file.size);
    if (range === 'unsatisfiable') {
      void reply.header('content-range', `bytes */${file.size}`);
      return reply.status(416).send();
    }
    const length = range ? range.end - range.start + 1 : file.size;
    void reply.header('content-length', length);
    if (range) void reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
    if (req.method === 'HEAD' || length === 0) return reply.send();
    return reply.send(await uploads.storage.get(file.id, range));
  } });
}
