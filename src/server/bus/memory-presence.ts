import type { Presence } from '../core/presence.js';

/** Presence of a single node: the users this process holds sessions of. */
export function createMemoryPresence(): Presence {
  const online = new Set<string>();
  return {
    async online(userId) {
      online.add(userId);
    },
    async offline(userId) {
      online.delete(userId);
    },
    async offlineAmong(userIds) {
      return userIds.filter((u) => !online.has(u));
    },
    async close() {
      online.clear();
    },
  };
}
