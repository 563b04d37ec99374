import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { ChatError } from '../../protocol/index.js';
import { contentDisposition, parseRange } from '../uploads/http-headers.js';
import { isSafeInline } from '../uploads/file-kinds.js';
import { FILE_ID, issueFileTicket, verifyFileTicket, type FileTicket } from '../uploads/file-tickets.js';
import { bearer, requestUser, type Uploads } from '../uploads/uploads.js';
import { parse } from './validate.js';

const FileParams = v.object({ id: v.pipe(v.string(), v.regex(FILE_ID)) });
const TicketQuery = v.object({ file: v.pipe(v.string(), v.regex(FILE_ID)) });
/**
 * Ticket batches per user and minute. Each batch may look up the references of 100 files, so it
 * is budgeted (in the upload limiter: Redis-shared in a cluster); a thread asks once per screenful
 * of new files, and renews at half a ticket's life.
 */
export const TICKET_BATCHES_PER_MINUTE = 120;

/** Most files one `POST /v1/files/tickets` asks for (a screenful of messages and more). */
export const FILE_TICKETS_PER_REQUEST = 100;
const TicketsBody = v.strictObject({ files: v.pipe(v.array(v.pipe(v.string(), v.regex(FILE_ID))), v.minLength(1), v.maxLength(FILE_TICKETS_PER_REQUEST)) });
const FileQuery = v.object({ ticket: v.optional(v.pipe(v.string(), v.maxLength(2048))) });

/**
 * `GET /v1/files/ticket?file=<id>` (user token): a ticket that opens that file only (after
 * checking the user may read it: FILE_NOT_FOUND / FILE_FORBIDDEN). `POST /v1/files/tickets`
 * `{files: [id…]}` (user token, at most 100 ids): `{tickets: {id: {ticket, expiresAt}}}` for
 * those of the files the user may read (the others are left out), what the client asks for the
 * files it shows. `GET /v1/files/:id/:name` with `?ticket=` (that file's own ticket) or a user
 * token: the file, for its uploader and the members of conversations whose messages carry it. Served so that it can never act as a page of ours: nosniff, a
 * sandboxing CSP, and an attachment unless it is a plain image, audio or video type. With an
 * S3 storage in `presigned` mode a GET is answered, after the same checks, with a 302 to a
 * short-lived signed URL of the object store (another origin), which serves the bytes.
 */
export function filesRoutes(app: FastifyInstance, uploads: Uploads): void {
  const { core } = uploads;

  app.get('/v1/files/ticket', async (req, reply) => {
    const userId = await requestUser(core, req);
    const { file } = parse(TicketQuery, req.query);
    await uploads.access.readable(userId, file);
    void reply.header('cache-control', 'no-store');
    return issueFileTicket(core.secret, userId, core.clock(), { fileId: file });
  });

  app.post('/v1/files/tickets', async (req, reply) => {
    const userId = await requestUser(core, req);
    const { files } = parse(TicketsBody, req.body);
    const decision = await uploads.rateLimiter?.consume(`tickets:${userId}`, core.clock(), TICKET_BATCHES_PER_MINUTE);
    if (decision && !decision.ok) throw new ChatError('RATE_LIMITED', 'Too many ticket requests. Try again shortly.', { retryAfterMs: decision.retryAfterMs });
    const readable = await uploads.access.readableAmong(userId, files);
    const now = core.clock();
    const tickets: Record<string, FileTicket> = {};
    for (const fileId of readable) tickets[fileId] = await issueFileTicket(core.secret, userId, now, { fileId });
    void reply.header('cache-control', 'no-store');
    return { tickets };
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
    const disposition = contentDisposition(isSafeInline(file.mime) ? 'inline' : 'attachment', file.name);
    if (req.method === 'GET' && uploads.storage.signedRead) {
      // Presigned reads: access was checked here; the bytes (and ranges) come from the object store.
      // The redirect is not cached, so each fetch is checked again; the signed URL is cached by the browser.
      const location = await uploads.storage.signedRead(file.id, { contentType: file.mime, contentDisposition: disposition });
      return reply.status(302).headers({ location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).send();
    }

    void reply.headers({
      'content-type': file.mime,
      'content-disposition': disposition,
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
