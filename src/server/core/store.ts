import type { Message } from '../../protocol/index.js';
import type { BroadcastStore } from './broadcast-store.js';
import type { WebhookStore } from '../webhooks/types.js';
import type { UnreadReminderStore } from '../webhooks/unread-types.js';
import type { PushStore } from './push-store.js';
import type { ModerationStore } from '../moderation/types.js';
import type { ReportStore } from '../moderation/report-types.js';
import type { FriendStore } from '../friends/friend-store.js';
import type { StoreFacts } from './facts.js';
import type {
  ChangeDraft,
  ChangeOutcome,
  CommitOutcome,
  PinRecord,
  ConversationKey,
  ConversationState,
  GroupChanges,
  GroupRecord,
  GroupRole,
  MemberRecord,
  MessageDraft,
  Profile,
  RangeQuery,
  SearchQuery,
  SearchFound,
  UnreadState,
  UserRecord,
} from './types.js';

/** Store reads answered synchronously (`Store.held`), the same answers as the async methods'. */
export interface HeldReads {
  getUser(id: string): Readonly<UserRecord> | undefined;
  getGroup(id: string): Readonly<GroupRecord> | undefined;
  isGroupMember(groupId: string, userId: string): boolean;
  isBlocked(owner: string, other: string): boolean;
  areFriends(a: string, b: string): boolean;
}

/** Judges a role change or removal by the roles read at its write (Store.changeGroupRole, removeGroupMember): throws to refuse, false for nothing to do. */
export type GroupRoleCheck = (actorRole: GroupRole | undefined, targetRole: GroupRole | undefined) => boolean;
/** Judges a change of the group itself (settings, invites, dismissal) by the group and the actor's role as they are at its write: throws to refuse, false for nothing to do. */
export type GroupCheck = (actorRole: GroupRole | undefined, group: GroupRecord) => boolean;

/**
 * Everything the chat core needs from storage. Every method is async so that a networked
 * store (PostgreSQL) fits the same shape as the embedded SQLite one. Implementations must keep
 * no state a second server node would need: all of it lives in the database.
 *
 * Every adapter passes test/server/store/store-contract.ts.
 */
export interface Store extends BroadcastStore, WebhookStore, UnreadReminderStore, PushStore, ModerationStore, ReportStore, FriendStore {
  /** Resolves when the store can answer; rejects if it cannot (health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;

  // ------------------------------------------------------------- users
  getUser(id: string): Promise<UserRecord | undefined>;
  /** Creates the user, or updates the given profile fields; brings a deleted user back. */
  putUser(id: string, profile: Profile, now: number): Promise<UserRecord>;
  /** Marks the user deleted and drops their group memberships, friendships, friend requests and blocks. */
  deleteUser(id: string): Promise<boolean>;

  // ------------------------------------------------------------- relations
  /** Friendship is mutual: one call sets both directions. */
  setFriends(a: string, b: string, friends: boolean): Promise<void>;
  areFriends(a: string, b: string): Promise<boolean>;
  setBlocked(owner: string, other: string, blocked: boolean): Promise<void>;
  /** Whether `owner` has blocked `other`. */
  isBlocked(owner: string, other: string): Promise<boolean>;
  listBlocked(owner: string): Promise<string[]>;
  /** Hides (or shows again) the user's presence: they appear offline to everyone (SPEC §13). */
  setPresenceHidden(userId: string, hidden: boolean): Promise<void>;
  /** Of `userIds`, those who hide their presence, in the given order. */
  presenceHiddenAmong(userIds: readonly string[]): Promise<string[]>;

