import { CLAIM_TTL_MS, DND_KEY, type MuteRecord, type PushStore, type PushSubscriptionRecord, type VapidKeys } from '../core/push-store.js';

/** PushStore in memory (the memory store's part; same contract as SQLite and PostgreSQL). */
export function createMemoryPush(): PushStore {
  let vapid: VapidKeys | undefined;
  /** endpoint -> subscription */
  const subs = new Map<string, PushSubscriptionRecord>();
  /** user -> key -> until */
  const mutes = new Map<string, Map<string, number>>();
  /** messageId -> when claimed, oldest first (a Map keeps insertion order). */
  const claims = new Map<string, number>();
  const holds = (until: number | undefined, now: number) => until !== undefined && (until === 0 || until > now);
  return {
    async vapidKeys(generated) {
      vapid ??= { ...generated };
      return { ...vapid };
    },
    async putPushSubscription(sub, maxPerUser) {
      const replaced = (s: PushSubscriptionRecord) => s.endpoint === sub.endpoint || (s.userId === sub.userId && s.deviceId === sub.deviceId);
      const kept = [...subs.values()].filter((s) => s.userId === sub.userId && !replaced(s)).length;
      if (kept + 1 > maxPerUser) return false;
      for (const s of [...subs.values()]) if (replaced(s)) subs.delete(s.endpoint);
      subs.set(sub.endpoint, { ...sub });
      return true;
    },
    async deletePushSubscription(userId, endpoint) {
      if (subs.get(endpoint)?.userId !== userId) return false;
      return subs.delete(endpoint);
    },
    async dropPushEndpoint(endpoint) {
      subs.delete(endpoint);
    },
    async pushSubscriptionsOf(userIds) {
      const wanted = new Set(userIds);
      return [...subs.values()]
        .filter((s) => wanted.has(s.userId))
        .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0))
        .map((s) => ({ ...s }));
    },
    async claimPush(messageId, now) {
      for (const [id, at] of claims) {
        if (at >= now - CLAIM_TTL_MS) break;
        claims.delete(id);
      }
      if (claims.has(messageId)) return false;
      claims.set(messageId, now);
      return true;
    },
    async setMute(userId, key, until) {
      let mine = mutes.get(userId);
      if (until === undefined) return void mine?.delete(key);
      if (!mine) mutes.set(userId, (mine = new Map()));
      mine.set(key, until);
    },
    async listMutes(userId, now) {
      const out: MuteRecord[] = [];
      for (const [key, until] of mutes.get(userId) ?? []) if (holds(until, now)) out.push({ key, until });
      return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async mutedAmong(key, userIds, now) {
      return userIds.filter((u) => {
        const mine = mutes.get(u);
        return holds(mine?.get(key), now) || holds(mine?.get(DND_KEY), now);
      });
    },
  };
}
