import * as v from 'valibot';
import { ReqIdSchema as ReqId, SeqSchema as Seq } from './fields.js';
import { MessageIdSchema, ReactionKeySchema, ReplyToSchema } from './changes.js';
import { ConversationIdSchema, UserIdSchema } from './ids.js';
import { LIMITS } from './limits.js';
import { MessageSchema, ProfileSchema } from './message.js';
import { CoreServerFrames, FriendEntrySchema } from './frames.js';

/*
 * Server frames that answer requests only code a client loads later makes (member pages, who
 * reacted, pins, search results, a group's settings), and `ServerFrameSchema`, every server frame.
 * A module of its own that the client's core never imports (`./frames.ts` takes only types from
 * it): a client reads these answers once the code that asks for them registered them
 * (`acceptAnswers` in `./client-wire.ts`), so the script tag's first paint carries none of them.
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
 * The answer to `search.fetch`, newest first, as many as fit in one frame. `cursor` is set when
 * more may follow: pass it in the next `search.fetch`. Each snippet is checked against
 * `SearchResultSchema` (`./search-schema.ts`) by the code that reads it (the client's search,
 * loaded with the first search, checks it by hand), so the first paint does not carry it.
 */
export const SearchResultsSchema = v.object({
  type: v.literal('search.results'),
  reqId: ReqId,
  /** At most SEARCH_LIMITS.page (50); the bounds of each snippet are checked by the code that reads it. */
  results: v.array(v.object({ message: MessageSchema, snippet: v.object({ text: v.string(), marks: v.array(v.array(v.number())) }) })),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(128))),
});

/** The answer to `group.fetch`: the group's settings and the asker's role in it. */
export const GroupInfoSchema = v.object({
  type: v.literal('group.info'),
  reqId: ReqId,
  // Lengths are the server's to bound (and the frame's, by LIMITS.frameBytes): the first paint carries this.
  group: v.object({
    id: v.string(),
    name: v.string(),
    avatar: v.optional(v.string()),
    notice: v.optional(v.string()),
    historyVisibility: v.picklist(['all', 'since-join']),
    memberCount: Seq,
    role: v.picklist(GROUP_ROLES),
  }),
});
export type GroupInfo = v.InferOutput<typeof GroupInfoSchema>['group'];


/**
 * Answers to requests that only code a client loads later makes: that code registers the schema
 * of its answer with the client's decoder before it asks (`acceptAnswers`); an answer that
 * arrives unasked is an unknown frame there.
 */
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

export const LaterAnswerFrames = [MembersSchema, ReactionsSchema, PinsSchema, SearchResultsSchema, GroupInfoSchema, FriendsPageSchema] as const;
export type LaterAnswerFrame = (typeof LaterAnswerFrames)[number];

/** Every server frame: those a client reads from its start (`CoreServerFrames`) and the later answers. */
export const ServerFrameSchema = v.variant('type', [...CoreServerFrames, ...LaterAnswerFrames]);