  // ------------------------------------------------------------- groups
  /**
   * Creates the group, its conversation and memberships (role `member`, or the one `roles` gives).
   * Throws ChatError GROUP_EXISTS.
   */
  createGroup(group: GroupRecord, members: string[], roles?: Readonly<Record<string, GroupRole>>): Promise<void>;
  getGroup(id: string): Promise<GroupRecord | undefined>;
  /**
   * Changes a group's settings; undefined when there is no such group. With `check`, one atomic
   * step like changeGroupRole's: `check` gets `actor`'s role and the group as they are at the
   * write (the group's row, then the actor's membership, locked) and throws to refuse, or answers
   * false to write nothing (undefined then too).
   */
  updateGroup(id: string, changes: GroupChanges, check?: GroupCheck, actor?: string): Promise<GroupRecord | undefined>;
  /** A member's role; undefined when `userId` is not a member. */
  getGroupRole(groupId: string, userId: string): Promise<GroupRole | undefined>;
  /** Sets a member's role; false when `userId` is not a member. */
  setGroupRole(groupId: string, userId: string, role: GroupRole): Promise<boolean>;
  /**
   * Sets a member's role in one atomic step checked against the roles as they are at the write,
   * whatever another node changed meanwhile: `check` gets `actor`'s role and the member's
   * (undefined: not a member, or no actor), read with both rows locked, and throws to refuse
   * (nothing changes) or answers false when there is nothing to do. A new owner's predecessors
   * become admins in the same step. True when written; false also when `userId` is not a member.
   */
  changeGroupRole(groupId: string, userId: string, role: GroupRole, check: GroupRoleCheck, actor?: string): Promise<boolean>;
  /**
   * Marks the group dismissed and drops every membership in one transaction; answers who were
   * members, undefined when there is no such group. With `check`, one atomic step as
   * updateGroup's (undefined, nothing written, when it answers false).
   */
  dismissGroup(groupId: string, check?: GroupCheck, actor?: string): Promise<string[] | undefined>;
  /** How many members the group has. */
  countGroupMembers(groupId: string): Promise<number>;
  /** The group's owner, undefined when the site alone manages it (read without its other members). */
  groupOwner(groupId: string): Promise<string | undefined>;
  /**
   * Adds a member reading from the current last seq, which is also where their history starts
   * when the group's visibility is `since-join` (`historyFloor`). False when already a member.
   */
  addGroupMember(groupId: string, userId: string): Promise<boolean>;
  /**
   * Adds members as addGroupMember does, all in one atomic step checked as updateGroup's: answers
   * those added (in the order given), none when `check` answers false or `groupId` is no group.
   * With `limit`, the members are counted in the same step: more than `limit` after it throws
   * GROUP_FULL (nothing written).
   */
  addGroupMembers(groupId: string, userIds: readonly string[], check: GroupCheck, actor?: string, limit?: number): Promise<string[]>;
  /**
   * Drops a membership; false when `userId` is not a member. With `check`, one atomic step like
   * changeGroupRole's: `check` gets `actor`'s role and the member's as they are at the write
   * (rows locked) and throws to refuse, or answers false to keep the member.
   */
  removeGroupMember(groupId: string, userId: string, check?: GroupRoleCheck, actor?: string): Promise<boolean>;
  listGroupMembers(groupId: string): Promise<string[]>;
  /**
   * The group's member list if the store holds it in memory (as `listGroupMembers` would answer
   * now), else undefined: fan-out then needs no promise per message (the SQLite store). The
   * caller must not change the array.
   */
  heldGroupMembers?(groupId: string): readonly string[] | undefined;
  isGroupMember(groupId: string, userId: string): Promise<boolean>;

  // ------------------------------------------------------------- messages
  /**
   * Commits drafts in one transaction, in order: each gets the next seq of its conversation
   * (so seqs are gapless), unless (sender, clientMsgId) was already committed. A p2p commit
   * gives every user who can see the message a membership row. All or nothing: on failure it
   * rejects and nothing of the batch is stored.
   */
  commitMessages(drafts: MessageDraft[]): Promise<CommitOutcome[]>;
  /**
   * Commits a group's notice (one draft, as commitMessages) only if `stands` holds of the group as
   * it is then; undefined, nothing written, otherwise. On PostgreSQL the group's row is share-locked
   * from the check to the commit, so no updateGroup (which locks it) comes between them, on any
   * node: a notice is committed only while what it tells still stands. SQLite and memory are one
   * process, where GroupService runs a group's changes and their notices one after another.
   */
  commitGroupNotice(groupId: string, stands: (group: GroupRecord) => boolean, draft: MessageDraft): Promise<CommitOutcome | undefined>;
  /**
   * Set when commits are applied one after another in the order `commitMessages` was called,
   * whatever their number in flight (one writer taking them from a queue): the core may then
   * hand over the next batch before the last one is done. Absent: one commit at a time.
   */
  readonly commitsInCallOrder?: boolean;
  /**
   * Set, with `commitsInCallOrder`, when the store commits every batch queued behind a running
   * commit in its next transaction (one writer draining its queue): the core then hands over
   * each turn's batch at once instead of holding it until a commit ends.
   */
  readonly coalescesQueuedCommits?: boolean;
  /**
   * Set when a transaction's outcomes (its messages' and changes') are all settled in one task,
   * transactions in commit order (one writer answering over one port): the core then hands a
   * reply's events to the bus when that task ends, instead of after the rest of the poll phase
   * (which sorts the answers of commits that overlapped, read in one pass: PostgreSQL's pool).
   */
  readonly answersInCommitOrder?: boolean;
  /**
   * Set when commits of batches with no conversation in common may run at the same time (a
   * pool of connections, each batch its own transaction): at most this many batches are then
   * in flight, and no two of them share a conversation, so each conversation's batches still
   * commit one after another. Absent: one commit at a time.
   */
  readonly concurrentCommits?: number;
  /**
   * Whether (sender, clientMsgId) is committed, a message or a change (its changeId): a refused
   * retry of something committed is answered as its duplicate instead (SPEC §2, exactly once).
   */
  hasClientMsgId(sender: string, clientMsgId: string): Promise<boolean>;
  /** A message by id, with who may see it (undefined = every member). */
  findMessage(key: ConversationKey, id: string): Promise<{ message: Message; visibleTo?: string[] } | undefined>;
  /**
   * `findMessage` for many ids of one conversation in one read: the messages found, by id (an
   * id not in the conversation is absent; a repeated id is read once).
   */
  findMessages(key: ConversationKey, ids: readonly string[]): Promise<Map<string, { message: Message; visibleTo?: string[] }>>;
  /**
   * Commits one change (SPEC §9) in one transaction (its own, or a batch's with messages): unless (sender, clientMsgId) was already
   * committed (then the original event, `duplicate`; another conversation: `conflict`), reads the
   * target (ChatError MESSAGE_UNKNOWN when absent or itself a change event), calls `draft.apply`,
   * stores the event with the next seq, the new target body and the pinned list. All or nothing.
   */
  commitChange(draft: ChangeDraft): Promise<ChangeOutcome>;
  /** The conversation's pinned messages, most recently pinned first. */
  listPins(key: ConversationKey): Promise<PinRecord[]>;
  /** Messages of a seq range that `viewer` may see, ascending by seq. */
  readRange(key: ConversationKey, viewer: string, query: RangeQuery): Promise<Message[]>;
  /** Whether `viewer` can see any message with seq < `beforeSeq`. */
  hasVisibleBefore(key: ConversationKey, viewer: string, beforeSeq: number): Promise<boolean>;

