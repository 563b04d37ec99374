import { idTimePrefix } from '../core/message-id.js';
import type { OutboxEvent } from './types.js';

/**
 * Unread reminders (`message.unread`, after Stream Chat's `user.unread_message_reminder`): what
 * the store keeps for them. Nothing is written on a send's path: every node scans, a while after
 * the fact, the messages committed in a window of time (`[from, to)` by the time in their UUIDv7
 * ids, an index range), up to a watermark the store keeps, so a window is looked at again after
 * a restart or a node's death. A mark per user and conversation holds the read position of the
 * last unread stretch reminded of: the stretch is reminded of once, and a read starts a new one.
 */

/** A member with messages unread since before the window's end and no reminder for this stretch. */
export interface UnreadCandidate {
  userId: string;
  /** The conversation's storage key. */
  key: string;
  /** The member's read position: the stretch's start. */
  readSeq: number;
  /** The newest message of the window from someone else in this conversation (the stretch reaches at least to it). */
  toSeq: number;
}

/** A reminder to queue, if the stretch still stands. */
export interface UnreadClaim {
  userId: string;
  key: string;
  readSeq: number;
  events: OutboxEvent[];
}

/** The unread-reminder part of every Store. */
export interface UnreadReminderStore {
  /**
   * The scan's watermark (ms): messages with id times before it were looked at. When there is
   * none yet, `initial` is stored and returned (concurrent first calls agree on one).
   */
  unreadWatermark(initial: number): Promise<number>;
  /** Raises the watermark to `to` (never lowers it). */
  raiseUnreadWatermark(to: number): Promise<void>;
  /**
   * Members of the conversations with messages whose ids' times are in `[from, to)` who have one
   * of them from someone else after their read position, and no mark at that read position.
   */
  unreadCandidates(from: number, to: number): Promise<UnreadCandidate[]>;
  /**
   * Each claim, in one transaction: when the member's read position is still `readSeq` and their
   * mark is not at `readSeq`, marks it and queues its events; true for those. A claim of several
   * nodes at once goes through on one only.
   */
  claimUnreadReminders(claims: UnreadClaim[]): Promise<boolean[]>;
}

/** The lower bound, as a string, of the UUIDv7 ids (src/server/core/message-id.ts) of millisecond `ms` and later. */
export const idFloor: (ms: number) => string = idTimePrefix;
