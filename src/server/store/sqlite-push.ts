import type Database from 'better-sqlite3';
import { CLAIM_TTL_MS, DND_KEY, type MuteRecord, type PushStore, type PushSubscriptionRecord } from '../core/push-store.js';

/**
 * VAPID keys, push subscriptions and mutes (SPEC §10). `CREATE … IF NOT EXISTS`: a file made
 * before them gains the tables when it is opened (the upgrade of 2026-12-05).
 */
export const PUSH_SCHEMA = `
CREATE TABLE IF NOT EXISTS vapid_keys (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  public_key TEXT NOT NULL,
  private_key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS push_subscriptions (
  endpoint TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS push_subscriptions_by_device ON push_subscriptions (user_id, device_id);
CREATE TABLE IF NOT EXISTS push_claims (
  message_id TEXT PRIMARY KEY,
  at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mutes (
  user_id TEXT NOT NULL,
  conv_key TEXT NOT NULL,
  until INTEGER NOT NULL,
  PRIMARY KEY (user_id, conv_key)
) WITHOUT ROWID;`;

type Row = Record<string, unknown>;

const subscription = (r: Row): PushSubscriptionRecord => ({
  userId: r['user_id'] as string, deviceId: r['device_id'] as string, endpoint: r['endpoint'] as string,
  p256dh: r['p256dh'] as string, auth: r['auth'] as string, createdAt: r['created_at'] as number,
});

/** PushStore on the main SQLite connection (small, rare writes next to message commits). */
export function createSqlitePush(db: Database.Database): PushStore {
  db.exec(PUSH_SCHEMA);
  const q = {
    insertVapid: db.prepare('INSERT OR IGNORE INTO vapid_keys (id, public_key, private_key) VALUES (1, ?, ?)'),
    vapid: db.prepare('SELECT public_key, private_key FROM vapid_keys WHERE id = 1'),
    countOthers: db.prepare('SELECT count(*) FROM push_subscriptions WHERE user_id = ? AND device_id <> ? AND endpoint <> ?').pluck(),
    dropReplaced: db.prepare('DELETE FROM push_subscriptions WHERE endpoint = ? OR (user_id = ? AND device_id = ?)'),
    insertSub: db.prepare('INSERT INTO push_subscriptions (endpoint, user_id, device_id, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
    deleteSub: db.prepare('DELETE FROM push_subscriptions WHERE user_id = ? AND endpoint = ?'),
    dropEndpoint: db.prepare('DELETE FROM push_subscriptions WHERE endpoint = ?'),
    subsOf: db.prepare(`SELECT * FROM push_subscriptions WHERE user_id IN (SELECT value FROM json_each(?)) ORDER BY user_id, device_id`),
    claim: db.prepare('INSERT OR IGNORE INTO push_claims (message_id, at) VALUES (?, ?)'),
    forgetClaims: db.prepare('DELETE FROM push_claims WHERE at < ?'),
    mute: db.prepare('INSERT OR REPLACE INTO mutes (user_id, conv_key, until) VALUES (?, ?, ?)'),
    unmute: db.prepare('DELETE FROM mutes WHERE user_id = ? AND conv_key = ?'),
    mutes: db.prepare('SELECT conv_key, until FROM mutes WHERE user_id = ? AND (until = 0 OR until > ?) ORDER BY conv_key'),
    muted: db.prepare(`SELECT DISTINCT user_id FROM mutes WHERE user_id IN (SELECT value FROM json_each(?)) AND conv_key IN (?, '${DND_KEY}') AND (until = 0 OR until > ?)`).pluck(),
  };
  const put = db.transaction((s: PushSubscriptionRecord, max: number): boolean => {
    if ((q.countOthers.get(s.userId, s.deviceId, s.endpoint) as number) + 1 > max) return false;
    q.dropReplaced.run(s.endpoint, s.userId, s.deviceId);
    q.insertSub.run(s.endpoint, s.userId, s.deviceId, s.p256dh, s.auth, s.createdAt);
    return true;
  });
  let claimed = 0;
  return {
    async claimPush(messageId, now) {
      // Old claims go every thousandth claim: a scan of a small table, never on each push.
      if (++claimed % 1000 === 0) q.forgetClaims.run(now - CLAIM_TTL_MS);
      return q.claim.run(messageId, now).changes > 0;
    },
    async vapidKeys(generated) {
      q.insertVapid.run(generated.publicKey, generated.privateKey);
      const r = q.vapid.get() as Row;
      return { publicKey: r['public_key'] as string, privateKey: r['private_key'] as string };
    },
    async putPushSubscription(sub, maxPerUser) {
      return put.immediate(sub, maxPerUser);
    },
    async deletePushSubscription(userId, endpoint) {
      return q.deleteSub.run(userId, endpoint).changes > 0;
    },
    async dropPushEndpoint(endpoint) {
      q.dropEndpoint.run(endpoint);
    },
    async pushSubscriptionsOf(userIds) {
      if (userIds.length === 0) return [];
      return (q.subsOf.all(JSON.stringify(userIds)) as Row[]).map(subscription);
    },
    async setMute(userId, key, until) {
      if (until === undefined) q.unmute.run(userId, key);
      else q.mute.run(userId, key, until);
    },
    async listMutes(userId, now) {
      return (q.mutes.all(userId, now) as Row[]).map((r): MuteRecord => ({ key: r['conv_key'] as string, until: r['until'] as number }));
    },
    async mutedAmong(key, userIds, now) {
      if (userIds.length === 0) return [];
      const muted = new Set(q.muted.all(JSON.stringify(userIds), key, now) as string[]);
      return userIds.filter((u) => muted.has(u));
    },
  };
}
