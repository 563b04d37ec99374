/**
 * Who has a live session anywhere in the cluster. Each node reports its own users as they come
 * and go (the first session of a user on the node, the last one closing); any node can then ask
 * which of some users have no session on any node, e.g. to hand a message to a push service.
 *
 * Adapters: in-process (one node) and Redis (shared by every node, entries of a node that died
 * expire by themselves). Every adapter passes test/server/bus/presence-contract.ts.
 *
 * Each adapter also keeps when each user was last seen online (SPEC §13's "last seen"): written
 * when a node lets a user go and, in Redis, at every refresh while online, so a node that dies
 * leaves its users' last seen at most a refresh interval old rather than not at all.
 */
export interface Presence {
  /** This node now holds a session of `userId` (its first one here). */
  online(userId: string): Promise<void>;
  /** This node holds no session of `userId` any more. */
  offline(userId: string): Promise<void>;
  /** Of `userIds`, those with no session on any node, in the given order. */
  offlineAmong(userIds: readonly string[]): Promise<string[]>;
  /** Whether each of `userIds` is online anywhere, and when the offline ones were last seen, in the given order. */
  states(userIds: readonly string[]): Promise<PresenceState[]>;
  /** Forgets this node's sessions (so other nodes see its users offline at once) and stops. */
  close(): Promise<void>;
}

export interface PresenceState {
  online: boolean;
  /** Ms since the epoch; only for an offline user this presence has seen online. */
  lastSeen?: number;
}

export type PresenceFactory = () => Presence | Promise<Presence>;
