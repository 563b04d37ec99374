import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { ChatError, ConversationIdSchema, LIMITS } from '../../protocol/index.js';
import { maxBytes } from '../../protocol/fields.js';
import { fileKindOf, fileLimit } from '../../protocol/index.js';
import { normalizeMime } from '../uploads/file-kinds.js';
import { confirmRefs, PENDING_CHECKED } from '../uploads/ref-check.js';
import { publicOrigin, requestUser, unlessDiskFull, type Uploads } from '../uploads/uploads.js';
import { parse } from './validate.js';

const UploadQuery = v.object({
  conversationId: ConversationIdSchema,
  name: v.optional(v.pipe(maxBytes(LIMITS.shortTextBytes), v.minLength(1))),
  /** Which limit applies; default from the Content-Type (image/*, audio/*, video/*, else file). */
  kind: v.optional(v.picklist(['image', 'sound', 'video', 'file'])),
});

/** Length of the encoded file name in the URL path (fastify's `maxParamLength`); the full name is in the metadata. */
const URL_NAME_LENGTH = 100;

/**
 * `POST /v1/uploads?conversationId=&name=[&kind=]`: the raw file bytes as the body (not
 * multipart), `Content-Type` = the file's type, `Authorization: Bearer <user token>`. The body
 * streams to the FileStorage; a declared length over the limit is refused before a byte is
 * read, and a body that grows past it (chunked, or lying about its length) is cut off there:
 * 413 FILE_TOO_LARGE, the connection closed, nothing kept. Before the body is read, the upload
 * counts against the user's rate (429 RATE_LIMITED) and reserves its declared length (else the
 * kind's limit) in the user's quota of unreferenced files (413 UPLOAD_QUOTA_EXCEEDED); a failed
 * upload gives its reservation back. Must be registered in its own
 * scope: it replaces the JSON parser with one that leaves the body unread.
 */
export async function uploadsRoutes(app: FastifyInstance, uploads: Uploads): Promise<void> {
  app.removeAllContentTypeParsers();
  // Leaves the stream alone: the handler reads it (after auth and the size check).
  app.addContentTypeParser('*', (_req, _payload, done) => done(null));

  app.post('/v1/uploads', async (req, reply) => {
    const userId = await requestUser(uploads.core, req);
    const query = parse(UploadQuery, req.query);
    const key = await uploads.access.uploadTarget(userId, query.conversationId);
    const mime = normalizeMime(req.headers['content-type']);
    const limit = fileLimit(query.kind ?? fileKindOf(mime));
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) {
      // The client may still be sending: close rather than read the rest.
      void reply.header('connection', 'close');
      throw new ChatError('FILE_TOO_LARGE', `The file is larger than ${limit} bytes.`);
    }
    if (uploads.rateLimiter) {
      const decision = await uploads.rateLimiter.consume(`upload:${userId}`, uploads.core.clock());
      if (!decision.ok) {
        void reply.header('connection', 'close');
        throw new ChatError('RATE_LIMITED', 'You are uploading too fast. Try again shortly.', { retryAfterMs: decision.retryAfterMs });
      }
    }
    const name = cleanName(query.name ?? 'file');
    const id = randomUUID();
    const createdAt = uploads.core.clock();
    // Reserved before a byte is stored: the declared length, else the most the kind allows.
    const record = { id, uploader: userId, key, name, mime, size: declared !== undefined ? Number(declared) : limit, createdAt };
    // The user's files sent since: their references count once their messages are found stored.
    if (uploads.quota) await confirmRefs(uploads.index, uploads.core.store, await uploads.index.listPendingRefs({ uploader: userId }, PENDING_CHECKED));
    if (uploads.quota && !(await unlessDiskFull(uploads.index.reserveFile(record, uploads.quota)))) {
      void reply.header('connection', 'close');
      throw new ChatError('UPLOAD_QUOTA_EXCEEDED', `At most ${uploads.quota.files} files and ${uploads.quota.bytes} bytes may wait unsent per user.`);
    }
    let size: number;
    try {
      size = await uploads.storage.put(id, limited(req.raw, limit, uploads.idleTimeoutMs, uploads.minRate));
    } catch (err) {
      void reply.header('connection', 'close');
      if (uploads.quota) await uploads.index.deleteUnreferenced(id, 0).catch(() => undefined);
      if (err instanceof ChatError) throw err;
      throw new ChatError('UPLOAD_FAILED', undefined, { cause: err });
    }
    try {
      await unlessDiskFull(uploads.index.putFile({ ...record, size }));
    } catch (err) {
      await uploads.storage.delete(id).catch(() => undefined);
      if (uploads.quota) await uploads.index.deleteUnreferenced(id, 0).catch(() => undefined);
      throw err;
    }
    const url = `${publicOrigin(req)}/v1/files/${id}/${urlName(name)}`;
    return reply.status(201).send({ url, id, size, mime, name });
  });
}

