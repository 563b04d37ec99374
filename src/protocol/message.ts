import * as v from 'valibot';
import { LEAF_ELEM_SCHEMAS, mergerElemSchemaOf, type Elem } from './elems.js';
import { maxBytes, UrlSchema } from './fields.js';
import { ClientMsgIdSchema, ConversationIdSchema, UserIdSchema, AT_ALL, type ConversationId } from './ids.js';
import { LIMITS } from './limits.js';
import { AggregateFields, type ReactionSummary, type ReplyTo } from './changes.js';

export const PrioritySchema = v.picklist(['high', 'normal', 'low']);
export type Priority = v.InferOutput<typeof PrioritySchema>;

const Short = maxBytes(LIMITS.shortTextBytes);

export const OfflinePushInfoSchema = v.object({
  title: v.optional(Short),
  body: v.optional(Short),
  ext: v.optional(Short),
});

/** Snapshot of the sender's profile at send time. */
export const ProfileSchema = v.object({
  name: v.optional(Short),
  avatar: v.optional(UrlSchema),
});
export type ProfileSnapshot = v.InferOutput<typeof ProfileSchema>;

/**
 * Send options (SPEC §1), all optional. `localCustomData` is not here: it never leaves the device.
 */
export const SendOptionsSchema = v.object({
  priority: v.optional(PrioritySchema),
  /** Deliver only to recipients online now; never stored, no seq, no history, no unread. */
  onlineUserOnly: v.optional(v.boolean()),
  /** Ask for group read receipts. */
  needReadReceipt: v.optional(v.boolean()),
  isExcludedFromUnreadCount: v.optional(v.boolean()),
  isExcludedFromLastMessage: v.optional(v.boolean()),
  cloudCustomData: v.optional(maxBytes(LIMITS.cloudCustomDataBytes)),
  offlinePushInfo: v.optional(OfflinePushInfoSchema),
  /** @mentions: user ids, or `@all`. */
  groupAtUserList: v.optional(
    v.pipe(v.array(v.union([UserIdSchema, v.literal(AT_ALL)])), v.maxLength(LIMITS.groupAtUsers)),
  ),
  /** Targeted group message: only this member (and the sender) sees it. */
  receiver: v.optional(UserIdSchema),
});
export type SendOptions = v.InferOutput<typeof SendOptionsSchema>;

/** Where a forwarded message came from (recorded by the server). */
export const ForwardedFromSchema = v.object({
  sender: UserIdSchema,
  senderName: v.optional(Short),
  conversationId: ConversationIdSchema,
  messageId: v.string(),
  time: v.number(),
});
export type ForwardedFrom = v.InferOutput<typeof ForwardedFromSchema>;

/**
 * A committed message as the server delivers it. `conversationId` is as the receiving user sees
 * it (`p2p:<peer>` differs per side). `seq` is 1, 2, 3… per conversation, without gaps; an
 * online-only message has `seq` 0.
 */
export interface Message extends SendOptions {
  id: string;
  conversationId: ConversationId;
  seq: number;
  clientMsgId: string;
  sender: string;
  senderProfile: ProfileSnapshot;
  /** Commit time, ms since the epoch (server clock). */
  time: number;
  elem: Elem;
  forwardedFrom?: ForwardedFrom;
  /** A reply: the quoted message (SPEC §9). */
  replyTo?: ReplyTo;
  /** Time of the last edit. */
  edited?: number;
  /** Recalled (delete for everyone): the elem is `recalled`, the content gone. */
  recalled?: { by: string; time: number };
  reactions?: ReactionSummary[];
  pinned?: { by: string; time: number };
  /** Deleted for the viewer only (delete for me). */
  hidden?: boolean;
  /** Seq of the last change folded into this message; change events at or below it are already applied. */
  changeSeq?: number;
}

/** The message schema whose elem is validated by `elem`. */
function messageSchemaOf(elem: v.GenericSchema<Elem>): v.GenericSchema<Message> {
  return v.object({
    ...SendOptionsSchema.entries,
    id: v.pipe(v.string(), v.maxLength(128)),
    conversationId: ConversationIdSchema,
    seq: v.pipe(v.number(), v.integer(), v.minValue(0)),
    clientMsgId: ClientMsgIdSchema,
    sender: UserIdSchema,
    senderProfile: ProfileSchema,
    time: v.number(),
    elem,
    forwardedFrom: v.optional(ForwardedFromSchema),
    ...AggregateFields,
  }) as v.GenericSchema<Message>;
}

/**
 * Elem schemas from the innermost level out: an elem inside LIMITS.mergerDepth mergers cannot
 * be a merger itself; each level outside adds a merger of messages of the level within. No
 * `lazy`: the schemas end, so validation depth is bounded whatever a frame holds.
 */
function boundedElemSchemas(): { elem: v.GenericSchema<Elem>; merger: v.GenericSchema } {
  let elem = v.variant('type', [...LEAF_ELEM_SCHEMAS]) as v.GenericSchema<Elem>;
  let merger: v.GenericSchema = v.never();
  for (let level = 0; level < LIMITS.mergerDepth; level++) {
    merger = mergerElemSchemaOf(messageSchemaOf(elem));
    elem = v.variant('type', [...LEAF_ELEM_SCHEMAS, merger as ReturnType<typeof mergerElemSchemaOf>]) as v.GenericSchema<Elem>;
  }
  return { elem, merger };
}

const BOUNDED = boundedElemSchemas();

/** Any elem, with at most LIMITS.mergerDepth levels of merged forwards. */
export const ElemSchema: v.GenericSchema<Elem> = BOUNDED.elem;
/** A merged forward (at most LIMITS.mergerDepth levels deep, itself included). */
export const MergerElemSchema = BOUNDED.merger;
export const MessageSchema: v.GenericSchema<Message> = messageSchemaOf(ElemSchema);

/** One conversation as one user sees it (conversation list, unread badge). */
export const ConversationSummarySchema = v.object({
  id: ConversationIdSchema,
  type: v.picklist(['p2p', 'group']),
  /** Group name, or the peer's name. */
  name: v.optional(v.string()),
  avatar: v.optional(v.string()),
  /** Highest committed seq. */
  lastSeq: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** Highest seq this user has read (on any device). */
  readSeq: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** p2p only: highest seq the peer has read. */
  peerReadSeq: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  /** Messages after `readSeq` from others, not excluded from the unread count. */
  unread: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** Latest message not excluded from the last message. */
  lastMessage: v.optional(MessageSchema),
  /** Someone @mentioned this user (or @all) in an unread message. */
  mentioned: v.optional(v.boolean()),
  /** Group member count. */
  memberCount: v.optional(v.number()),
});
export type ConversationSummary = v.InferOutput<typeof ConversationSummarySchema>;
