import * as v from 'valibot';
import { ReqIdSchema as ReqId, SeqSchema as Seq, maxBytes } from './fields.js';
import { ClientMsgIdSchema, ConversationIdSchema, UserIdSchema } from './ids.js';
import { LIMITS } from './limits.js';
import { ConversationSummarySchema, ElemSchema, MessageSchema, ProfileSchema, SendOptionsSchema } from './message.js';
import type { ErrorName } from './error-codes.js';
import { ChangeAckSchema } from './changes.js';
import type { ServerFrameSchema } from './codec.js';

// The answers to requests only code a client loads later makes are in `./answer-frames.ts` (and
// `./feature-answers.ts`), `ServerFrameSchema` (every server frame) in
// `./codec.ts`: the first paint's code imports none of them.
export type { GroupRole, MemberInfo } from './answer-frames.js';
export type { GroupInfo } from './feature-answers.js';

/*
 * Frames are JSON objects with a `type` of the form `noun.verb`. Requests that expect an answer
 * carry a `reqId` (any short string the client picks); the answer echoes it. A send is answered
 * by `message.ack` or `message.error`, correlated by `clientMsgId`.
 *
 * Session: the first client frame is `session.open`. The server answers `session.ready`, then
 * `sync.conversations` (one or more frames), then for every conversation where the client's
 * cursor is behind either `sync.messages` batches (covering exactly the gap) or `sync.gap` (too
 * far behind: page it with `history.fetch`), then `sync.done`. Live frames may interleave with
 * the replay; clients order everything by `seq`.
 *
 * No server frame exceeds LIMITS.frameBytes: every frame carrying a list (summaries, replay
 * batches, history pages, members) is cut by serialized bytes as well as by count, and says
 * where the next one continues (`toSeq`, `hasMore`).
 */


// ---------------------------------------------------------------- client -> server

// In `./client-frames.ts` (types only here): a browser client only writes them, so the code it
// loads at start must not import their schemas.
export type * from './client-frames.js';
import type { ClientFrame } from './client-frames.js';

// ---------------------------------------------------------------- server -> client

const ErrorFields = {
  code: v.number(),
  // Any name, not only those this client knows: the client reads the name and number a frame gives
  // (ChatError.from), and a newer server's new error is shown as an error, not refused as a bad frame.
  name: v.string() as v.GenericSchema<ErrorName>,
  message: v.string(),
  retryAfterMs: v.optional(v.number()),
  // The server cuts it to LIMITS.rejectReasonChars; a frame's own size bounds it here.
  reason: v.optional(v.string()),
  // Why the server itself refused (`word-list`), for the client to word: unknown codes show the generic sentence.
  reasonCode: v.optional(v.string()),
  // Which of a request's users the refusal is about (a group invite's unknown id).
  userId: v.optional(v.string()),
};

export const SessionReadySchema = v.object({
  type: v.literal('session.ready'),
  protocol: v.number(),
  user: v.object({ id: UserIdSchema, ...ProfileSchema.entries }),
  serverTime: v.number(),
  /** Users this user has blocked; a list too long for one frame goes on in `blocklist.updated {append: true}` frames next. */
  blocked: v.optional(v.pipe(v.array(UserIdSchema), v.maxLength(LIMITS.frameArrayItems))),
  /** No longer sent: a user-wide file ticket, which servers now refuse (files take per-file tickets, `POST /v1/files/tickets`). Still decoded, as older servers send it. */
  fileTicket: v.optional(v.object({ ticket: v.pipe(v.string(), v.maxLength(2048)), expiresAt: v.number() })),
});

export const SyncConversationsSchema = v.object({
  type: v.literal('sync.conversations'),
  items: v.pipe(v.array(ConversationSummarySchema), v.maxLength(LIMITS.frameArrayItems)),
});

/** A replay or history batch that covers the seq range [fromSeq, toSeq] completely: seqs in the range that are not in `messages` are not visible to this user (targeted at someone else, deleted). */
const RangeFields = {
  conversationId: ConversationIdSchema,
  fromSeq: Seq,
  toSeq: Seq,
  messages: v.pipe(v.array(MessageSchema), v.maxLength(Math.max(LIMITS.replayBatch, LIMITS.historyPage))),
};

