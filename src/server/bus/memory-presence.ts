import type { Presence } from '../core/presence.js';

/** Presence of a single node: the users this process holds sessions of, and when each was last seen. */
export function createMemoryPresence(clock: () => number = Date.now): Presence {
  const online = new Set<string>();
  const seen = new Map<string, number>();
  return {
    async online(userId) {
      online.add(userId);
    },
    async offline(userId) {
      if (online.delete(userId)) seen.set(userId, clock());
    },
    async offlineAmong(userIds) {
      return userIds.filter((u) => !online.has(u));
    },
    async states(userIds) {
      return userIds.map((u) => {
        if (online.has(u)) return { online: true };
        const lastSeen = seen.get(u);
        return lastSeen === undefined ? { online: false } : { online: false, lastSeen };
      });
    },
    async close() {
      const now = clock();
      for (const u of online) seen.set(u, now);
      online.clear();
    },
  };
}
