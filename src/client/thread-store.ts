import { atom, type ReadableAtom, type WritableAtom } from 'nanostores';
import type { ConversationId } from '../protocol/ids.js';
import type { Message } from '../protocol/message.js';
import { createWindow, cursorOf, restoreWindow, trimWindow, type ThreadWindow } from './thread-window.js';
import type { ChatMessage, PersistedState } from './types.js';

export interface ThreadStoreOptions {
  /** Committed message -> what the thread shows. */
  toChat(message: Message): ChatMessage;
  /** Local (outbox) messages of a conversation, oldest first. */
  local(conversationId: ConversationId): ChatMessage[];
  /** Messages of a restored thread shown at once; older cached ones come with `revealOlder`. */
  initialShown: number;
  /** Whether a conversation without a window has messages on the server (from its summary). */
  hasAny(conversationId: ConversationId): boolean;
  /** What of the committed messages the thread shows (changes folded in, change events left out). */
  shown?(conversationId: ConversationId, committed: ChatMessage[]): ChatMessage[];
}

/**
 * The windows of all conversations and the per-conversation stores derived from them. Stores are
 * memoized per conversation id (the same store for the same id, created on first use) and
 * recomputed once per handled frame for the conversations that changed (`touch` + `publish`).
 */
export interface ThreadStore {
  get(id: ConversationId): ThreadWindow | undefined;
  /** The window of `id`, created empty right after `afterSeq` when missing. */
  ensure(id: ConversationId, afterSeq: number): ThreadWindow;
  replace(id: ConversationId, w: ThreadWindow): void;
  delete(id: ConversationId): void;
  ids(): ConversationId[];
  cursors(): Record<string, number>;
  messages(id: ConversationId): ReadableAtom<ChatMessage[]>;
  hasOlder(id: ConversationId): ReadableAtom<boolean>;
  /** Shows up to `count` more cached messages; returns how many it revealed. */
  revealOlder(id: ConversationId, count: number): number;
  /** Shows everything the window holds (after a server page). */
  revealAll(id: ConversationId): void;
  touch(id: ConversationId): void;
  /** A held message was replaced (a change folded into it): convert the thread again. */
  changed(id: ConversationId): void;
  touchAll(): void;
  publish(): void;
  restore(threads: PersistedState['threads']): void;
  /** The latest `limit` messages of every window, for the device cache. */
  snapshot(limit: number): PersistedState['threads'];
}

