import type { OutboxEvent } from '../webhooks/types.js';

/** A broadcast as stored: the wire shape plus what only the server needs. */
export interface BroadcastRecord {
  /** Assigned by the store, rising with every broadcast, never reused (per-device cursors compare it). */
  seq: number;
  id: string;
  from?: string;
  content: string;
  time: number;
  /** Offline broadcasts only: after it, no device receives it at login. */
  expiresAt?: number;
  /** Kept for devices that are away (delivered at their next session open). */
  offline: boolean;
  /** A tombstone: withdrawn by an admin (never listed, never delivered). */
  withdrawn?: boolean;
}

/** The app's broadcast budget, checked and spent by `addBroadcast` in one transaction. */
export interface BroadcastQuota {
  now: number;
  perMinute: number;
  perDay: number;
  /** Newest offline broadcasts kept (older ones are dropped); online-only ones are kept as many. */
  keep: number;
  /** Webhook events (`broadcast.sent`) queued in the same transaction when the broadcast is admitted. */
  outbox?: OutboxEvent[];
}

export type BroadcastWindow = 'minute' | 'day';

/** Sliding windows, so "10 per minute" holds for any 60 s, not just per clock minute. */
export const BROADCAST_WINDOW_MS: Record<BroadcastWindow, number> = { minute: 60_000, day: 86_400_000 };

/** The answer of `addBroadcast`: stored with its seq, or refused naming the full window. */
export type BroadcastAdmission =
  | { ok: true; seq: number }
  | { ok: false; window: BroadcastWindow; max: number; resetAt: number };

/** A device of a user, as named in `session.open` (`''` for a client that sent no deviceId). */
export interface DeviceRef {
  userId: string;
  deviceId: string;
}

/**
 * The part of `Store` that keeps broadcasts, the app's broadcast quota and which broadcasts
 * each device has received. All of it lives in the database, so the limits and "once per
 * device" hold across restarts and across the nodes of a cluster.
 */
export interface BroadcastStore {
  /**
   * If fewer than `perMinute` broadcasts were added in the last minute and fewer than
   * `perDay` in the last day (counted at `now`, withdrawn ones included), stores the
   * broadcast with the next seq, counts it, and drops expired ones and all but the newest
   * `keep` of its kind (tombstones included). Otherwise stores nothing and says which window is full and when a
   * slot frees up. Atomic: concurrent calls on several nodes never exceed the quota.
   */
  addBroadcast(broadcast: Omit<BroadcastRecord, 'seq' | 'withdrawn'>, quota: BroadcastQuota): Promise<BroadcastAdmission>;
  /** Stored broadcasts, newest first: online-only ones and offline ones not expired at `now`; no tombstones. */
  listBroadcasts(now: number): Promise<BroadcastRecord[]>;
  /**
   * Withdraws a stored broadcast: it leaves the list and is never delivered again, and it
   * moves to the next seq as a tombstone, so devices that were away hear of the withdrawal at
   * their next session open. False when there is no such broadcast (or it was withdrawn).
   */
  withdrawBroadcast(id: string): Promise<boolean>;
  /**
   * What `device` has not heard yet (seq above its cursor): the offline broadcasts valid at
   * `now`, oldest first, and the ids of broadcasts withdrawn since. Raises its cursor past
   * every stored broadcast: a second call returns nothing until another change.
   */
  takeBroadcasts(device: DeviceRef, now: number): Promise<{ added: BroadcastRecord[]; withdrawn: string[] }>;
  /** Records that these devices received the broadcast `seq` live (raises their cursors to it). */
  markBroadcastsReceived(devices: DeviceRef[], seq: number, now: number): Promise<void>;
}
