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

/** What a jump needs from its thread. */
export interface JumpDeps {
  messages(): readonly ChatMessage[];
  hasOlder(): boolean;
  loadOlder(): Promise<void>;
  /** Resolves once the thread rendered what it holds. */
  rendered(): Promise<unknown>;
  /** Scrolls the message into view after the next render; false when it is not held. */
  scrollTo(found: ChatMessage): boolean;
}

/** Loads older pages until `pick` is sure of its message, then scrolls it into view. Resolves with whether it did. */
export async function jumpTo(pick: (messages: readonly ChatMessage[]) => JumpTarget, deps: JumpDeps): Promise<boolean> {
  let { found, complete } = pick(deps.messages());
  while (!complete && deps.hasOlder()) {
    const held = deps.messages().length;
    await deps.loadOlder();
    await deps.rendered();
    // Nothing arrived (offline, an error): settle for what is held.
    if (deps.messages().length === held) break;
    ({ found, complete } = pick(deps.messages()));
  }
  if (!found) return false;
  await deps.rendered();
  if (!deps.scrollTo(found)) return false;
  await deps.rendered();
  return true;
}
