/** The server's VAPID key pair (RFC 8292), base64url: P-256 public point and private scalar. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/** One device's Web Push subscription (the browser's `PushSubscription.toJSON()` plus who owns it). */
export interface PushSubscriptionRecord {
  userId: string;
  /** The client's device id (`''` when it gave none); one subscription per device of a user. */
  deviceId: string;
  /** The push service URL, checked against the public-target policy before it was stored. */
  endpoint: string;
  /** The browser's P-256 ECDH public key, base64url (RFC 8291 `ua_public`). */
  p256dh: string;
  /** The 16-byte authentication secret, base64url. */
  auth: string;
  createdAt: number;
}

/** A muted conversation of a user: its key (`*` = do not disturb, every conversation) and until when (0 = until unmuted). */
export interface MuteRecord {
  key: string;
  until: number;
}

/** How long a push claim is kept (a resend comes within minutes; a week is plenty). */
export const CLAIM_TTL_MS = 7 * 86_400_000;

/** The conversation key that stands for every conversation: the user's do-not-disturb. */
export const DND_KEY = '*';

/**
 * The part of `Store` that keeps what reaching people who are not looking needs (SPEC §10):
 * the VAPID keys, push subscriptions per device and per-conversation mutes. Every adapter passes
 * test/server/store/store-push-contract.ts.
 */
export interface PushStore {
  /**
   * The stored VAPID keys; when there are none, stores `generated` and returns it. Concurrent
   * first calls on several nodes all return the one pair that was stored first.
   */
  vapidKeys(generated: VapidKeys): Promise<VapidKeys>;
  /**
   * Stores a subscription, replacing the device's previous one and any row with the same
   * endpoint (a browser handed to another user). False, storing nothing, when the user would
   * then hold more than `maxPerUser` subscriptions.
   */
  putPushSubscription(sub: PushSubscriptionRecord, maxPerUser: number): Promise<boolean>;
  /** Removes a user's subscription by endpoint; false when they had none with it. */
  deletePushSubscription(userId: string, endpoint: string): Promise<boolean>;
  /** Removes an endpoint whoever holds it (the push service answered 404 or 410). */
  dropPushEndpoint(endpoint: string): Promise<void>;
  /** Every subscription of these users, ordered by user then device. */
  pushSubscriptionsOf(userIds: readonly string[]): Promise<PushSubscriptionRecord[]>;
  /**
   * Takes the right to push message `messageId`: true for the first call whatever node makes it,
   * false for every later one (a resend a node published again after another died). Claims older
   * than a week are forgotten.
   */
  claimPush(messageId: string, now: number): Promise<boolean>;
  /** Mutes `key` for `userId` until `until` (0 = until unmuted); `undefined` unmutes. */
  setMute(userId: string, key: string, until: number | undefined): Promise<void>;
  /** The user's mutes still in force at `now`, ordered by key. */
  listMutes(userId: string, now: number): Promise<MuteRecord[]>;
  /** Of `userIds`, those who muted `key` (or set do-not-disturb) and whose mute holds at `now`. */
  mutedAmong(key: string, userIds: readonly string[], now: number): Promise<string[]>;
}
