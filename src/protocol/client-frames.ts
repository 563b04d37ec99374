import * as v from 'valibot';
import { MessageIdSchema, ReactionKeySchema } from './changes.js';
import { ReqIdSchema as ReqId, SeqSchema as Seq, maxBytes } from './fields.js';
import { noControls } from './stored-text.js';
import { AT_ALL, ClientMsgIdSchema, ConversationIdSchema, UserIdSchema } from './ids.js';
import { LIMITS } from './limits.js';
import { LinkPreviewSchema } from './link-preview.js';
import { ElemSchema, SendOptionsSchema } from './message.js';
import { GroupChangeFrameSchema, GroupCreateSchema, GroupFetchSchema } from './group-frames.js';
import { PresenceSetSchema, PresenceWatchSchema } from './presence-frames.js';

export * from './group-frames.js';
export * from './presence-frames.js';
import { FriendAddSchema, FriendChangeSchema, FriendsListSchema } from './friend-frames.js';

export * from './group-frames.js';
export * from './friend-frames.js';
import { SEARCH_LIMITS } from './search-limits.js';
import { REPORT_NOTE_CHARS, REPORT_REASONS } from './reports.js';

/*
 * The frames a client sends (client -> server); `./index.ts` exports them, `./frames.ts` their
 * types. A module of its own, which nothing a browser client loads at start imports: the server
 * decodes these frames (`./client-codec.ts`), a client validates a send with them before queueing
 * it, in code it loads on first use (`src/client/send-actions.ts`). Its top-level reads (`LIMITS.…`)
 * count as side effects to a bundler, so a static import would keep it all.
 */


export const SessionOpenSchema = v.object({
  type: v.literal('session.open'),
  protocol: v.number(),
  token: v.pipe(v.string(), v.maxLength(8192)),
  /** Stable per device (browser profile); lets the server tell devices of one user apart. */
  deviceId: v.optional(v.pipe(v.string(), v.maxLength(64))),
  /** Highest contiguous seq held per conversation. Conversations left out replay from the read position. */
  cursors: v.optional(v.record(ConversationIdSchema, Seq)),
});

export const ForwardSourceSchema = v.object({
  conversationId: ConversationIdSchema,
  /** Ids of the messages to forward, in the order to show them. */
  messageIds: v.pipe(v.array(v.pipe(v.string(), v.maxLength(128))), v.minLength(1), v.maxLength(LIMITS.mergerMessages)),
  /** Forward as one merged message with this title; otherwise exactly one id is allowed. */
  merge: v.optional(v.object({ title: v.pipe(maxBytes(LIMITS.shortTextBytes), v.minLength(1)) })),
});
export type ForwardSource = v.InferOutput<typeof ForwardSourceSchema>;

export const MessageSendSchema = v.pipe(
  v.object({
    ...SendOptionsSchema.entries,
    type: v.literal('message.send'),
    clientMsgId: ClientMsgIdSchema,
    conversationId: ConversationIdSchema,
    /** The content; absent when `forward` names existing messages instead. */
    elem: v.optional(ElemSchema),
    forward: v.optional(ForwardSourceSchema),
    /** Reply to (quote) this message of the same conversation. */
    replyTo: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(128))),
  }),
  v.check((f) => (f.elem === undefined) !== (f.forward === undefined), 'exactly one of elem and forward'),
);

export const ConversationReadSchema = v.object({
  type: v.literal('conversation.read'),
  reqId: v.optional(ReqId),
  conversationId: ConversationIdSchema,
  /** Everything up to and including this seq is read. */
  seq: Seq,
});

export const HistoryFetchSchema = v.object({
  type: v.literal('history.fetch'),
  reqId: ReqId,
  conversationId: ConversationIdSchema,
  /** Page older messages: seq < before (newest of them first in the page order below). */
  before: v.optional(Seq),
  /** Fill a gap: seq > after. */
  after: v.optional(Seq),
  /** The page around this message id (it sits in the middle); not with `before`/`after`. Unknown or not visible: MESSAGE_UNKNOWN. */
  around: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(128))),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(LIMITS.historyPage))),
});

