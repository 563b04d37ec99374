import { ChatError } from '../../protocol/index.js';

/** How long a client waits before retrying a request the saturated store could not take. */
export const STORE_BUSY_RETRY_AFTER_MS = 1000;

/**
 * Whether `err`, or an error it wraps, is pg-pool's when no connection came free within the
 * store's connect timeout: the database is overloaded, not broken, so the request is worth a
 * retry. pg-pool gives it no code, only this text.
 */
export function storeBusy(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e.message === 'timeout exceeded when trying to connect') return true;
  }
  return false;
}

/**
 * Whether `err`, or an error it wraps, is PostgreSQL refusing a U+0000 in text (`22021`, "invalid
 * byte sequence for encoding UTF8: 0x00"; `22P05` for `\u0000` in jsonb): its text columns cannot
 * hold one. Messages are stored as JSON text, where it is an escape, and search folds it to a
 * space; a user's name, a group's, a reason, a notice, a word or a broadcast holding one was an
 * INTERNAL 500 for anyone able to send it (a token's profile name too). It is TEXT_NUL (4041).
 */
function nulRefused(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if ((code === '22021' && e.message.includes('0x00')) || (code === '22P05' && e.message.includes('\\u0000'))) return true;
  }
  return false;
}

/**
 * The one mapping of failures to what a client is told, for REST and WebSocket alike: a
 * ChatError as it is, a saturated store as UNAVAILABLE with a retry hint (REST adds Retry-After,
 * a frame carries `retryAfterMs`); anything else undefined, for the caller to log and answer
 * INTERNAL.
 */
export function knownFailure(err: unknown): ChatError | undefined {
  if (err instanceof ChatError) return err;
  if (nulRefused(err)) return new ChatError('TEXT_NUL', undefined, { cause: err });
  if (storeBusy(err)) return new ChatError('UNAVAILABLE', 'The server is overloaded; try again shortly.', { retryAfterMs: STORE_BUSY_RETRY_AFTER_MS, cause: err });
  return undefined;
}

/**
 * UNAVAILABLE for a store failure that left nothing done (the client may send again), with the
 * retry hint when the store was only saturated.
 */
export function unavailable(err: unknown, message?: string): ChatError {
  if (nulRefused(err)) return new ChatError('TEXT_NUL', undefined, { cause: err });
  return new ChatError('UNAVAILABLE', message, { cause: err, ...(storeBusy(err) && { retryAfterMs: STORE_BUSY_RETRY_AFTER_MS }) });
}
