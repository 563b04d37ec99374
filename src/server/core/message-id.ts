let lastMs = 0;
let counter = 0;

/**
 * A new message id: a UUIDv7 (RFC 9562) — 48 bits of milliseconds, a 12-bit counter within the
 * millisecond, 62 random bits. Ids of new messages sort after older ones, so a store's index on
 * the id grows at its right edge: a commit of a hundred messages touches one or two index pages
 * instead of a hundred (random v4 ids land on a different page each, and every page written is a
 * WAL frame to write and fsync). Monotonic within this process even if the clock steps back.
 * Uses only Web Crypto, so the core still runs in a browser.
 */
export function newMessageId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else if (++counter > 0xfff) {
    lastMs++;
    counter = 0;
  }
  if (lastMs !== prefixMs) {
    prefix = `${idTimePrefix(lastMs)}7`;
    prefixMs = lastMs;
  }
  const r = random8();
  // Variant 10xx in the top bits of the fourth group, then 62 random bits.
  const tail = HEX[(pool[r]! & 0x3f) | 0x80]! + HEX[pool[r + 1]!]! + '-' + HEX[pool[r + 2]!]! + HEX[pool[r + 3]!]! + HEX[pool[r + 4]!]! + HEX[pool[r + 5]!]! + HEX[pool[r + 6]!]! + HEX[pool[r + 7]!]!;
  return prefix + HEX[counter >> 8]![1] + HEX[counter & 0xff] + '-' + tail;
}

/** The time part of the ids of the current millisecond, `tttttttt-tttt-7`. */
let prefix = '';
let prefixMs = -1;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Random bytes fetched 8 KiB at a time: one Web Crypto call per thousand ids, not one per id. */
const pool = new Uint8Array(8192);
let poolAt = pool.length;

/** Where 8 fresh random bytes start in `pool` (an index, not a view: no object a message id). */
function random8(): number {
  if (poolAt + 8 > pool.length) {
    globalThis.crypto.getRandomValues(pool);
    poolAt = 0;
  }
  poolAt += 8;
  return poolAt - 8;
}

/**
 * The time part of the ids of millisecond `ms`, `tttttttt-tttt-` (48 bits of hex): ids sort by it,
 * so it bounds the ids of a time (the search's `before`/`after`, the unread reminders' windows).
 */
export function idTimePrefix(ms: number): string {
  const t = Math.min(Math.max(0, Math.floor(ms)), 0xffffffffffff).toString(16).padStart(12, '0');
  return `${t.slice(0, 8)}-${t.slice(8)}-`;
}