/** ms as the messages say it. */
const span = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

/**
 * The request body, counted: past `limit` bytes it stops reading (the request is paused, never
 * drained) and fails the stream with FILE_TOO_LARGE; a client that goes away fails it with
 * UPLOAD_FAILED; a client that sends nothing for `idleMs` (while the storage is ready for more)
 * fails it with BAD_REQUEST. Without that a stalled or trickled upload held its connection, its
 * storage write and its quota reservation for as long as the client liked.
 *
 * A trickle that never stalls for `idleMs` (a byte every 59 s) is cut by the rate floor, as
 * Apache's mod_reqtimeout `body=20,MinRate=500` does: the body must have arrived by
 * `graceMs + bytes / bytesPerSecond` (plus the time the storage held it back), so past the grace
 * it averages at least `bytesPerSecond` since the start; else BAD_REQUEST as well. Bytes sent
 * early count for later, so a fast link whose radio drops out for a while is not cut (the idle
 * deadline still is).
 */
function limited(raw: IncomingMessage, limit: number, idleMs: number, minRate: { bytesPerSecond: number; graceMs: number }): PassThrough {
  const body = new PassThrough();
  // The storage learns of a failure from its own reading (a pipeline, `finished`, which also see
  // a stream failed before they started); this listener keeps a client that goes away before the
  // storage starts reading (it may await a directory, a connection) from being an uncaught error.
  body.on('error', () => undefined);
  let seen = 0;
  let timer: NodeJS.Timeout | undefined;
  const startedAt = performance.now();
  /** Time the storage held the body back (paused for its drain): neither deadline counts it. */
  let heldMs = 0;
  /** (Re)starts the deadline timer; not while the storage holds the body back (then the wait is ours). */
  const watch = () => {
    clearTimeout(timer);
    const now = performance.now();
    const idleAt = now + idleMs;
    const rateAt = startedAt + heldMs + minRate.graceMs + (seen * 1000) / minRate.bytesPerSecond;
    timer = setTimeout(() => stop(rateAt <= idleAt
      ? new ChatError('BAD_REQUEST', `The upload is too slow: under ${minRate.bytesPerSecond} bytes a second on average after the first ${span(minRate.graceMs)}.`)
      : new ChatError('BAD_REQUEST', `The upload stalled: no bytes arrived for ${span(idleMs)}.`)), Math.max(0, Math.min(idleAt, rateAt) - now));
    timer.unref();
  };
  const stop = (error: ChatError) => {
    clearTimeout(timer);
    raw.off('data', onData);
    raw.off('end', onEnd);
    raw.pause();
    body.destroy(error);
  };
  const onData = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > limit) return stop(new ChatError('FILE_TOO_LARGE', `The file is larger than ${limit} bytes.`));
    if (!body.write(chunk)) {
      clearTimeout(timer);
      raw.pause();
      const heldFrom = performance.now();
      body.once('drain', () => {
        if (body.destroyed) return;
        heldMs += performance.now() - heldFrom;
        watch();
        raw.resume();
      });
    } else watch();
  };
  const onEnd = () => {
    clearTimeout(timer);
    body.end();
  };
  watch();
  raw.on('data', onData);
  raw.on('end', onEnd);
  raw.on('close', () => {
    if (!raw.complete && !body.destroyed) stop(new ChatError('UPLOAD_FAILED', 'The upload was interrupted.'));
  });
  raw.on('error', () => stop(new ChatError('UPLOAD_FAILED', 'The upload was interrupted.')));
  return body;
}

/** A file name without path separators or control characters. */
function cleanName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim();
  return clean === '' ? 'file' : clean;
}

/** The name as a URL path segment, shortened from the front (the extension stays) to fit. */
function urlName(name: string): string {
  const chars = [...name];
  let encoded = encodeURIComponent(name);
  while (encoded.length > URL_NAME_LENGTH) encoded = encodeURIComponent(chars.splice(0, 1) && chars.join(''));
  return encoded || 'file';
}
