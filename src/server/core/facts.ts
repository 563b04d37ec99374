/**
 * Names of the facts a send checks (a user row, a group row, a group's member list, one group
 * membership, a block, a friendship, a user's sanctions). A store of a cluster may keep them in
 * memory between turns (`Store.facts`); a node that changes one tells every node by name over
 * the bus, and each drops what it holds of it. Both sides build the names here.
 */
export const factKey = {
  user: (id: string) => `u:${id}`,
  group: (id: string) => `g:${id}`,
  /** The member list of a conversation key (`group:<id>`). */
  members: (key: string) => `m:${key}`,
  /** Whether `userId` is a member of the conversation key. */
  member: (userId: string, key: string) => `p:${userId}\u0000${key}`,
  /** Whether `owner` has blocked `other`. */
  block: (owner: string, other: string) => `b:${owner}\u0000${other}`,
  /** Whether `a` counts `b` as a friend (one direction: a friendship changes both). */
  friend: (a: string, b: string) => `f:${a}\u0000${b}`,
  sanctions: (userId: string) => `s:${userId}`,
};

/** The user whose sanctions a fact name is about, if it is one. */
export function sanctionsSubject(key: string): string | undefined {
  return key.startsWith('s:') ? key.slice(2) : undefined;
}

/** The group whose member list a fact name is, if it is one. */
export function membersOf(key: string): string | undefined {
  return key.startsWith('m:group:') ? key.slice(8) : undefined;
}

/** Facts that changed: names, or everything (a user deleted, a bus that lost events). */
export type ChangedFacts = string[] | 'all';

/**
 * The facts a store keeps between turns. It holds nothing until the node connects it to the
 * bus (`connect`), so a store nobody tells of other nodes' changes never answers from memory.
 */
export interface StoreFacts {
  /**
   * Starts keeping facts. `announce` is awaited after each change the store commits and before
   * that change's call resolves, so once a caller sees a kick, ban or block done, every node has
   * been sent the names to drop.
   */
  connect(announce: (changed: ChangedFacts) => Promise<void>): void;
  /** Another node changed these facts (or the bus lost events: 'all'). */
  invalidate(changed: ChangedFacts): void;
  /** Keeps nothing until `connect` again (the bus is cut: another node's news would not arrive). */
  suspend(): void;
}
