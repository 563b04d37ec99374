import type { ChatMessage } from '../../client/types.js';
import { AT_ALL } from '../../protocol/ids.js';

/**
 * Where a jump lands among the held messages, and whether that is final: `complete` is false
 * while older pages could still hold an earlier match.
 */
export interface JumpTarget {
  found: ChatMessage | undefined;
  complete: boolean;
}

/** Whether `m` @mentions `me` (by id, or @all), and is not `me`'s own. */
export function mentions(m: ChatMessage, me: string | undefined): boolean {
  if (m.isSelf || !me || !m.groupAtUserList) return false;
  return m.groupAtUserList.includes(me) || m.groupAtUserList.includes(AT_ALL);
}

/**
 * The first held message after `readSeq` from someone else that `match` accepts. `complete`
 * says whether the held messages reach back to `readSeq`, so nothing older could match.
 */
export function firstAfter(messages: readonly ChatMessage[], readSeq: number, match: (m: ChatMessage) => boolean = () => true): JumpTarget {
  const found = messages.find((m) => m.seq > readSeq && !m.isSelf && match(m));
  const complete = messages.length === 0 || (messages[0]!.seq > 0 && messages[0]!.seq <= readSeq + 1);
  return { found, complete };
}

/** The held message with server id `id` (or client id, for one not yet acked). */
export function findById(messages: readonly ChatMessage[], id: string): ChatMessage | undefined {
  return messages.find((m) => m.id === id) ?? messages.find((m) => m.clientMsgId === id);
}
