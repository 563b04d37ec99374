import { createIdbStorage, hasIndexedDb } from './storage-idb.js';
import { createMemoryStorage } from './storage-memory.js';
import { tokenSubject } from './identity.js';
import type { ChatClientOptions, ClientStorage, PersistedState } from './types.js';

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

/** What a client starts from, read from the device before it connects. */
export interface DeviceCache {
  /** The token fetched to name the storage (the first connect uses it rather than asking again). */
  token?: string;
  /** Who the user is believed to be before the session says: the token's subject, else the cache's. */
  userId?: string;
  /** The cached conversations and messages, when they are this user's. */
  state?: PersistedState;
  /** The device id the storage remembers (kept even when the cache is someone else's). */
  deviceId?: string;
}

/**
 * The device storage of a client, usable at once (calls wait until it is chosen), and what it
 * holds: it is named by `storageKey`, else by the token's subject (fetching a token first when
 * only `getToken` can tell), and the cache is read from it.
 */
export function openDeviceStorage(options: Pick<ChatClientOptions, 'token' | 'getToken' | 'storage' | 'storageKey'>): {
  storage: ClientStorage;
  /** The storage itself, once chosen (for its optional parts, such as drafts). */
  chosen: Promise<ClientStorage>;
  cache: Promise<DeviceCache>;
} {
  let choose!: (storage: ClientStorage) => void;
  const chosen = new Promise<ClientStorage>((resolve) => (choose = resolve));
  return { storage: createDeferredStorage(chosen), chosen, cache: readDeviceCache(options, choose) };
}

async function readDeviceCache(
  options: Pick<ChatClientOptions, 'token' | 'getToken' | 'storage' | 'storageKey'>,
  chosen: (storage: ClientStorage) => void,
): Promise<DeviceCache> {
  const cache: DeviceCache = {};
  let key = options.storageKey ?? tokenSubject(options.token);
  const needsKey = !(options.storage && typeof options.storage === 'object');
  if (key === undefined && options.getToken && needsKey) {
    try {
      cache.token = await options.getToken();
      key = tokenSubject(cache.token);
    } catch {
      // The connection will ask again, with backoff.
    }
  }
  const userId = tokenSubject(options.token ?? cache.token);
  const storage = resolveStorage(options.storage, key);
  chosen(storage);
  let state: PersistedState | undefined;
  try {
    state = await storage.loadState();
  } catch (error) {
    console.warn('[natter] could not read the message cache:', error);
  }
  if (state?.deviceId) cache.deviceId = state.deviceId;
  if (state && (userId === undefined || !state.userId || state.userId === userId)) cache.state = state;
  const known = userId ?? (cache.state?.userId || undefined);
  if (known !== undefined) cache.userId = known;
  return cache;
}
