/**
 * Open WebSocket connections per client IP on this node. One address holding thousands of
 * sockets is either a runaway client or an attack; past the limit the upgrade is refused before
 * any socket state is allocated. Counts are per node (a cluster multiplies them).
 */
export class ConnectionCounter {
  readonly #byKey = new Map<string, number>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Takes a slot for `key`; false when it already holds the limit. */
  tryAcquire(key: string): boolean {
    const n = this.#byKey.get(key) ?? 0;
    if (n >= this.#limit) return false;
    this.#byKey.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = this.#byKey.get(key) ?? 0;
    // Deleting at zero keeps the map as small as the set of connected addresses.
    if (n <= 1) this.#byKey.delete(key);
    else this.#byKey.set(key, n - 1);
  }

  count(key: string): number {
    return this.#byKey.get(key) ?? 0;
  }
}