export function createThreadStore(options: ThreadStoreOptions): ThreadStore {
  const windows = new Map<ConversationId, ThreadWindow>();
  /** Lowest seq shown: cached messages below it wait for `loadOlder`. */
  const shownFrom = new Map<ConversationId, number>();
  const messageAtoms = new Map<ConversationId, WritableAtom<ChatMessage[]>>();
  const olderAtoms = new Map<ConversationId, WritableAtom<boolean>>();
  const dirty = new Set<ConversationId>();

  const hiddenCount = (id: ConversationId) => {
    const w = windows.get(id);
    const from = shownFrom.get(id);
    if (!w || from === undefined) return 0;
    let n = 0;
    for (const m of w.messages) if (m.seq < from) n++;
    else break;
    return n;
  };

  /**
   * Per conversation, the shown committed messages as last converted. A window only grows at its
   * ends (or is replaced), so while its first and last converted messages still sit that far
   * apart, the run between is reused: paging in 10,000 messages converts each once, instead of
   * the whole thread again on every page.
   */
  const lastShown = new Map<ConversationId, { first: Message; last: Message; chats: ChatMessage[] }>();

  const shownChats = (id: ConversationId, msgs: Message[], from: number): ChatMessage[] => {
    const start = firstAtOrAbove(msgs, from);
    const prev = lastShown.get(id);
    const j = prev ? firstAtOrAbove(msgs, prev.first.seq) : -1;
    const k = j + (prev?.chats.length ?? 0);
    const chats =
      prev && j >= start && k <= msgs.length && msgs[j] === prev.first && msgs[k - 1] === prev.last
        ? msgs.slice(start, j).map(options.toChat).concat(prev.chats, msgs.slice(k).map(options.toChat))
        : msgs.slice(start).map(options.toChat);
    if (chats.length > 0) lastShown.set(id, { first: msgs[start], last: msgs[msgs.length - 1], chats });
    else lastShown.delete(id);
    return chats;
  };

  const computeMessages = (id: ConversationId): ChatMessage[] => {
    const w = windows.get(id);
    if (!w) return options.local(id);
    const all = shownChats(id, w.messages, shownFrom.get(id) ?? 0);
    const committed = options.shown ? options.shown(id, all) : all;
    // Buffered messages are committed too, only their predecessors are still unknown: showing
    // them avoids an own acked message vanishing until the gap is filled.
    return committed.concat(w.buffer.map(options.toChat), options.local(id));
  };

  const computeOlder = (id: ConversationId) => hiddenCount(id) > 0 || (windows.get(id)?.hasOlder ?? options.hasAny(id));

  const store: ThreadStore = {
    get: (id) => windows.get(id),
    ensure(id, afterSeq) {
      let w = windows.get(id);
      if (!w) {
        w = createWindow(afterSeq);
        windows.set(id, w);
        dirty.add(id);
      }
      return w;
    },
    replace(id, w) {
      windows.set(id, w);
      lastShown.delete(id);
      shownFrom.delete(id);
      dirty.add(id);
    },
    delete(id) {
      windows.delete(id);
      lastShown.delete(id);
      shownFrom.delete(id);
      dirty.add(id);
    },
    ids: () => [...windows.keys()],
    cursors() {
      const out: Record<string, number> = {};
      for (const [id, w] of windows) if (cursorOf(w) > 0) out[id] = cursorOf(w);
      return out;
    },
    messages: (id) => memoized(messageAtoms, id, computeMessages),
    hasOlder: (id) => memoized(olderAtoms, id, computeOlder),
    revealOlder(id, count) {
      const w = windows.get(id);
      const from = shownFrom.get(id);
      if (!w || from === undefined) return 0;
      const hidden = w.messages.filter((m) => m.seq < from);
      if (hidden.length === 0) return 0;
      const revealed = hidden.slice(Math.max(0, hidden.length - count));
      if (revealed.length === hidden.length) shownFrom.delete(id);
      else shownFrom.set(id, revealed[0].seq);
      dirty.add(id);
      return revealed.length;
    },
    revealAll(id) {
      shownFrom.delete(id);
      dirty.add(id);
    },
    touch: (id) => void dirty.add(id),
    changed(id) {
      lastShown.delete(id);
      dirty.add(id);
    },
    touchAll() {
      // What a message converts to may have changed (who "self" is): convert all again.
      lastShown.clear();
      for (const id of messageAtoms.keys()) dirty.add(id);
      for (const id of windows.keys()) dirty.add(id);
    },
    publish() {
      for (const id of dirty) {
        messageAtoms.get(id)?.set(computeMessages(id));
        olderAtoms.get(id)?.set(computeOlder(id));
      }
      dirty.clear();
    },
    restore(threads) {
      for (const [key, t] of Object.entries(threads)) {
        const id = key as ConversationId;
        const w = restoreWindow(t.fromSeq, t.toSeq, t.messages);
        windows.set(id, w);
        lastShown.delete(id);
        if (w.messages.length > options.initialShown) {
          shownFrom.set(id, w.messages[w.messages.length - options.initialShown].seq);
        }
        dirty.add(id);
      }
    },
    snapshot(limit) {
      const out: PersistedState['threads'] = {};
      for (const [id, w] of windows) out[id] = trimWindow(w, limit);
      return out;
    },
  };
  return store;
}

/** The store of `id` in `stores`, created from `compute` on first use. */
function memoized<T>(stores: Map<ConversationId, WritableAtom<T>>, id: ConversationId, compute: (id: ConversationId) => T): WritableAtom<T> {
  let store = stores.get(id);
  if (!store) stores.set(id, (store = atom(compute(id))));
  return store;
}

/** Index of the first message with seq >= `seq` (messages ascend by seq). */
function firstAtOrAbove(msgs: readonly Message[], seq: number): number {
  let lo = 0;
  let hi = msgs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (msgs[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
