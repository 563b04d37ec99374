import type { ClientStorage, OutboxEntry, PersistedState } from './types.js';

/**
 * Keeps the outbox and the cache in memory (Node, tests, load generators, private windows).
 * Survives `close()`: a new client given the same object sees what the old one left, which is
 * how tests simulate a page reload.
 */
export function createMemoryStorage(): ClientStorage {
  const outbox = new Map<string, OutboxEntry>();
  let state: PersistedState | undefined;
  return {
    async loadOutbox() {
      return [...outbox.values()].map(clone).sort((a, b) => a.createdAt - b.createdAt);
    },
    async putOutbox(entry) {
      outbox.set(entry.clientMsgId, clone(entry));
    },
    async deleteOutbox(clientMsgId) {
      outbox.delete(clientMsgId);
    },
    async loadState() {
      return state === undefined ? undefined : clone(state);
    },
    async saveState(next) {
      state = clone(next);
    },
    async close() {},
  };
}

// Stored copies must not alias live objects, exactly as IndexedDB's structured clone behaves.
function clone<T>(value: T): T {
  return structuredClone(value);
}
