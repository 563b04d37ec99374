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
