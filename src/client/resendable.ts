import type { ErrorBody, ErrorName } from '../protocol/error-codes.js';

/**
 * The failures a resend of the same message (or change) can get past: the connection or the
 * server (no ack in time, unavailable, restarting, an internal error, a session to sign in again),
 * a rate limit, an upload that failed, was cancelled or waits for room (`UPLOAD_QUOTA_EXCEEDED`).
 */
const RESENDABLE: ReadonlySet<ErrorName> = new Set<ErrorName>([
  'TIMEOUT', 'UNAVAILABLE', 'SHUTTING_DOWN', 'INTERNAL', 'UNAUTHENTICATED', 'TOKEN_EXPIRED', 'TOO_MANY_CONNECTIONS',
  'RATE_LIMITED', 'UPLOAD_FAILED', 'UPLOAD_CANCELLED', 'CANCELLED', 'UPLOAD_QUOTA_EXCEEDED',
]);

/**
 * Whether resending a failed message or change can succeed with nothing else changed (as
 * Sendbird's `isResendable()` or TDLib's `can_retry`). Not for a refusal that would only come back:
 * not a member (removed, left), blocked, not friends, an unknown user, group or message, a group
 * dismissed, too large, rejected by the site or its word list, invalid, banned, past the change
 * window. A mute with an end (`retryAfterMs`) can be resent once it is over; one for good, not.
 * The outbox retries only transient failures by itself (`isTransient`), resendable or not.
 */
export function isResendable(error: Pick<ErrorBody, 'name' | 'retryAfterMs'> | undefined): boolean {
  return !error || RESENDABLE.has(error.name) || (error.name === 'MUTED' && error.retryAfterMs !== undefined);
}