export const BlocklistChangeSchema = v.object({
  type: v.picklist(['blocklist.add', 'blocklist.remove']),
  reqId: v.optional(ReqId),
  userId: UserIdSchema,
});

/**
 * Mutes a conversation for this user on every device (SPEC §10): no push, no in-page
 * notification, no launcher badge; its unread count still shows, quietly. Without
 * `conversationId`: do-not-disturb, every conversation. `until`: ms since the epoch, `0` until
 * unmuted, `null` unmutes. Answered `ok`; every device gets `mutes.updated`.
 */
export const MuteSetSchema = v.object({
  type: v.literal('mute.set'),
  reqId: v.optional(ReqId),
  conversationId: v.optional(ConversationIdSchema),
  until: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(8.64e15))),
});

export const PingSchema = v.object({ type: v.literal('ping'), reqId: v.optional(ReqId) });

/** Asks for the members of a conversation with their read positions; answered by `members`. */
export const MembersFetchSchema = v.object({
  type: v.literal('members.fetch'),
  reqId: ReqId,
  conversationId: ConversationIdSchema,
  /** Continue after this member id (the last of the previous page, when it said `hasMore`). */
  after: v.optional(UserIdSchema),
});

// ---------------------------------------------------------------- changes (SPEC §9)

/** What a client asks for; the server answers `change.ack` or `change.error`. */
export const ChangeSchema = v.variant('kind', [
  v.object({ kind: v.literal('reaction'), emoji: ReactionKeySchema, on: v.boolean() }),
  v.object({
    kind: v.literal('edit'),
    text: v.pipe(maxBytes(LIMITS.textBytes), v.minLength(1)),
    /** @mentions of the new text; members newly mentioned get the mention treatment. */
    groupAtUserList: v.optional(v.pipe(v.array(v.union([UserIdSchema, v.literal(AT_ALL)])), v.maxLength(LIMITS.groupAtUsers))),
    /**
     * The signed preview of the new text's first link (`POST /v1/previews`; checked like a send's:
     * PREVIEW_INVALID). Without it the edited message has no preview.
     */
    preview: v.optional(LinkPreviewSchema),
  }),
  v.object({ kind: v.literal('recall') }),
  v.object({ kind: v.literal('pin'), on: v.boolean() }),
  /** Delete for me: hides the message on this user's devices only. */
  v.object({ kind: v.literal('hide') }),
]);
export type Change = v.InferOutput<typeof ChangeSchema>;
export type ChangeKind = Change['kind'];

export const ChangeSendSchema = v.object({
  type: v.literal('change.send'),
  /** Idempotency key, like a message's clientMsgId (same namespace, per user). */
  changeId: ClientMsgIdSchema,
  conversationId: ConversationIdSchema,
  messageId: MessageIdSchema,
  change: ChangeSchema,
});
export type ChangeSendFrame = v.InferOutput<typeof ChangeSendSchema>;

/** Who reacted with `emoji`, paged by user id. Answered by `reactions`. */
export const ReactionsFetchSchema = v.object({
  type: v.literal('reactions.fetch'),
  reqId: ReqId,
  conversationId: ConversationIdSchema,
  messageId: MessageIdSchema,
  emoji: ReactionKeySchema,
  /** Users after this id. */
  after: v.optional(UserIdSchema),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(LIMITS.reactionUsersPage))),
});

/** The pinned messages of a conversation. Answered by `pins`. */
export const PinsFetchSchema = v.object({
  type: v.literal('pins.fetch'),
  reqId: ReqId,
  conversationId: ConversationIdSchema,
});

/**
 * A search's `before` or `after`: a message id, or a time in ms since the epoch (an integer of at
 * most 15 digits; the search clamps it to 48 bits). Only the type is checked here: the search
 * checks the value, for REST and frames alike (`searchAs`: BAD_REQUEST for a number that is not a
 * time, or a string that reads as one; SEARCH_FILTER_INVALID for another that is not an id).
 */
