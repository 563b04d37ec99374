import type { ChangeElem, ConversationType, GroupRole, Message } from '../../protocol/index.js';
import type { OutboxEvent, WebhookTargets } from '../webhooks/types.js';
import type { SearchKind } from '../../protocol/search-limits.js';

export type { GroupRole };

/** Milliseconds since the epoch. Injected so tests can move time (rate limits, token expiry). */
export type Clock = () => number;

/** Editable profile fields of a user. */
export interface Profile {
  name?: string;
  avatar?: string;
}

export interface UserRecord extends Profile {
  id: string;
  /** Deleted users keep their row (a tombstone) so their tokens stay refused. */
  deleted: boolean;
  createdAt: number;
  /** Set when a deleted user is created again: tokens issued before it (ms) stay refused. */
  tokensValidAfter?: number;
}

/**
 * Which messages of a group its members can read: `all` of them, or only those committed
 * `since-join` (after the member was added; the group's first members see everything).
 */
export type HistoryVisibility = 'all' | 'since-join';

/** What a group defaults to when created without a choice (as WhatsApp: nothing from before you joined). */
export const DEFAULT_HISTORY_VISIBILITY: HistoryVisibility = 'since-join';

export interface GroupRecord {
  id: string;
  name: string;
  avatar?: string;
  createdAt: number;
  /** Absent in a record passed to `createGroup`: DEFAULT_HISTORY_VISIBILITY. Always set when read. */
  historyVisibility?: HistoryVisibility;
  /** The group's notice (SPEC §13); absent when it has none. */
  notice?: string;
  /** Set once the owner (or the site) dismissed the group: it has no members and takes none. */
  dismissed?: true;
}

/** What `Store.updateGroup` changes; `null` clears an optional field, absent leaves it. */
export interface GroupChanges {
  name?: string;
  avatar?: string | null;
  notice?: string | null;
  historyVisibility?: HistoryVisibility;
}

/**
 * Storage key of a conversation. A group is stored as `group:<id>` (the id both sides see);
 * a 1:1 chat is stored once as `p2p:<a>|<b>` with a < b and shown to each side as `p2p:<peer>`.
 */
export type ConversationKey = string;

/** A message ready to commit: everything but its `seq`, which the store assigns. */
export interface MessageDraft {
  key: ConversationKey;
  type: ConversationType;
  /** Users who may see it; absent means every member. Targeted and blocked messages use it. */
  visibleTo?: string[];
  /** `conversationId` is as the sender sees it; `seq` is ignored and assigned at commit. */
  message: Message;
  /**
   * Webhook endpoints to queue a `message.created` event for (event id = the message id), in
   * the commit's transaction; only when it commits, never for a duplicate.
   */
  webhooks?: string[];
  /** Other webhook events made before the commit (a group change's), queued with it the same way. */
  outbox?: OutboxEvent[];
}

/**
 * What happened to one draft of a batch. `duplicate` carries the originally committed message
 * (same sender and clientMsgId); `conflict` means that clientMsgId went to another conversation.
 */
/**
 * What a commit made of one draft. `json`, when a store has it, is the stored body: the message
 * as its sender sees it, serialised, which fan-out sends as is instead of serialising it again.
 */
export type CommitOutcome =
  | { status: 'committed'; message: Message; json?: string }
  | { status: 'duplicate'; message: Message; json?: string }
  | { status: 'conflict' };

/** One conversation as one member's row: read position and the conversation's last seq. */
export interface ConversationState {
  key: ConversationKey;
  type: ConversationType;
  /** Group id, or the peer's user id. */
  target: string;
  lastSeq: number;
  readSeq: number;
  /** p2p: the peer's read position (0 if the peer has no row yet). */
  peerReadSeq?: number;
  /**
   * Messages with seq at or below this are not this member's to read: the conversation's last
   * seq when they joined a group whose history visibility is `since-join`. Absent or 0: none hidden.
   */
  historyFloor?: number;
}

/** A seq range read of one conversation, seen by one user. */
export interface RangeQuery {
  /** Exclusive lower bound. */
  afterSeq: number;
  /** Inclusive upper bound. */
  toSeq: number;
  limit: number;
  /** `asc`: the oldest `limit` of the range; `desc`: the newest. Results are always ascending. */
  take: 'oldest' | 'newest';
}

/** One member of a conversation: read position and current profile (absent fields: no user row or unset). */
export interface MemberRecord extends Profile {
  userId: string;
  readSeq: number;
  /** Groups only: the member's role. */
  role?: GroupRole;
}

