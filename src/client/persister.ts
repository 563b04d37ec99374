import type { ClientStorage, PersistedState } from './types.js';

export interface Persister {
  /** Saves a snapshot soon (debounced: many changes, one write). */
  schedule(): void;
  /** Saves now if anything is scheduled. */
  flush(): Promise<void>;
  cancel(): void;
}

/** Debounced snapshots of the conversations and recent messages, so a reload shows them at once. */
export function createPersister(storage: ClientStorage, snapshot: () => PersistedState, delayMs: number): Persister {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();
  const save = () => {
    timer = undefined;
    const state = snapshot();
    writing = writing.then(() => storage.saveState(state)).catch((error: unknown) => {
      console.warn('[natter] could not save the message cache:', error);
    });
    return writing;
  };
  return {
    schedule() {
      timer ??= setTimeout(save, delayMs);
    },
    async flush() {
      if (timer === undefined) return writing;
      clearTimeout(timer);
      return save();
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
