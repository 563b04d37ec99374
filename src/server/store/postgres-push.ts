import type { PoolClient, QueryResultRow } from 'pg';
import { CLAIM_TTL_MS, DND_KEY, type MuteRecord, type PushStore, type PushSubscriptionRecord } from '../core/push-store.js';

interface Deps {
  query<R extends QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T>;
}

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Migration 9 (postgres-schema.ts): the same model as sqlite-push.ts. */
export const PUSH_MIGRATION_SQL = `
CREATE TABLE vapid_keys (id integer PRIMARY KEY CHECK (id = 1), public_key text NOT NULL, private_key text NOT NULL);
CREATE TABLE push_subscriptions (
  endpoint text PRIMARY KEY,
  user_id text COLLATE "C" NOT NULL,
  device_id text COLLATE "C" NOT NULL,
  p256dh text NOT NULL,
  auth text NOT NULL,
  created_at bigint NOT NULL
);
CREATE UNIQUE INDEX push_subscriptions_by_device ON push_subscriptions (user_id, device_id);
CREATE TABLE push_claims (message_id text PRIMARY KEY, at bigint NOT NULL);
CREATE INDEX push_claims_by_time ON push_claims (at);
CREATE TABLE mutes (
  user_id text COLLATE "C" NOT NULL,
  conv_key text COLLATE "C" NOT NULL,
  until bigint NOT NULL,
  PRIMARY KEY (user_id, conv_key)
);
`;

const subscription = (r: Row): PushSubscriptionRecord => ({
  userId: r.user_id, deviceId: r.device_id, endpoint: r.endpoint, p256dh: r.p256dh, auth: r.auth, createdAt: Number(r.created_at),
});

/**
 * PushStore on PostgreSQL. A subscription's count check and insert run under a per-user
 * advisory transaction lock, so two nodes storing a user's subscriptions at once take turns.
 */
export function createPostgresPush({ query, transaction }: Deps): PushStore {
  let claimed = 0;
  return {
    async claimPush(messageId, now) {
      if (++claimed % 1000 === 0) await query('DELETE FROM push_claims WHERE at < $1', [now - CLAIM_TTL_MS]);
      const rows = await query('INSERT INTO push_claims (message_id, at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1', [messageId, now]);
      return rows.length > 0;
    },
    async vapidKeys(generated) {
      await query('INSERT INTO vapid_keys (id, public_key, private_key) VALUES (1, $1, $2) ON CONFLICT DO NOTHING', [generated.publicKey, generated.privateKey]);
      const [r] = await query<Row>('SELECT public_key, private_key FROM vapid_keys WHERE id = 1');
      return { publicKey: r!.public_key, privateKey: r!.private_key };
    },
    putPushSubscription: (s, max) => transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`natter.push:${s.userId}`]);
      const { rows: [n] } = await c.query<Row>(
        'SELECT count(*)::int AS n FROM push_subscriptions WHERE user_id = $1 AND device_id <> $2 AND endpoint <> $3', [s.userId, s.deviceId, s.endpoint]);
      if ((n!.n as number) + 1 > max) return false;
      await c.query('DELETE FROM push_subscriptions WHERE endpoint = $1 OR (user_id = $2 AND device_id = $3)', [s.endpoint, s.userId, s.deviceId]);
      await c.query('INSERT INTO push_subscriptions (endpoint, user_id, device_id, p256dh, auth, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [s.endpoint, s.userId, s.deviceId, s.p256dh, s.auth, s.createdAt]);
      return true;
    }),
    async deletePushSubscription(userId, endpoint) {
      const rows = await query('DELETE FROM push_subscriptions WHERE user_id = $1 AND endpoint = $2 RETURNING 1', [userId, endpoint]);
      return rows.length > 0;
    },
    async dropPushEndpoint(endpoint) {
      await query('DELETE FROM push_subscriptions WHERE endpoint = $1', [endpoint]);
    },
    async pushSubscriptionsOf(userIds) {
      if (userIds.length === 0) return [];
      const rows = await query<Row>('SELECT * FROM push_subscriptions WHERE user_id = ANY($1) ORDER BY user_id, device_id', [userIds]);
      return rows.map(subscription);
    },
    async setMute(userId, key, until) {
      if (until === undefined) await query('DELETE FROM mutes WHERE user_id = $1 AND conv_key = $2', [userId, key]);
      else await query('INSERT INTO mutes (user_id, conv_key, until) VALUES ($1, $2, $3) ON CONFLICT (user_id, conv_key) DO UPDATE SET until = $3', [userId, key, until]);
    },
    async listMutes(userId, now) {
      const rows = await query<Row>('SELECT conv_key, until FROM mutes WHERE user_id = $1 AND (until = 0 OR until > $2) ORDER BY conv_key', [userId, now]);
      return rows.map((r): MuteRecord => ({ key: r.conv_key, until: Number(r.until) }));
    },
    async mutedAmong(key, userIds, now) {
      if (userIds.length === 0) return [];
      const rows = await query<Row>(
        `SELECT DISTINCT user_id FROM mutes WHERE user_id = ANY($1) AND conv_key IN ($2, '${DND_KEY}') AND (until = 0 OR until > $3)`, [userIds, key, now]);
      const muted = new Set(rows.map((r) => r.user_id as string));
      return userIds.filter((u) => muted.has(u));
    },
  };
}