/**
 * Unread messages a conversation's count goes up to (a summary's `unread`): a lurker in a big
 * group had every unread row of it read at each session open, on SQLite on the event loop (some
 * 5 µs a row: a second for 200,000). The elements show "99+" past 99; a mention among older unread
 * messages still counts (`mentioned`).
 */
export const UNREAD_COUNT_MAX = 999;

export interface UnreadState {
  /** Unread messages from others, at most UNREAD_COUNT_MAX. */
  unread: number;
  /** The user (or @all) is mentioned in an unread message. */
  mentioned: boolean;
}

/**
 * A message as stored once changes were applied: the delivered shape plus what only the server
 * keeps (every user of each reaction, who deleted it for themselves). `project.ts` turns it into
 * what one viewer receives.
 */
export interface StoredMessage extends Omit<Message, 'reactions'> {
  reactions?: { emoji: string; count: number; users: string[] }[];
  /** Users who deleted it for themselves. */
  hiddenFor?: string[];
}

/** What a change does to its target, decided inside the store's transaction by `ChangeDraft.apply`. */
export interface ChangeApplied {
  /** The target after the change. */
  target: StoredMessage;
  /** The event's elem (`change`). */
  elem: ChangeElem;
  /** Who sees the event; absent = every member. */
  visibleTo?: string[];
  /** Its effect on the conversation's pinned list. */
  pin?: 'add' | 'remove';
  /** Users newly @mentioned by an edit (set on the event's groupAtUserList). */
  mentions?: string[];
}

/**
 * A change to commit (SPEC §9): an event with the next seq of the conversation, and its effect
 * on the target message, in one transaction. `message` is the event without its elem and seq;
 * its clientMsgId is the change's idempotency key.
 */
export interface ChangeDraft {
  key: ConversationKey;
  type: ConversationType;
  targetId: string;
  message: Message;
  /**
   * Called by the store with the stored target, its visibility and the conversation's pin count
   * (and, with `senderRole`, the sender's role in the group: undefined for no member), inside its
   * transaction, or (SQLite) just before it, which then commits only if they are still what was
   * read (else it calls this again). Throws a ChatError to refuse (nothing is stored).
   */
  apply(target: StoredMessage, visibleTo: string[] | undefined, pinCount: number, senderRole?: GroupRole): ChangeApplied;
  /** `apply` needs the sender's group role as it is at the commit (a pin under `pin: admins`). */
  senderRole?: true;
  /** Webhook events to queue in the change's transaction (event id = the change event's id). */
  webhooks?: WebhookTargets;
}

export type ChangeOutcome =
  | { status: 'committed'; message: Message; target: StoredMessage; visibleTo?: string[] }
  | { status: 'duplicate'; message: Message; visibleTo?: string[] }
  | { status: 'conflict' };

/** One pinned message of a conversation. */
export interface PinRecord {
  messageId: string;
  seq: number;
  by: string;
  time: number;
}

/**
 * A search (SPEC §12) as a store runs it: messages `viewer` may see now (a member of the
 * conversation, visible to them, above their history floor) whose folded searchable text
 * (`foldForSearch(searchableText(elem))`, kept by the store in the commit's and the change's
 * own transaction) holds every term. Newest first by message id (UUIDv7, time-ordered).
 */
export interface SearchQuery {
  /**
   * Folded terms (`searchTerms`); none when a filter is set: then every message the viewer may
   * see that the filters let through and a person sent (`matchesKind`), newest first.
   */
  terms: string[];
  /** One conversation only. */
  key?: ConversationKey;
  /** Only messages whose id sorts before this one (the previous page's last). */
  before?: string;
  limit: number;
  /** Optional filters (SPEC §12; `SearchFilter`), each narrowing what the terms find. */
  filter?: SearchFilter;
}

/**
 * What a store's search found, newest first. `continueBelow`: the store stopped checking rows
 * before the page was full (it bounds the bodies one search reads on the event loop); the
 * rows older than this message are not looked at yet, and the next page starts below it.
 */
export type SearchFound = Message[] & { continueBelow?: string };

/**
 * Search filters as the stores take them: every one set must hold. Times were turned into id
 * bounds by the core (ids are UUIDv7: their first 48 bits are the commit's millisecond).
 */
export interface SearchFilter {
  /** Sent by this user. */
  sender?: string;
  /** Id sorts after this one. */
  idAbove?: string;
  /** Id sorts before this one. */
  idBelow?: string;
  /** The message's kind (`matchesKind`): an elem type, or `link` (a text holding a web address). */
  kind?: SearchKind;
}
