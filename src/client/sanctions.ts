import { atom, type ReadableAtom } from 'nanostores';
import type { ServerFrameOf } from '../protocol/frames.js';
import type { ConversationId } from '../protocol/ids.js';

/** A running mute of this user (SPEC §11): where they may not send, until when, and why. */
export interface SendBlock {
  /** The group muted in; absent: everywhere. */
  conversationId?: ConversationId;
  /** Ms since the epoch; absent: until lifted. */
  until?: number;
  /** Whoever muted said why, in their words. */
  reason?: string;
}

/** The mute keeping this user from sending in `conversationId` now, if any (one everywhere first). */
export function sendBlockIn(blocks: readonly SendBlock[], conversationId: string, now = Date.now()): SendBlock | undefined {
  const live = blocks.filter((b) => b.until === undefined || b.until > now);
  return live.find((b) => b.conversationId === undefined) ?? live.find((b) => b.conversationId === conversationId);
}

/**
 * This user's mutes as the server says (`sanctions.updated`, at session start and on each
 * change), and as a MUTED refusal shows them, should it come first.
 */
export function createSanctions() {
  const $sanctions = atom<readonly SendBlock[]>([]);
  return {
    $sanctions: $sanctions as ReadableAtom<readonly SendBlock[]>,
    apply: (frame: ServerFrameOf<'sanctions.updated'>) => $sanctions.set(frame.mutes as SendBlock[]),
    refused(frame: ServerFrameOf<'message.error'>): void {
      if (frame.name !== 'MUTED' || sendBlockIn($sanctions.get(), frame.conversationId)) return;
      // A 1:1 chat cannot be muted alone: a refusal there means everywhere.
      const block: SendBlock = frame.conversationId.startsWith('group:') ? { conversationId: frame.conversationId } : {};
      if (frame.retryAfterMs !== undefined) block.until = Date.now() + frame.retryAfterMs;
      if (frame.reason) block.reason = frame.reason;
      $sanctions.set([...$sanctions.get(), block]);
    },
    reset: () => $sanctions.set([]),
  };
}
