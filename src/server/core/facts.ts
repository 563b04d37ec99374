/**
 * Names of the facts a send checks (a user row, a group row, a group's member list, one group
 * membership, a block, a friendship, a user's sanctions). A store of a cluster may keep them in
 * memory between turns (`Store.facts`); a node that changes one tells every node by name over
 * the bus, and each drops what it holds of it. Both sides build the names here.
 */
/** The first characters of each kind's names: a name is the prefix, then the id (a pair's two ids joined by NUL). */
export const factPrefix = { user: 'u:', group: 'g:', members: 'm:', member: 'p:', block: 'b:', friend: 'f:', sanctions: 's:' } as const;

/** Two ids as one (user and conversation key, owner and other): NUL appears in neither. */
export const pairOf = (a: string, b: string) => `${a}\u0000${b}`;

export const factKey = {
  user: (id: string) => factPrefix.user + id,
  group: (id: string) => factPrefix.group + id,
  /** The member list of a conversation key (`group:<id>`). */
  members: (key: string) => factPrefix.members + key,
  /** Whether `userId` is a member of the conversation key. */
  member: (userId: string, key: string) => factPrefix.member + pairOf(userId, key),
  /** Whether `owner` has blocked `other`. */
  block: (owner: string, other: string) => factPrefix.block + pairOf(owner, other),
  /** Whether `a` counts `b` as a friend (one direction: a friendship changes both). */
  friend: (a: string, b: string) => factPrefix.friend + pairOf(a, b),
  sanctions: (userId: string) => factPrefix.sanctions + userId,
};

/** The user whose sanctions a fact name is about, if it is one. */
export function sanctionsSubject(key: string): string | undefined {
  return key.startsWith(factPrefix.sanctions) ? key.slice(factPrefix.sanctions.length) : undefined;
}

/** The group whose member list a fact name is, if it is one. */
export function membersOf(key: string): string | undefined {
  const head = `${factPrefix.members}group:`;
  return key.startsWith(head) ? key.slice(head.length) : undefined;
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
