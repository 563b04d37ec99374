import * as v from 'valibot';
import { ReqIdSchema as ReqId, maxBytes } from './fields.js';
import { storedText } from './stored-text.js';
import { UserIdSchema } from './ids.js';

/*
 * The friend frames a client sends (SPEC §13, contacts): list friends and pending requests, add,
 * remove, and answer requests. Imported by `./client-frames.ts` only, for the same reason as the
 * group frames: nothing a page loads at start may import these schemas.
 */

/**
 * Friend limits, apart from `LIMITS` (the script tag's first paint carries `LIMITS` whole; only
 * these frames, loaded later, and the server use them).
 */
export const FRIEND_LIMITS = {
  /** UTF-8 bytes of the note a friend request carries. */
  messageBytes: 512,
  /** Entries of one `friends.list` answer. */
  page: 100,
  /** Requests a user may have waiting for an answer, sent (and, apart, received); past it FRIEND_REQUESTS_LIMIT. */
  pending: 100,
} as const;


/**
 * One page of this user's friends (`list` absent or `friends`), of the requests sent to them
 * (`in`) or of those they sent (`out`), ordered by the other user's id. Answered by `friends`.
 */
export const FriendsListSchema = v.object({
  type: v.literal('friends.list'),
  reqId: ReqId,
  list: v.optional(v.picklist(['friends', 'in', 'out'])),
  /** Continue after this user id (the last of the previous page, when it said `hasMore`). */
  after: v.optional(UserIdSchema),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(FRIEND_LIMITS.page))),
});

/**
 * Befriends `userId`: at once where the site has friend requests off (the default), else a
 * request they accept or decline (a request to someone who already asked this user accepts
 * theirs). Answered by `ok`; both users' devices get `friends.updated`.
 */
export const FriendAddSchema = v.object({
  type: v.literal('friend.add'),
  reqId: ReqId,
  userId: UserIdSchema,
  /** A note shown with the request. */
  message: v.optional(storedText(FRIEND_LIMITS.messageBytes, true)),
});

/**
 * `friend.remove` ends a friendship; `accept` and `decline` answer a request from `userId`;
 * `cancel` withdraws one sent to them (FRIEND_REQUEST_UNKNOWN when there is none). Answered by `ok`.
 */
export const FriendChangeSchema = v.object({
  type: v.picklist(['friend.remove', 'friend.accept', 'friend.decline', 'friend.cancel']),
  reqId: ReqId,
  userId: UserIdSchema,
});
