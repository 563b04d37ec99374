import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ClientStorage, OutboxEntry, PersistedState } from './types.js';

interface NatterDB extends DBSchema {
  outbox: { key: string; value: OutboxEntry; indexes: { createdAt: number } };
  state: { key: string; value: PersistedState };
}

const STATE_KEY = 'state';

/**
 * Keeps the outbox and the cache in IndexedDB. One database per user (the name should include
 * the user id); several tabs of one user share it. The database opens lazily on first use.
 */
export function createIdbStorage(dbName: string): ClientStorage {
  let db: Promise<IDBPDatabase<NatterDB>> | undefined;
  const open = () =>
    (db ??= openDB<NatterDB>(dbName, 1, {
      upgrade(database) {
        const outbox = database.createObjectStore('outbox', { keyPath: 'clientMsgId' });
        outbox.createIndex('createdAt', 'createdAt');
        database.createObjectStore('state');
      },
      // Another tab upgrades the schema: let it, and reopen on next use.
      blocking() {
        void db?.then((d) => d.close());
        db = undefined;
      },
    }));
  return {
    async loadOutbox() {
      return (await open()).getAllFromIndex('outbox', 'createdAt');
    },
    async putOutbox(entry) {
      await (await open()).put('outbox', entry);
    },
    async deleteOutbox(clientMsgId) {
      await (await open()).delete('outbox', clientMsgId);
    },
    async loadState() {
      return (await open()).get('state', STATE_KEY);
    },
    async saveState(state) {
      await (await open()).put('state', state, STATE_KEY);
    },
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
