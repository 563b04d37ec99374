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
  const ms = lastMs.toString(16).padStart(12, '0');
  // `xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx`: keep the variant and random tail, from `V` on.
  const tail = globalThis.crypto.randomUUID().slice(19);
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${counter.toString(16).padStart(3, '0')}-${tail}`;
}
