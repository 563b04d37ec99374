/**
 * WebSocket close codes the server ends a socket with, besides the standard ones (1001 the
 * server is shutting down, 1009 a frame too big, 1012 come back and resync). The 44xx codes
 * mirror an HTTP status; each follows an `error` frame naming the reason, except 4401 for a
 * socket that never opened a session.
 *
 * - 4401: not authenticated (no `session.open` in time), or the user was deleted or banned.
 * - 4429: too many sessions for this user (`TOO_MANY_CONNECTIONS`).
 * - 4440: the session's token expired (`TOKEN_EXPIRED`): come back at once with a fresh one.
 * - 1008 (policy violation): more invalid frames in a minute than the server takes
 *   (`maxBadFramesPerMinute`), after a `BAD_FRAME` error frame saying so.
 */
export const CLOSE_TOKEN_EXPIRED = 4440;

/** The socket sent more invalid frames in a minute than the server takes (after a BAD_FRAME error frame). */
export const CLOSE_BAD_FRAMES = 1008;
