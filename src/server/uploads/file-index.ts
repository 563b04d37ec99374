import type { ConversationKey } from '../core/types.js';

/** An uploaded file as the server remembers it (the bytes live in `FileStorage` under `id`). */
export interface FileRecord {
  /** Random, server-made; also the storage key and part of the URL. */
  id: string;
  /** Who uploaded it: may always fetch and share it. */
  uploader: string;
  /** Conversation it was uploaded for (where the uploader was a member). */
  key: ConversationKey;
  name: string;
  mime: string;
  size: number;
  createdAt: number;
}

/**
 * A committed (or committing) message that carries a file: its members may fetch it. Recorded
 * before the commit, so it counts for quota and sweep only once confirmed (its message found
 * in the store).
 */
export interface FileRef {
  fileId: string;
  key: ConversationKey;
  messageId: string;
}

/** A reference whose message was not yet seen stored: `missing` once it was looked for and not found. */
export interface PendingRef extends FileRef {
  state: 'unchecked' | 'missing';
}

/** A file the index forgot, whose bytes storage may still hold. */
export type DeletedFile = Pick<FileRecord, 'id' | 'size'>;

/** Most unreferenced uploads (not yet carried by a message) one user may hold at once. */
export interface UploadQuota {
  /** Their bytes, the upload being reserved included. */
  bytes: number;
  /** Their number, the upload being reserved included. */
  files: number;
}

/**
 * File metadata and who references each file, kept apart from the message store so uploads
 * need no change to it. Adapters: memory, SQLite (own tables in its own database file),
 * PostgreSQL (own tables, created under an advisory lock). All pass
 * test/server/uploads/file-index.test.ts.
 */
export interface FileIndex {
  putFile(file: FileRecord): Promise<void>;
  getFile(id: string): Promise<FileRecord | undefined>;
  /** Files among `ids` that exist, by id (unknown ids are left out). */
  getFiles(ids: string[]): Promise<Map<string, FileRecord>>;
  /** Records references; one already recorded is ignored. */
  addRefs(refs: FileRef[]): Promise<void>;
  /** References of a file, oldest first, at most `limit`. */
  listRefs(fileId: string, limit: number): Promise<FileRef[]>;
  /**
   * Records `file` (its `size` = the bytes reserved for it, fixed later by `putFile`) if its
   * uploader's unsent files (no confirmed reference), with it, stay within `quota`; false
   * (nothing recorded) otherwise. Atomic per uploader, across the nodes sharing the index:
   * concurrent reservations cannot together pass the quota.
   */
  reserveFile(file: FileRecord, quota: UploadQuota): Promise<boolean>;
  /**
   * References not yet confirmed (recorded before their message's commit, which may never
   * have happened), oldest first, at most `limit`: of the files of `of.uploader` that have no
   * confirmed reference (the ones that count for the quota), or of `of.fileId`.
   */
  listPendingRefs(of: { uploader: string } | { fileId: string }, limit: number): Promise<PendingRef[]>;
  /** Marks references `confirmed` (their message is stored) or `missing` (it was not, when looked at). */
  markRefs(refs: FileRef[], state: 'confirmed' | 'missing'): Promise<void>;
  /**
   * Files without a confirmed reference, created before `before`, oldest first (by `createdAt`,
   * then `id`), at most `limit`; only those after `after` when given (the last of a page).
   */
  listUnreferenced(before: number, limit: number, after?: Pick<FileRecord, 'createdAt' | 'id'>): Promise<FileRecord[]>;
  /**
   * Forgets the file and its references (true) if none is confirmed and it still has exactly
   * `refCount` references (none was added since the caller looked); false otherwise. In the
   * same step the file joins the deleted files (`listDeleted`) until `clearDeleted`: its bytes
   * are deleted from storage after its row is gone, and a crash or a failed delete in between
   * must leave a trace of them for the next sweep.
   */
  deleteUnreferenced(id: string, refCount: number): Promise<boolean>;
  /** Files forgotten by `deleteUnreferenced` whose bytes may still be stored, by id, at most `limit`, only those after `after` when given. */
  listDeleted(limit: number, after?: string): Promise<DeletedFile[]>;
  /** Drops a deleted file from that list once its bytes are gone: true if this call did (one of several sweepers). */
  clearDeleted(id: string): Promise<boolean>;
  close(): Promise<void>;
}

/** A file index, or a function making one (called once by createChatServer). */
export type FileIndexFactory = () => FileIndex | Promise<FileIndex>;
