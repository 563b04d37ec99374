import type { Store } from './store.js';

/**
 * The member lists fan-out reads, one group at a time: a group's list is read once per
 * event-loop turn (one read per group per commit batch), and one group's lookups resolve in the
 * order they were asked (a pool may answer a later query first), so its messages are published,
 * and acked, in commit order.
 */
export class MemberLookups {
  readonly #store: Store;
  /** Group member lists read during this event-loop turn. */
  readonly #memo = new Map<string, Promise<string[]>>();
  /** Held lists taken this turn (`Store.heldGroupMembers`), as they were then. */
  readonly #held = new Map<string, string[]>();
  /** The latest member lookup of each group still on its way: the next one resolves after it. */
  readonly #last = new Map<string, Promise<string[]>>();

  constructor(store: Store) {
    this.#store = store;
  }

  /** Drops the member list read this turn (membership just changed). */
  forget(groupId: string): void {
    this.#memo.delete(groupId);
    this.#held.delete(groupId);
  }

  /**
   * The group's members, as of this turn: at once when the store holds the list and no read of
   * it is still on its way (which an answer now would overtake), else a promise.
   */
  of(groupId: string): string[] | Promise<string[]> {
    const taken = this.#held.get(groupId);
    if (taken) return taken;
    if (!this.#last.has(groupId)) {
      const held = this.#store.heldGroupMembers?.(groupId);
      if (held) {
        // One copy a group a turn, shared by its events (as the read's answer is).
        const copy = [...held];
        if (this.#held.size === 0) setImmediate(() => this.#held.clear());
        this.#held.set(groupId, copy);
        return copy;
      }
    }
    let members = this.#memo.get(groupId);
    if (!members) {
      if (this.#memo.size === 0) setImmediate(() => this.#memo.clear());
      const read = this.#store.listGroupMembers(groupId);
      const previous = this.#last.get(groupId);
      const current = previous ? previous.then(() => read, () => read) : read;
      members = current;
      this.#last.set(groupId, current);
      const forget = () => void (this.#last.get(groupId) === current && this.#last.delete(groupId));
      current.then(forget, forget);
      this.#memo.set(groupId, members);
    }
    return members;
  }
}