const SearchBound = v.union([v.string(), v.number()]);

/**
 * Full-text search (SPEC §12) of the messages the user may see, in one conversation or all of
 * them, newest first. Answered by `search.results`; the next page passes its `cursor`.
 */
export const SearchFetchSchema = v.object({
  type: v.literal('search.fetch'),
  reqId: ReqId,
  /** Words to find (all of them); folded, so case and accents do not matter. Its length is checked by the search (SEARCH_QUERY_INVALID, as REST's `q`). */
  query: v.string(),
  conversationId: v.optional(ConversationIdSchema),
  /** The previous page's `cursor` (checked by the search: SEARCH_CURSOR_INVALID, as REST's). */
  cursor: v.optional(v.string()),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(SEARCH_LIMITS.page))),
  /** Only messages sent by this user. */
  from: v.optional(UserIdSchema),
  /** Only messages before this message (its id: the order of ids) or time (ms since the epoch). */
  before: v.optional(SearchBound),
  /** Only messages after this message or time. */
  after: v.optional(SearchBound),
  /** Only messages of this kind: one of SEARCH_KINDS (checked by the search: SEARCH_FILTER_INVALID, as REST's). */
  kind: v.optional(v.string()),
});

/**
 * Reports a message of a conversation to the site's moderators (SPEC §11): one the user can see,
 * not their own, not recalled. Answered `ok`; a repeat by the same user answers `ok` and changes
 * nothing. A few per hour per user (REPORTS_RATE_LIMITED past them).
 */
export const MessageReportSchema = v.object({
  type: v.literal('message.report'),
  reqId: v.optional(ReqId),
  conversationId: ConversationIdSchema,
  messageId: MessageIdSchema,
  reason: v.picklist(REPORT_REASONS),
  /** The reporter's own words, shown to moderators as given. */
  note: v.optional(v.pipe(v.string(), v.maxLength(REPORT_NOTE_CHARS), noControls(true))),
});
export type MessageReportFrame = v.InferOutput<typeof MessageReportSchema>;

// ----------------------------------------------------------------

export const ClientFrameSchema = v.variant('type', [
  SessionOpenSchema,
  MessageSendSchema,
  ConversationReadSchema,
  HistoryFetchSchema,
  BlocklistChangeSchema,
  PingSchema,
  MembersFetchSchema,
  ChangeSendSchema,
  ReactionsFetchSchema,
  PinsFetchSchema,
  SearchFetchSchema,
  MuteSetSchema,
  MessageReportSchema,
  GroupCreateSchema,
  GroupChangeFrameSchema,
  GroupFetchSchema,
  PresenceWatchSchema,
  PresenceSetSchema,
  FriendsListSchema,
  FriendAddSchema,
  FriendChangeSchema,
]);
export type ClientFrame = v.InferOutput<typeof ClientFrameSchema>;
export type SessionOpenFrame = v.InferOutput<typeof SessionOpenSchema>;
export type MessageSendFrame = v.InferOutput<typeof MessageSendSchema>;
export type ConversationReadFrame = v.InferOutput<typeof ConversationReadSchema>;
export type HistoryFetchFrame = v.InferOutput<typeof HistoryFetchSchema>;
export type BlocklistChangeFrame = v.InferOutput<typeof BlocklistChangeSchema>;
export type MuteSetFrame = v.InferOutput<typeof MuteSetSchema>;
export type MembersFetchFrame = v.InferOutput<typeof MembersFetchSchema>;
export type GroupCreateFrame = v.InferOutput<typeof GroupCreateSchema>;
export type GroupChangeFrame = v.InferOutput<typeof GroupChangeFrameSchema>;
export type PresenceWatchFrame = v.InferOutput<typeof PresenceWatchSchema>;
export type FriendChangeFrame = v.InferOutput<typeof FriendChangeSchema>;