export const SyncMessagesSchema = v.object({ type: v.literal('sync.messages'), ...RangeFields });

export const SyncGapSchema = v.object({
  type: v.literal('sync.gap'),
  conversationId: ConversationIdSchema,
  /** The client's cursor. */
  afterSeq: Seq,
  /** The conversation's current last seq. */
  lastSeq: Seq,
});

export const SyncDoneSchema = v.object({ type: v.literal('sync.done') });

export const MessageAckSchema = v.object({
  type: v.literal('message.ack'),
  clientMsgId: ClientMsgIdSchema,
  conversationId: ConversationIdSchema,
  id: v.string(),
  seq: Seq,
  time: v.number(),
  /** This clientMsgId was already committed; these are the original values. */
  duplicate: v.optional(v.boolean()),
  /** The server stored other content than sent (the word list masked it, the before-send hook rewrote it): fetch it. */
  rewritten: v.optional(v.boolean()),
});

export const MessageErrorSchema = v.object({
  type: v.literal('message.error'),
  clientMsgId: ClientMsgIdSchema,
  conversationId: ConversationIdSchema,
  ...ErrorFields,
});

export const ChangeErrorSchema = v.object({
  type: v.literal('change.error'),
  changeId: ClientMsgIdSchema,
  conversationId: ConversationIdSchema,
  ...ErrorFields,
});

export const MessageNewSchema = v.object({ type: v.literal('message.new'), message: MessageSchema });

/** This user's read position changed (from one of their devices). */
export const ConversationReadStateSchema = v.object({
  type: v.literal('conversation.read'),
  conversationId: ConversationIdSchema,
  readSeq: Seq,
});

/** Another member read up to `seq` (p2p "peer has read"; group receipts). */
export const ReceiptReadSchema = v.object({
  type: v.literal('receipt.read'),
  conversationId: ConversationIdSchema,
  userId: UserIdSchema,
  seq: Seq,
});

export const ConversationUpdatedSchema = v.object({
  type: v.literal('conversation.updated'),
  conversation: ConversationSummarySchema,
});

export const ConversationRemovedSchema = v.object({
  type: v.literal('conversation.removed'),
  conversationId: ConversationIdSchema,
});

export const HistoryPageSchema = v.object({
  type: v.literal('history.page'),
  reqId: ReqId,
  ...RangeFields,
  /**
   * Older messages exist before `fromSeq`. A page may hold fewer messages than `limit` (it is
   * also cut to fit a frame), so only this, never the count, says whether history goes on.
   */
  hasMore: v.boolean(),
});

export const BroadcastSchema = v.object({
  id: v.string(),
  from: v.optional(v.string()),
  content: v.pipe(v.string(), v.maxLength(LIMITS.broadcastChars)),
  time: v.number(),
  expiresAt: v.optional(v.number()),
});
export type Broadcast = v.InferOutput<typeof BroadcastSchema>;

export const BroadcastNewSchema = v.object({ type: v.literal('broadcast.new'), broadcast: BroadcastSchema });
export const BroadcastRemovedSchema = v.object({ type: v.literal('broadcast.removed'), id: v.string() });

export const BlocklistStateSchema = v.object({
  type: v.literal('blocklist.updated'),
  blocked: v.pipe(v.array(UserIdSchema), v.maxLength(LIMITS.frameArrayItems)),
  /** These add to the list of the frame before (a list too long for one frame); absent: they replace it. */
  append: v.optional(v.boolean()),
});

/**
 * This user's mutes (SPEC §10), the whole list: sent after `session.ready` when there are any,
 * and to every device when one changes. Replaces what the client held.
 */
export const MutesUpdatedSchema = v.object({
  type: v.literal('mutes.updated'),
  /** Muted conversations, with until when (ms since the epoch; 0: until unmuted). */
  mutes: v.pipe(v.array(v.object({ conversationId: ConversationIdSchema, until: v.number() })), v.maxLength(LIMITS.mutesPerUser)),
  /** Do-not-disturb (every conversation) until then; 0: until turned off. */
  dnd: v.optional(v.number()),
});

