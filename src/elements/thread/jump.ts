import { messageKey, type ChatMessage } from '../../client/types.js';
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

/** What a jump to a message by id needs besides a jump's. */
export interface JumpToIdDeps extends JumpDeps {
  /** Loads the page around a message not held (`client.loadAround`); resolves with whether it is held now. */
  loadAround(messageId: string): Promise<boolean>;
  /** Highlights the row of `key` for a moment. */
  highlight(key: string): void;
  /** The message element of the row of `key`, rendered. */
  row(key: string): HTMLElement | null;
  /** Whether focus is inside the thread. */
  focusWithin(): boolean;
}

/**
 * Jumps to a message by id (server id, or client id of one not yet acked): loads the page around
 * it when it is not held, scrolls it into view, highlights it; when focus is in the thread, the
 * message takes it. Resolves with whether it got there.
 */
export async function jumpToId(messageId: string, deps: JumpToIdDeps): Promise<boolean> {
  if (!findById(deps.messages(), messageId)) {
    if (!(await deps.loadAround(messageId).catch(() => false))) return false;
    await deps.rendered();
  }
  const found = findById(deps.messages(), messageId);
  if (!found || !deps.scrollTo(found)) return false;
  const key = messageKey(found);
  deps.highlight(key);
  await deps.rendered();
  // Asked from inside the thread (a reply quote, a key): focus follows, so a screen reader reads
  // the message and the keyboard goes on from there. From outside, focus stays where it is.
  const row = deps.row(key);
  if (row && deps.focusWithin()) {
    row.tabIndex = -1;
    row.focus({ preventScroll: true });
  }
  return true;
}
