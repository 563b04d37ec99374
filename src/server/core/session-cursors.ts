import { ChatError, decodeClientFrame, type ClientFrameOf } from '../../protocol/index.js';

type SessionOpen = ClientFrameOf<'session.open'>;

/** The text of session opens decoded without their cursors, until those are read. */
const deferred = new WeakMap<SessionOpen, string>();

/**
 * Marks `frame`, a `session.open` decoded from the top-level fields of `raw` alone, as having its
 * cursors still in `raw`. A session open is the one frame with thousands of keys (a cursor per
 * conversation), and JSON.parse spends about 0.3 µs on each distinct key: a stranger's opens, each
 * refused for its token, would cost a few milliseconds apiece at the rate the socket carries them.
 * Its cursors are read once the token is verified, so only the token's user can make the server
 * read them (within the session budget).
 */
export function deferCursors(frame: SessionOpen, raw: string): void {
  deferred.set(frame, raw);
}

/**
 * The cursors of a `session.open`, read now from its text when they were put off; a text that
 * does not decode as a whole is refused BAD_FRAME.
 */
export function sessionCursors(frame: SessionOpen): NonNullable<SessionOpen['cursors']> {
  const raw = deferred.get(frame);
  if (raw === undefined) return frame.cursors ?? {};
  deferred.delete(frame);
  const decoded = decodeClientFrame(raw);
  if (!decoded.ok) throw decoded.error;
  if (decoded.frame.type !== 'session.open') throw new ChatError('BAD_FRAME');
  return decoded.frame.cursors ?? {};
}
