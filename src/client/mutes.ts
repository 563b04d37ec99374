import { atom, type ReadableAtom } from 'nanostores';
import type { ConversationId } from '../protocol/ids.js';
import type { ServerFrameOf } from '../protocol/frames.js';
import type { Requests } from './requests.js';

/** This user's mutes (SPEC §10), as the server last said: until when, ms since the epoch, 0 = until unmuted. */
export interface MuteState {
  conversations: Readonly<Partial<Record<ConversationId, number>>>;
  /** Do-not-disturb: every conversation. */
  dnd?: number;
}

export interface Mutes {
  readonly $mutes: ReadableAtom<MuteState>;
  /** `mutes.updated`: the whole list. */
  apply(frame: ServerFrameOf<'mutes.updated'>): void;
  /** A new session: the server sends the list again when there is one. */
  reset(): void;
  isMuted(conversationId: ConversationId, now?: number): boolean;
  mute(conversationId: ConversationId, until?: number): Promise<void>;
  unmute(conversationId: ConversationId): Promise<void>;
  setDoNotDisturb(until: number | null): Promise<void>;
}

const holds = (until: number | undefined, now: number) => until !== undefined && (until === 0 || until > now);

export function createMutes(requests: Requests): Mutes {
  const $mutes = atom<MuteState>({ conversations: {} });
  let expiry: ReturnType<typeof setTimeout> | undefined;
  // Every device, this one too, then gets `mutes.updated` with the list the server keeps.
  const set = async (conversationId: ConversationId | undefined, until: number | null) => {
    await requests.request({ type: 'mute.set', ...(conversationId && { conversationId }), until });
  };
  return {
    $mutes,
    apply(frame) {
      const conversations: Partial<Record<ConversationId, number>> = {};
      for (const m of frame.mutes) conversations[m.conversationId] = m.until;
      $mutes.set({ conversations, ...(frame.dnd !== undefined && { dnd: frame.dnd }) });
      // When the next mute ends, the store changes again, so what shows it (the launcher's badge) redraws.
      clearTimeout(expiry);
      const ends = [frame.dnd ?? 0, ...frame.mutes.map((m) => m.until)].filter((u) => u > Date.now());
      if (ends.length === 0) return;
      expiry = setTimeout(() => $mutes.set({ ...$mutes.get() }), Math.min(Math.min(...ends) - Date.now() + 1, 2 ** 31 - 1));
      // In Node a week's mute must not keep the process alive.
      (expiry as { unref?(): void }).unref?.();
    },
    reset: () => $mutes.set({ conversations: {} }),
    isMuted(conversationId, now = Date.now()) {
      const state = $mutes.get();
      return holds(state.dnd, now) || holds(state.conversations[conversationId], now);
    },
    mute: (conversationId, until = 0) => set(conversationId, until),
    unmute: (conversationId) => set(conversationId, null),
    setDoNotDisturb: (until) => set(undefined, until),
  };
}
