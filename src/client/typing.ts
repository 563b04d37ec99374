import { atom, type ReadableAtom, type WritableAtom } from 'nanostores';
import type { CustomElem } from '../protocol/elems.js';
import type { MessageSendFrame } from '../protocol/frames.js';
import type { ConversationId } from '../protocol/ids.js';
import type { Message } from '../protocol/message.js';
import { createClientMsgId } from './identity.js';

/** `customType` of the online-only custom elem that says "I am typing". */
export const TYPING_CUSTOM_TYPE = 'natter.typing';
/** At most one typing signal per conversation this often (ms). */
export const TYPING_THROTTLE_MS = 3000;
/** A typing entry disappears this long after its last signal (ms). */
export const TYPING_EXPIRY_MS = 6000;

/** The elem a typing signal carries. */
export function typingElem(): CustomElem {
  return { type: 'custom', customType: TYPING_CUSTOM_TYPE, data: '' };
}

/** One typing signal: online-only, and left out of unread counts and last messages. */
export function typingFrame(conversationId: ConversationId): MessageSendFrame {
  return {
    type: 'message.send', clientMsgId: createClientMsgId(), conversationId, elem: typingElem(),
    onlineUserOnly: true, isExcludedFromUnreadCount: true, isExcludedFromLastMessage: true,
  };
}

/** Whether a delivered message is a typing signal (online-only, never in a thread). */
export function isTypingSignal(message: Message): boolean {
  return message.seq === 0 && message.elem.type === 'custom' && message.elem.customType === TYPING_CUSTOM_TYPE;
}

export interface TypingTracker {
  /** Users typing in the conversation now, in the order they started. */
  typing(conversationId: ConversationId): ReadableAtom<string[]>;
  /** A typing signal from `userId` arrived: show it (again) for TYPING_EXPIRY_MS. */
  signal(conversationId: ConversationId, userId: string): void;
  /** A real message or an edit from `userId` arrived: they stopped typing. */
  clear(conversationId: ConversationId, userId: string): void;
  /** Whether this device may send a signal to the conversation now; if so, the throttle restarts. */
  maySend(conversationId: ConversationId, now?: number): boolean;
  /** Stops every timer. */
  close(): void;
}

/** Who is typing where: one store per conversation, entries that expire by themselves. */
export function createTypingTracker(expiryMs = TYPING_EXPIRY_MS, throttleMs = TYPING_THROTTLE_MS): TypingTracker {
  const stores = new Map<ConversationId, WritableAtom<string[]>>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const lastSent = new Map<ConversationId, number>();
  const store = (id: ConversationId) => {
    let s = stores.get(id);
    if (!s) stores.set(id, (s = atom<string[]>([])));
    return s;
  };
  const timerKey = (id: ConversationId, userId: string) => `${id}\n${userId}`;

  const tracker: TypingTracker = {
    typing: (id) => store(id),
    signal(id, userId) {
      const key = timerKey(id, userId);
      clearTimeout(timers.get(key));
      timers.set(key, setTimeout(() => tracker.clear(id, userId), expiryMs));
      const s = store(id);
      if (!s.get().includes(userId)) s.set([...s.get(), userId]);
    },
    clear(id, userId) {
      const key = timerKey(id, userId);
      const timer = timers.get(key);
      if (timer === undefined) return;
      clearTimeout(timer);
      timers.delete(key);
      const s = store(id);
      s.set(s.get().filter((u) => u !== userId));
    },
    maySend(id, now = Date.now()) {
      const last = lastSent.get(id);
      if (last !== undefined && now - last < throttleMs) return false;
      lastSent.set(id, now);
      return true;
    },
    close() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      for (const s of stores.values()) if (s.get().length > 0) s.set([]);
    },
  };
  return tracker;
}
