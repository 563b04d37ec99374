import { createIdbStorage, hasIndexedDb } from './storage-idb.js';
import { createMemoryStorage } from './storage-memory.js';
import type { ChatClientOptions, ClientStorage } from './types.js';

/**
 * Picks the storage of one user: the one given, the factory's for `key`, else IndexedDB
 * (database `natter:<key>`) when the platform has it, else memory.
 */
export function resolveStorage(choice: ChatClientOptions['storage'], key: string | undefined): ClientStorage {
  if (choice && typeof choice === 'object') return choice;
  const name = key ?? 'default';
  if (typeof choice === 'function') return choice(name);
  return hasIndexedDb() ? createIdbStorage(`natter:${name}`) : createMemoryStorage();
}

/**
 * A storage usable at once whose calls wait until the real one is chosen (which may need the
 * token first). Lets the client wire its parts synchronously in `createChatClient`.
 */
export function createDeferredStorage(ready: Promise<ClientStorage>): ClientStorage {
  return {
    loadOutbox: async () => (await ready).loadOutbox(),
    putOutbox: async (entry) => (await ready).putOutbox(entry),
    deleteOutbox: async (id) => (await ready).deleteOutbox(id),
    loadState: async () => (await ready).loadState(),
    saveState: async (state) => (await ready).saveState(state),
    close: async () => (await ready).close(),
  };
}
