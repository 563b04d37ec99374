import type { ClientStorage, Draft, OutboxEntry, PersistedState } from './types.js';

type StoreName = 'outbox' | 'state';

const STATE_KEY = 'state';

/**
 * Keeps the outbox and the cache in IndexedDB. One database per user (the name should include
 * the user id); several tabs of one user share it. The database opens lazily on first use.
 *
 * Plain IndexedDB, without a wrapper library (`idb` weighed more in the script tag than all of
 * this). Each call is one transaction and settles when the transaction does, so a write has
 * committed when its promise resolves.
 */
export function createIdbStorage(dbName: string): ClientStorage {
  let db: Promise<IDBDatabase> | undefined;
  const open = (): Promise<IDBDatabase> => {
    if (db) return db;
    const opening = new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(dbName, 1);
      request.onupgradeneeded = () => {
        const database = request.result;
        const outbox = database.createObjectStore('outbox', { keyPath: 'clientMsgId' });
        outbox.createIndex('createdAt', 'createdAt');
        database.createObjectStore('state');
      };
      request.onsuccess = () => {
        const database = request.result;
        // Another tab upgrades the schema: let it, and reopen on next use.
        database.onversionchange = () => {
          database.close();
          if (db === opening) db = undefined;
        };
        resolve(database);
      };
      request.onerror = () => reject(request.error);
    });
    return (db = opening);
  };
  async function run<T>(store: StoreName, mode: IDBTransactionMode, call: (store: IDBObjectStore) => IDBRequest): Promise<T> {
    const tx = (await open()).transaction(store, mode);
    const request = call(tx.objectStore(store));
    return new Promise<T>((resolve, reject) => {
      tx.oncomplete = () => resolve(request.result as T);
      tx.onerror = tx.onabort = () => reject(tx.error ?? new DOMException('The transaction was aborted.', 'AbortError'));
    });
  }
  const write = async (store: StoreName, call: (store: IDBObjectStore) => IDBRequest) => void (await run(store, 'readwrite', call));
  const get = <T>(key: string) => run<T | undefined>('state', 'readonly', (s) => s.get(key));
  const put = (key: string, value: unknown) => write('state', (s) => s.put(value, key));
  return {
    loadOutbox: () => run<OutboxEntry[]>('outbox', 'readonly', (s) => s.index('createdAt').getAll()),
    putOutbox: (entry) => write('outbox', (s) => s.put(entry)),
    deleteOutbox: (clientMsgId) => write('outbox', (s) => s.delete(clientMsgId)),
    loadState: () => get<PersistedState>(STATE_KEY),
    saveState: (state) => put(STATE_KEY, state),
    // Beside the cache, one record: a few short texts, written whole.
    loadDrafts: async () => (await get<Draft[]>('drafts')) ?? [],
    saveDrafts: (drafts) => put('drafts', drafts),
    async close() {
      const current = db;
      db = undefined;
      if (current) (await current).close();
    },
  };
}

/** IndexedDB when the platform has it, else memory. */
export function hasIndexedDb(): boolean {
  return typeof indexedDB !== 'undefined';
}
