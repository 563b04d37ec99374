import * as v from 'valibot';
import { ReqIdSchema as ReqId, SeqSchema as Seq } from './fields.js';
import { MessageIdSchema, ReactionKeySchema, ReplyToSchema } from './changes.js';
import { ConversationIdSchema, UserIdSchema } from './ids.js';
import { LIMITS } from './limits.js';
import { ProfileSchema } from './message.js';
import { FriendEntrySchema } from './frames.js';

/*
 * Server frames that answer requests only code a client loads later makes (member pages, who
 * reacted, pins, friends; search results and a group's settings are
 * `./feature-answers.ts`'s, so that the script tag's panel, which imports this module, carries neither).
 * A module of its own that the client's core never imports (`./frames.ts` takes only types from
 * it): a client reads these answers once the code that asks for them registered them
 * (`acceptAnswers` in `./client-wire.ts`), so the script tag's first paint carries none of them.
 * Every server frame's schema, `ServerFrameSchema`, is `./codec.ts`'s.
 */


export const ReactionsSchema = v.object({
  type: v.literal('reactions'),
  reqId: ReqId,
  conversationId: ConversationIdSchema,
  messageId: MessageIdSchema,
  emoji: ReactionKeySchema,
  users: v.pipe(v.array(UserIdSchema), v.maxLength(LIMITS.reactionUsersPage)),
  count: Seq,
  hasMore: v.boolean(),
});


/**
 * Pinned messages, most recently pinned first: ids, when, and `quote`, who wrote it and one line
 * (as a reply quotes it), so a pinned bar shows pins whose message is not loaded.
 */
export const PinsSchema = v.object({
  type: v.literal('pins'),
  reqId: ReqId,
  conversationId: ConversationIdSchema,
  pins: v.pipe(
    v.array(v.object({ messageId: MessageIdSchema, seq: Seq, by: UserIdSchema, time: v.number(), quote: v.optional(ReplyToSchema) })),
    v.maxLength(LIMITS.pinsPerConversation),
  ),
});

/** A member's role in a group (SPEC §13). */
export const GROUP_ROLES = ['owner', 'admin', 'member'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

/**
 * One member of a conversation: profile, the highest seq they have read, and (groups) their role.
 * `muted` is set on a member muted in this group (until `until`, ms since the epoch; absent: until
 * unmuted), and only in the answers to the group's owner and admins: other members do not learn it.
 */
export const MemberSchema = v.object({
  id: UserIdSchema,
  ...ProfileSchema.entries,
  readSeq: Seq,
  role: v.optional(v.picklist(GROUP_ROLES)),
  muted: v.optional(v.object({ until: v.optional(Seq) })),
});
export type MemberInfo = v.InferOutput<typeof MemberSchema>;

/**
 * The answer to `members.fetch`: the members (a p2p chat: both sides) sorted by id, as many as
 * fit in one frame; `hasMore` when more follow (ask again with `after` = the last id here).
 */
export const MembersSchema = v.object({
  type: v.literal('members'),
  reqId: ReqId,
  conversationId: ConversationIdSchema,
  members: v.pipe(v.array(MemberSchema), v.maxLength(LIMITS.frameArrayItems)),
  hasMore: v.optional(v.boolean()),
});

/**
 * A page of `friends.list`: friends, or requests received (`in`) or sent (`out`), by id. At most
 * FRIEND_LIMITS.page items (a frame's own size bounds them here: the first paint decodes it).
 */
export const FriendsPageSchema = v.object({
  type: v.literal('friends'),
  reqId: ReqId,
  items: v.array(FriendEntrySchema),
  hasMore: v.boolean(),
});
