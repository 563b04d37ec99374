import { LIMITS, utf8Length, type Message } from '../../protocol/index.js';

/**
 * Serialized bytes a list frame may fill with its items. The client drops any frame over
 * LIMITS.frameBytes, so list frames (replay batches, history pages, conversation summaries,
 * member pages) are cut by bytes as well as by count; the headroom covers the envelope and the
 * estimates below (a p2p message's conversationId rewritten for its viewer, field separators).
 */
export const FRAME_BUDGET = LIMITS.frameBytes - 16 * 1024;

/** Per-item allowance on top of the measured bytes (commas, a rewritten conversationId). */
const ITEM_SLACK = 160;

/** Bytes of stored bodies, recorded by the stores as they parse them so nothing is serialized twice. */
const sizes = new WeakMap<object, number>();

/**
 * Parses a stored message body and remembers its size (stores call it instead of JSON.parse).
 * Node stores pass `bytes` from `Buffer.byteLength`, native and several times faster than
 * counting in JS (8 KiB body: 25 → 7 µs per message with the parse; JSON.parse alone takes 5–7).
 */
export function parseStored(body: string, bytes = utf8Length(body)): Message {
  const message = JSON.parse(body) as Message;
  sizes.set(message, bytes);
  return message;
}

/** Serialized bytes of a message: the stored body's when known, else measured once. */
export function messageBytes(message: Message): number {
  let n = sizes.get(message);
  if (n === undefined) {
    n = utf8Length(JSON.stringify(message));
    sizes.set(message, n);
  }
  return n + ITEM_SLACK;
}

/** `copy` (a message rewritten for a viewer) is measured as `original` was. */
export function sameSize<T extends object>(original: object, copy: T): T {
  const n = sizes.get(original);
  if (n !== undefined) sizes.set(copy, n);
  return copy;
}

/**
 * How many items of `items` fit in FRAME_BUDGET, counted from the start (`oldest`) or from the
 * end (`newest`). At least one is always taken, so a list never stalls on one large item (a
 * single item always fits a frame: messages are bounded well below it).
 */
export function fitting<T>(items: readonly T[], bytes: (item: T) => number, from: 'start' | 'end' = 'start'): number {
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[from === 'start' ? i : items.length - 1 - i]!;
    total += bytes(item);
    if (total > FRAME_BUDGET && i > 0) return i;
  }
  return items.length;
}

/**
 * Bytes of short optional strings (ids, names, avatars) as JSON, escapes included (a name of
 * control characters is six times its UTF-8 length on the wire), plus an allowance for the rest.
 */
export function fieldsBytes(...fields: Array<string | undefined>): number {
  let n = ITEM_SLACK;
  for (const f of fields) if (f !== undefined) n += utf8Length(JSON.stringify(f));
  return n;
}
