import { atom, type ReadableAtom } from 'nanostores';
import type { ConversationId } from '../protocol/ids.js';
import type { ClientStorage, Draft } from './types.js';

/**
 * Half-written messages, one per conversation, kept on the device (`ClientStorage.saveDrafts`, in
 * IndexedDB by default) so a reload brings them back. `$drafts` changes at once; the storage
 * follows after a short pause (one write per burst of typing). The client imports this module at
 * start, after the first paint (`import()`), and offers it as `client.drafts`.
 */
export interface ClientDrafts {
  /** Drafts by conversation id, the stored ones once read. */
  readonly $drafts: ReadableAtom<Readonly<Record<string, Draft>>>;
  /** Sets (or, with blank text, clears) the draft of a conversation. */
  set(conversationId: ConversationId, text: string, mentions?: Draft['mentions']): void;
  /** Writes what is pending now. */
  flush(): Promise<void>;
}

/** The drafts of a storage, once the stored ones are read. */
export async function openDrafts(storage: ClientStorage, delayMs?: number): Promise<ClientDrafts> {
  const drafts = createDrafts(storage, delayMs);
  await drafts.restored;
  return drafts;
}

/** The drafts of a storage at once; `restored` settles once the stored ones are read (changes made before then win over them). */
export function createDrafts(storage: ClientStorage, delayMs = 250): ClientDrafts & { restored: Promise<void> } {
  const $drafts = atom<Readonly<Record<string, Draft>>>({});
  /** Conversations whose draft changed here (before the stored ones were read, these win). */
  const touched = new Set<ConversationId>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<unknown> = Promise.resolve();

  const write = (): Promise<unknown> => {
    timer = undefined;
    // After the stored drafts are read (and merged): a write must not lose them.
    writing = writing
      .then(() => restored)
      .then(() => storage.saveDrafts?.(Object.values($drafts.get())))
      .catch((error: unknown) => console.warn('[natter] could not save a draft:', error));
    return writing;
  };

  const restored = (async () => {
    let stored: Draft[] = [];
    try {
      stored = (await storage.loadDrafts?.()) ?? [];
    } catch (error) {
      console.warn('[natter] could not read the drafts:', error);
    }
    const now = $drafts.get();
    const read = Object.fromEntries(stored.filter((d) => !touched.has(d.conversationId)).map((d) => [d.conversationId, d]));
    $drafts.set({ ...read, ...now });
  })();

  return {
    $drafts,
    restored,
    set(conversationId, text, mentions) {
      const { [conversationId]: previous, ...others } = $drafts.get();
      if (!text.trim()) {
        if (!previous) return;
        $drafts.set(others);
      } else {
        if (previous?.text === text) return;
        const draft: Draft = { conversationId, text, updatedAt: Date.now() };
        if (mentions && mentions.length > 0) draft.mentions = mentions.map(({ id, label }) => ({ id, label }));
        $drafts.set({ ...others, [conversationId]: draft });
      }
      touched.add(conversationId);
      timer ??= setTimeout(write, delayMs);
    },
    async flush() {
      if (timer === undefined) return void (await writing);
      clearTimeout(timer);
      await write();
    },
  };
}
