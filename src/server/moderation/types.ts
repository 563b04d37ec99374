import type { GroupRoleCheck } from '../core/store.js';
import type { GroupRole } from '../core/types.js';

/**
 * Moderation (SPEC §11): bans and mutes an admin puts on a user. A ban refuses the user's
 * sessions everywhere; a mute refuses their sends, in one group (`scope` = its id) or everywhere
 * (`scope` = ''). Both last until `until` (ms since the epoch), or for good when it is null.
 */
export interface Sanction {
  userId: string;
  kind: 'ban' | 'mute';
  scope: string;
  until: number | null;
  reason?: string;
  createdAt: number;
}

/**
 * A group mute's check at its write (as Store.changeGroupRole's): `check` gets `actor`'s role and
 * the sanctioned user's in the group the sanction is scoped to, as they are then (rows locked).
 */
export interface SanctionGuard {
  check: GroupRoleCheck;
  actor?: string;
}

/**
 * Whether a sanction's write under `guard` goes ahead (its check throws to refuse), `roleIn`
 * reading the roles in the sanction's group as they are at the write. No guard: it does.
 */
export function guardAllows(roleIn: (groupId: string, userId: string | undefined) => GroupRole | undefined, userId: string, scope: string, guard: SanctionGuard | undefined): boolean {
  return !guard || guard.check(roleIn(scope, guard.actor), roleIn(scope, userId));
}

/** One stored word list entry: `word` as foldWord() left it (the key), `mode` absent = the list's default. */
export interface StoredWord {
  word: string;
  mode?: 'reject' | 'mask';
}

/** The moderation part of every Store (contract: test/server/store/store-moderation-contract.ts). */
export interface ModerationStore {
  /** The word list the admin REST API keeps, by word; every node reads the same one. */
  listWords(): Promise<StoredWord[]>;
  /** Replaces the whole list (in one transaction). */
  replaceWords(entries: StoredWord[]): Promise<void>;
  /** Adds entries, or changes the mode of those there. */
  putWords(entries: StoredWord[]): Promise<void>;
  /** False when the word was not in the list. */
  deleteWord(word: string): Promise<boolean>;
  /**
   * Creates or replaces the user's sanction of that kind and scope; false (nothing written) when
   * the same one (`until` and `reason`) stands, or when `guard`'s check answers false.
   */
  putSanction(s: Sanction, guard?: SanctionGuard): Promise<boolean>;
  /** False when there was none, or when `guard`'s check answers false. */
  deleteSanction(userId: string, kind: Sanction['kind'], scope: string, guard?: SanctionGuard): Promise<boolean>;
  /** Every sanction of the user (expired ones too), by kind then scope. */
  listSanctions(userId: string): Promise<Sanction[]>;
  /** Every mute scoped to one group (expired ones too), by user: its owner and admins see who is muted. */
  listGroupMutes(groupId: string): Promise<Sanction[]>;
}

export const isActive = (s: Sanction, now: number): boolean => s.until === null || s.until > now;

export const bySanctionOrder = (a: Sanction, b: Sanction): number =>
  a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0;