/**
 * Presence (SPEC §13) of watched users: the answer to `presence.watch` (with its `reqId`, every
 * watched user) and, without `reqId`, the changes since the last one, at most one such frame per
 * connection and presence interval. `lastSeen` (ms since the epoch): when the user was last
 * online, absent while online, for hidden users and for watchers who hide themselves. `visible`:
 * this user's own setting, in the answer to a watch and when it changes.
 */
export const PresenceUpdatedSchema = v.object({
  type: v.literal('presence.updated'),
  reqId: v.optional(ReqId),
  items: v.pipe(v.array(v.object({ userId: v.string(), online: v.boolean(), lastSeen: v.optional(v.number()) })), v.maxLength(LIMITS.frameArrayItems)),
  visible: v.optional(v.boolean()),
});
export type PresenceItem = v.InferOutput<typeof PresenceUpdatedSchema>['items'][number];

/**
 * A person as the contacts view lists them (SPEC §13): a friend, or the other side of a pending
 * request (`message` and `time` of the request).
 */
export const FriendEntrySchema = v.object({
  id: UserIdSchema,
  ...ProfileSchema.entries,
  message: v.optional(v.string()),
  time: v.optional(v.number()),
});
export type FriendEntry = v.InferOutput<typeof FriendEntrySchema>;

/**
 * How this user now stands with `user`, sent to every device of both sides when it changes:
 * `friend`, a request received (`in`) or sent (`out`), or `none`.
 */
export const FriendsUpdatedSchema = v.object({
  type: v.literal('friends.updated'),
  user: FriendEntrySchema,
  state: v.picklist(['friend', 'in', 'out', 'none']),
});

/**
 * Where this user may not send now (SPEC §11 mutes, by an admin or a group's owner/admins), the
 * whole list: sent after `session.ready` when there are any, and to every device on each change.
 */
export const SanctionsUpdatedSchema = v.object({
  type: v.literal('sanctions.updated'),
  // The server sends at most LIMITS.frameArrayItems, reasons of at most 500 characters; the frame's size bounds them here.
  mutes: v.array(v.object({
    /** The group muted in; absent: everywhere. */
    conversationId: v.optional(ConversationIdSchema),
    /** Ms since the epoch; absent: until lifted. */
    until: v.optional(v.number()),
    /** The words of whoever muted, shown as given. */
    reason: v.optional(v.string()),
  })),
});

export const OkSchema = v.object({ type: v.literal('ok'), reqId: ReqId });
export const PongSchema = v.object({ type: v.literal('pong'), reqId: v.optional(ReqId), serverTime: v.number() });
export const ErrorFrameSchema = v.object({ type: v.literal('error'), reqId: v.optional(ReqId), ...ErrorFields });

/**
 * The server frames a client reads from its first moment: what the server sends unasked, and the
 * answers to what the client's core asks (`ok`, `error`, `history.page` for gaps and older pages).
 */
export const CoreServerFrames = [
  SessionReadySchema,
  SyncConversationsSchema,
  SyncMessagesSchema,
  SyncGapSchema,
  SyncDoneSchema,
  MessageAckSchema,
  MessageErrorSchema,
  MessageNewSchema,
  ConversationReadStateSchema,
  ReceiptReadSchema,
  ConversationUpdatedSchema,
  ConversationRemovedSchema,
  HistoryPageSchema,
  BroadcastNewSchema,
  BroadcastRemovedSchema,
  BlocklistStateSchema,
  MutesUpdatedSchema,
  SanctionsUpdatedSchema,
  OkSchema,
  PongSchema,
  ErrorFrameSchema,
  ChangeAckSchema,
  ChangeErrorSchema,
  PresenceUpdatedSchema,
  FriendsUpdatedSchema,
] as const;

export type ServerFrame = v.InferOutput<typeof ServerFrameSchema>;
export type ServerFrameType = ServerFrame['type'];
export type ServerFrameOf<T extends ServerFrameType> = Extract<ServerFrame, { type: T }>;
export type ClientFrameOf<T extends ClientFrame['type']> = Extract<ClientFrame, { type: T }>;
