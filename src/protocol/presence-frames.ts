import * as v from 'valibot';
import { ReqIdSchema as ReqId } from './fields.js';
import { UserIdSchema } from './ids.js';

/*
 * The presence frames a client sends (online / last seen, SPEC §13). Imported by
 * `./client-frames.ts` only, for the same reason as `./group-frames.ts`: nothing a page loads at
 * start may import these schemas (the client builds them in its presence chunk).
 */

/** Presence limits, apart from `LIMITS` (the first paint carries `LIMITS` whole). */
export const PRESENCE_LIMITS = {
  /** Users one `presence.watch` names (a client watches its 1:1 peers and friends). */
  watch: 500,
} as const;


/**
 * Watches the presence of these users, replacing what this connection watched before (an empty
 * list stops watching). Each must be a 1:1 peer (a conversation exists) or a friend, else the
 * whole frame is refused PRESENCE_FORBIDDEN; PRESENCE_DISABLED where the site turned presence
 * off. Answered by `presence.updated` with the same `reqId` and every watched user's state; later
 * changes come as `presence.updated` without `reqId`, batched and throttled per connection.
 */
export const PresenceWatchSchema = v.object({
  type: v.literal('presence.watch'),
  reqId: ReqId,
  userIds: v.pipe(v.array(UserIdSchema), v.maxLength(PRESENCE_LIMITS.watch)),
});

/**
 * Shows or hides this user's own presence. Hidden, the user appears offline without a last
 * seen to everyone and (as WhatsApp does) sees no one's last seen either; online states of
 * others still show. Stored on the server; answered `ok`, and every device of the user gets a
 * `presence.updated` with `visible`.
 */
export const PresenceSetSchema = v.object({
  type: v.literal('presence.set'),
  reqId: v.optional(ReqId),
  visible: v.boolean(),
});