  /**
   * Search (SPEC §12): the stored messages matching `query` that `viewer` may see, newest first
   * (see SearchQuery). Recalled messages have no searchable text; per-viewer state (delete for
   * me) is the caller's to apply. A store may stop before `limit` with `continueBelow` (SearchFound).
   */
  searchMessages(viewer: string, query: SearchQuery): Promise<SearchFound>;

  // ------------------------------------------------------------- per-user conversation state
  /** Every conversation `userId` is a member of (with `historyFloor` for groups that hide older history). */
  listConversations(userId: string): Promise<ConversationState[]>;
  /** One conversation of `userId`; undefined when not a member. */
  getConversation(userId: string, key: ConversationKey): Promise<ConversationState | undefined>;
  /** Raises the read position (never lowers it, never past lastSeq). Returns the stored value. */
  markRead(userId: string, key: ConversationKey, seq: number): Promise<number>;
  /** Unread count from others after `readSeq`, honouring isExcludedFromUnreadCount and visibility. */
  unreadState(key: ConversationKey, userId: string, readSeq: number): Promise<UnreadState>;
  /** Newest message visible to `userId` that is not isExcludedFromLastMessage. */
  lastMessage(key: ConversationKey, userId: string): Promise<Message | undefined>;

  // ------------------------------------------------------------- members and receipts
  /**
   * Every member row of the conversation with its read position and the user's current profile,
   * ordered by user id. A p2p chat has a row per side once a message visible to that side exists.
   * With `page`, only the first `limit` rows whose id is above `after`, read from the
   * (conv_key, user_id) index: a page costs the same in a group of any size.
   */
  listMembers(key: ConversationKey, page?: MembersPageQuery): Promise<MemberRecord[]>;
  /**
   * Distinct senders, other than `reader`, of `needReadReceipt` messages with seq in
   * (afterSeq, toSeq] that `reader` can see, ordered by id: whom a read of that range concerns.
   */
  receiptSenders(key: ConversationKey, reader: string, afterSeq: number, toSeq: number): Promise<string[]>;

  /**
   * Present when the store can keep the facts a send checks between turns, given word of other
   * nodes' changes over the bus (the PostgreSQL store; ChatCore connects it).
   */
  facts?: StoreFacts;
  /**
   * The reads a send's checks make (enterConversation, prepareSend), answered on this turn: a store
   * that reads them from memory or from a database in this process (SQLite). Absent: the async
   * methods of the same names. What they answer must not be changed.
   */
  held?: HeldReads;
}

/** A page of `Store.listMembers`: up to `limit` members with ids above `after` (from the first without). */
export interface MembersPageQuery {
  after?: string;
  limit: number;
}

/** A store, or a function making one (called once by createChatServer). */
export type StoreFactory = () => Store | Promise<Store>;
