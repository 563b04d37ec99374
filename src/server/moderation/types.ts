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
  /** Creates or replaces the user's sanction of that kind and scope. */
  putSanction(s: Sanction): Promise<void>;
  /** False when there was none. */
  deleteSanction(userId: string, kind: Sanction['kind'], scope: string): Promise<boolean>;
  /** Every sanction of the user (expired ones too), by kind then scope. */
  listSanctions(userId: string): Promise<Sanction[]>;
  /** Every mute scoped to one group (expired ones too), by user: its owner and admins see who is muted. */
  listGroupMutes(groupId: string): Promise<Sanction[]>;
}

export const isActive = (s: Sanction, now: number): boolean => s.until === null || s.until > now;

export const bySanctionOrder = (a: Sanction, b: Sanction): number =>
  a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0;
