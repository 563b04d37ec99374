/**
 * A set that remembers at least its last `capacity` entries (and at most twice that), in two
 * generations: when the newer one is full it becomes the older one and the oldest is dropped
 * whole (deleting entries one by one, a ring and before that `values().next()`, churned the hash
 * table on every send).
 *
 * The chat core adds every message it publishes and asks only about a resend's duplicate, so an
 * entry is an array slot when added and is hashed into its generation's set only when `has` is
 * next asked: each entry at most once, as a `Set.add` each did, and none while nobody asks (a
 * `Set.add` a send was 5 % of the event loop's samples at 16,000 msg/s; timed alone, about 0.4
 * against 0.1 µs an entry; issue 23).
 */
export class RecentIds {
  #newer = new Generation();
  #older = new Generation();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  has(id: string): boolean {
    return this.#newer.has(id) || this.#older.has(id);
  }

  add(id: string): void {
    if (this.#newer.ids.length >= this.#capacity) {
      this.#older = this.#newer;
      this.#newer = new Generation();
    }
    this.#newer.ids.push(id);
  }
}

/** One generation: its entries in the order added, the first `indexed` of them also in `set`. */
class Generation {
  readonly ids: string[] = [];
  readonly #set = new Set<string>();
  #indexed = 0;

  has(id: string): boolean {
    const ids = this.ids;
    while (this.#indexed < ids.length) this.#set.add(ids[this.#indexed++]!);
    return this.#set.has(id);
  }
}
