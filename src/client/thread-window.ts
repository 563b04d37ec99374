import type { Message } from '../protocol/message.js';

/**
 * The ordering core: what one device holds of one conversation.
 *
 * The client holds a contiguous window of seqs [fromSeq, toSeq]: every seq in it is either in
 * `messages` or known to be invisible to this user (targeted at someone else, deleted). The
 * window is empty when `toSeq < fromSeq`. Messages that arrive beyond `toSeq + 1` wait in
 * `buffer` until the seqs between are known (a live frame cannot tell "invisible" from "lost";
 * only a range answered by the server can, so the caller fetches the gap).
 *
 * These functions have no I/O and no clock. They update the window in place and return what
 * became committed above the previous `toSeq`, in seq order: the caller turns that into
 * events and unread counts, so each message is reported at most once per device.
 */
export interface ThreadWindow {
  fromSeq: number;
  toSeq: number;
  /** Ascending seq, all within [fromSeq, toSeq]. */
  messages: Message[];
  /** Ascending seq, all above toSeq + 1; unique by seq. */
  buffer: Message[];
  /** The server may hold visible messages before fromSeq. */
  hasOlder: boolean;
}

/** What an operation did: messages newly committed above the old `toSeq`, ascending. */
export interface WindowChange {
  committed: Message[];
  /** The arriving message was already held (or covered): nothing changed. */
  duplicate: boolean;
  /** The arriving message is waiting for a gap below it. */
  buffered: boolean;
}

const NONE: WindowChange = Object.freeze({ committed: [], duplicate: false, buffered: false }) as WindowChange;

/** An empty window positioned right after `afterSeq` (everything up to it is treated as older history). */
export function createWindow(afterSeq = 0): ThreadWindow {
  return { fromSeq: afterSeq + 1, toSeq: afterSeq, messages: [], buffer: [], hasOlder: afterSeq > 0 };
}

/** Rebuilds a window from a persisted snapshot. */
export function restoreWindow(fromSeq: number, toSeq: number, messages: readonly Message[]): ThreadWindow {
  const held = messages.filter((m) => m.seq >= fromSeq && m.seq <= toSeq).sort(bySeq);
  return { fromSeq, toSeq, messages: held, buffer: [], hasOlder: fromSeq > 1 };
}

/** The cursor sent in `session.open`: the highest contiguous seq held. */
export function cursorOf(w: ThreadWindow): number {
  return w.toSeq;
}

/** Whether buffered messages wait for a gap that must be fetched (`history.fetch {after: toSeq}`). */
export function hasGap(w: ThreadWindow): boolean {
  return w.buffer.length > 0;
}

/** Applies one live message (`message.new`, or an own `message.ack`). */
export function addMessage(w: ThreadWindow, message: Message): WindowChange {
  if (message.seq <= w.toSeq) return { committed: [], duplicate: true, buffered: false };
  if (message.seq === w.toSeq + 1) {
    w.messages.push(message);
    w.toSeq = message.seq;
    return { committed: [message, ...drain(w)], duplicate: false, buffered: false };
  }
  const at = w.buffer.findIndex((m) => m.seq >= message.seq);
  if (at !== -1 && w.buffer[at].seq === message.seq) return { committed: [], duplicate: true, buffered: true };
  if (at === -1) w.buffer.push(message);
  else w.buffer.splice(at, 0, message);
  return { committed: [], duplicate: false, buffered: true };
}

/**
 * Applies a range the server answered (`sync.messages`, `history.page`): it covers [fromSeq, toSeq]
 * completely, so seqs of the range missing from `messages` are skipped, never waited on.
 * A range adjacent to or overlapping the window joins it (on either side); one above with a gap
 * only fills the buffer; one below with a gap is ignored (it cannot be placed).
 */
export function addRange(
  w: ThreadWindow,
  fromSeq: number,
  toSeq: number,
  messages: readonly Message[],
  hasMore?: boolean,
): WindowChange {
  if (toSeq < fromSeq) return NONE;
  const inRange = messages.filter((m) => m.seq >= fromSeq && m.seq <= toSeq).sort(bySeq);
  if (fromSeq > w.toSeq + 1) {
    for (const m of inRange) addMessage(w, m);
    return { committed: [], duplicate: false, buffered: inRange.length > 0 };
  }
  if (toSeq < w.fromSeq - 1) return NONE;
  const older = inRange.filter((m) => m.seq < w.fromSeq);
  const newer = inRange.filter((m) => m.seq > w.toSeq);
  if (fromSeq < w.fromSeq) {
    w.messages.unshift(...older);
    w.fromSeq = fromSeq;
    w.hasOlder = hasMore ?? fromSeq > 1;
  }
  if (toSeq <= w.toSeq) return { committed: [], duplicate: older.length === 0, buffered: false };
  w.messages.push(...newer);
  w.toSeq = toSeq;
  return { committed: [...newer, ...drain(w)], duplicate: false, buffered: false };
}

/**
 * `sync.gap`: the server will not replay the gap. The caller fetched the latest page; the window
 * restarts there. Messages between the old window and the page are NOT skipped silently: they
 * stay on the server and `hasOlder` stays true, so paging back (`loadOlder`) reaches them. They
 * are not reported as new (`committed`), only the page's messages above the old `toSeq` are.
 */
export function resetWindow(
  w: ThreadWindow,
  fromSeq: number,
  toSeq: number,
  messages: readonly Message[],
  hasMore: boolean,
): WindowChange {
  if (fromSeq <= w.toSeq + 1 && toSeq >= w.fromSeq - 1) return addRange(w, fromSeq, toSeq, messages, undefined);
  const oldTo = w.toSeq;
  const inRange = messages.filter((m) => m.seq >= fromSeq && m.seq <= toSeq).sort(bySeq);
  w.fromSeq = fromSeq;
  w.toSeq = toSeq;
  w.messages = inRange;
  w.hasOlder = hasMore;
  const committed = inRange.filter((m) => m.seq > oldTo);
  return { committed: [...committed, ...drain(w)], duplicate: false, buffered: false };
}

/** A snapshot fit for persisting: at most `cap` latest messages and the window they prove. */
export function trimWindow(w: ThreadWindow, cap: number): { fromSeq: number; toSeq: number; messages: Message[] } {
  if (w.messages.length <= cap) return { fromSeq: w.fromSeq, toSeq: w.toSeq, messages: w.messages.slice() };
  const kept = w.messages.slice(w.messages.length - cap);
  return { fromSeq: kept[0].seq, toSeq: w.toSeq, messages: kept };
}

/** Moves buffered messages that became contiguous into the window; drops the ones it now covers. */
function drain(w: ThreadWindow): Message[] {
  const moved: Message[] = [];
  while (w.buffer.length > 0 && w.buffer[0].seq <= w.toSeq + 1) {
    const next = w.buffer.shift()!;
    if (next.seq <= w.toSeq) continue;
    w.messages.push(next);
    w.toSeq = next.seq;
    moved.push(next);
  }
  return moved;
}

function bySeq(a: Message, b: Message): number {
  return a.seq - b.seq;
}

/** How many messages of others above `seq` the window holds that count as unread. */
export function unreadAbove(w: ThreadWindow | undefined, seq: number, me: string | undefined): number {
  let n = 0;
  for (const m of w?.messages ?? []) {
    if (m.seq > seq && m.sender !== me && !m.isExcludedFromUnreadCount) n++;
  }
  return n;
}
