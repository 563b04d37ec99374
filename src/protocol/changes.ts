import * as v from 'valibot';
import { SeqSchema as Seq, maxBytes } from './fields.js';
import { ClientMsgIdSchema, ConversationIdSchema, UserIdSchema } from './ids.js';
import { LIMITS, utf8Length } from './limits.js';
import { LinkPreviewSchema } from './link-preview.js';

/*
 * Changes to a message after it was sent (SPEC §9): reactions, edits, recalls, pins and
 * delete-for-me. A change is an event in the conversation's own sequence: the server commits it
 * like a message (next seq, durable before the ack, idempotent by `changeId`), delivers it as a
 * message whose elem is a `change`, and replays it from the same cursor. History pages return
 * messages with the changes already applied (`edited`, `recalled`, `reactions`, `pinned`) and
 * `changeSeq`, the seq of the last change folded in: a client applies a change event to a
 * message only when the event's seq is greater.
 */

export const MessageIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(128));

const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Regional_Indicator}|[\u0023\u002a\u0030-\u0039]\ufe0f?\u20e3/u;
/** Controls and invisible formatting (bidi overrides, zero-width spaces); ZWJ and VS16 belong to emoji. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
const SHORTCODE = /^:[a-z0-9_+-]{1,30}:$/;
let segmenter: Intl.Segmenter | undefined;

/**
 * A reaction key: one emoji (a single grapheme cluster holding a pictograph, at most
 * LIMITS.reactionKeyBytes UTF-8 bytes, so skin tones, ZWJ families and flags pass), or a
 * `:shortcode:` of a site's own set (lower-case letters, digits, `_ + -`).
 */
export function isReactionKey(s: string): boolean {
  if (SHORTCODE.test(s)) return true;
  if (s.length === 0 || utf8Length(s) > LIMITS.reactionKeyBytes || !PICTOGRAPH.test(s)) return false;
  if (CONTROL.test(s)) return false;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let n = 0;
  for (const _ of segmenter.segment(s)) if (++n > 1) return false;
  return n === 1;
}

export const ReactionKeySchema = v.pipe(v.string(), v.maxLength(64), v.check(isReactionKey, 'invalid reaction key'));

// What a client asks for (`ChangeSchema`, `change.send`) is in `./client-frames.ts`.
export type { Change, ChangeKind, ChangeSendFrame } from './client-frames.js';

/**
 * The elem of a change event as delivered. Reactions carry the resulting `count` of that emoji
 * (never a delta), so applying one twice cannot double-count.
 */
export const ChangeElemSchema = v.object({
  type: v.literal('change'),
  /** The changed message. */
  target: MessageIdSchema,
  change: v.variant('kind', [
    v.object({ kind: v.literal('reaction'), emoji: ReactionKeySchema, on: v.boolean(), count: Seq }),
    /** The new text, and its link preview (none: the edited message has none). */
    v.object({ kind: v.literal('edit'), text: v.pipe(maxBytes(LIMITS.textBytes), v.minLength(1)), preview: v.optional(LinkPreviewSchema) }),
    v.object({ kind: v.literal('recall') }),
    v.object({ kind: v.literal('pin'), on: v.boolean() }),
    v.object({ kind: v.literal('hide') }),
  ]),
});
export type ChangeElem = v.InferOutput<typeof ChangeElemSchema>;

/** What a recalled message's elem becomes: the content is gone, only who recalled it stays. */
export const RecalledElemSchema = v.object({ type: v.literal('recalled') });
export type RecalledElem = v.InferOutput<typeof RecalledElemSchema>;

/** A quoted message, snapshotted when the reply was sent. */
export const ReplyToSchema = v.object({
  messageId: MessageIdSchema,
  sender: UserIdSchema,
  senderName: v.optional(maxBytes(LIMITS.shortTextBytes)),
  /** One line of the quoted message (LIMITS.replyExcerptChars at most); empty once it is recalled. */
  excerpt: maxBytes(LIMITS.shortTextBytes),
  /** The quoted message was recalled (set when read). */
  recalled: v.optional(v.boolean()),
});
export type ReplyTo = v.InferOutput<typeof ReplyToSchema>;

/** One emoji's reactions on a message as one viewer sees them. */
export const ReactionSummarySchema = v.object({
  emoji: ReactionKeySchema,
  count: Seq,
  /** The viewer reacted with it. */
  me: v.optional(v.boolean()),
  /** The first few who reacted (LIMITS.reactionUsersShown); page the rest with `reactions.fetch`. */
  users: v.pipe(v.array(UserIdSchema), v.maxLength(LIMITS.reactionUsersShown)),
});
export type ReactionSummary = v.InferOutput<typeof ReactionSummarySchema>;

const ByAt = v.object({ by: UserIdSchema, time: v.number() });

/** The state of a message after its changes (all optional: absent means unchanged). */
export const AggregateFields = {
  replyTo: v.optional(ReplyToSchema),
  /** Last edit time. */
  edited: v.optional(v.number()),
  recalled: v.optional(ByAt),
  reactions: v.optional(v.pipe(v.array(ReactionSummarySchema), v.maxLength(LIMITS.frameArrayItems))),
  pinned: v.optional(ByAt),
  /** Deleted for the viewer (delete for me): content removed, clients hide it. */
  hidden: v.optional(v.boolean()),
  /** Seq of the last change applied to this message. */
  changeSeq: v.optional(Seq),
};

// ---------------------------------------------------------------- frames

export const ChangeAckSchema = v.object({
  type: v.literal('change.ack'),
  changeId: ClientMsgIdSchema,
  conversationId: ConversationIdSchema,
  /** The change event's message id and seq. */
  id: v.string(),
  seq: Seq,
  time: v.number(),
  duplicate: v.optional(v.boolean()),
});

