import type { ChangedFacts, StoreFacts } from '../core/facts.js';

/** Facts held at most; past it they are all forgotten (and read again). */
const MAX_FACTS = 100_000;
/**
 * How long a fact is held at most. Word of every change comes over the bus, and a bus that
 * is cut stops the holding (`suspend`); this only bounds a fact whose word was lost without the
 * bus noticing (a publish that failed after its change committed). At 4,000 sends a second a
 * key read again every 10 s costs nothing measurable.
 */
const MAX_AGE_MS = 10_000;

/** What `FactMemo.get` answers for a fact it does not hold. */
export const NOT_HELD: unique symbol = Symbol('not held');

/**
 * The PostgreSQL node's memory of the facts a send checks, between turns (issue 23: at 4,000
 * msg/s a turn holds a few sends, and each turn's reads cost about as much as its commit).
 *
 * A read's answer is kept only if nothing was invalidated while it was on its way (`epoch`):
 * a read that PostgreSQL answered just before another node's kick, and that arrives here just
 * after the word of it, would otherwise be kept for good. Any invalidation bumps the epoch;
 * changes are rare beside sends, so a lost chance to keep an answer costs one more read.
 */
export class FactMemo implements StoreFacts {
  readonly #held = new Map<string, { value: unknown; at: number }>();
  #epoch = 0;
  #holding = false;
  #announce: ((changed: ChangedFacts) => Promise<void>) | undefined;

  /** Changes with each invalidation: taken before a read, given back to `put`. */
  get epoch(): number {
    return this.#epoch;
  }

  connect(announce: (changed: ChangedFacts) => Promise<void>): void {
    this.#announce = announce;
    this.#epoch++;
    this.#holding = true;
  }

  suspend(): void {
    this.#holding = false;
    this.invalidate('all');
  }

  invalidate(changed: ChangedFacts): void {
    this.#epoch++;
    if (changed === 'all') this.#held.clear();
    else for (const key of changed) this.#held.delete(key);
  }

  /** A change this node committed: forgotten here at once, then announced to every node. */
  async changed(changed: ChangedFacts): Promise<void> {
    this.invalidate(changed);
    await this.#announce?.(changed);
  }

  get(key: string, now: number): unknown {
    const hit = this.#held.get(key);
    if (!hit) return NOT_HELD;
    if (now - hit.at < MAX_AGE_MS) return hit.value;
    this.#held.delete(key);
    return NOT_HELD;
  }

  put(key: string, value: unknown, epoch: number, now: number): void {
    if (!this.#holding || epoch !== this.#epoch) return;
    if (this.#held.size >= MAX_FACTS) this.#held.clear();
    this.#held.set(key, { value, at: now });
  }
}
