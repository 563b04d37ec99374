import type { FileRecord, FileRef, PendingRef } from './file-index.js';

/**
 * What the SQLite and PostgreSQL file indexes share: the same columns under their own table
 * names (`files`/`file_refs` in their own SQLite file, `natter_files`/`natter_file_refs` beside
 * the store's tables), the rows read back, and a reference's `state` (0 unchecked, 1 confirmed,
 * 2 missing).
 */
export const REF_STATE = { confirmed: 1, missing: 2 } as const;

/** No confirmed reference in `refs` names the file `f` (the alias of the files table in the query). */
export const unreferenced = (refs: string): string => `NOT EXISTS (SELECT 1 FROM ${refs} r WHERE r.file_id = f.id AND r.state = 1)`;

export type FileRow = { id: string; uploader: string; conv_key: string; name: string; mime: string; size: number; created_at: number };
export type RefRow = { file_id: string; conv_key: string; message_id: string };
export type PendingRefRow = RefRow & { state: number };

export const toRecord = (r: FileRow): FileRecord => ({ id: r.id, uploader: r.uploader, key: r.conv_key, name: r.name, mime: r.mime, size: r.size, createdAt: r.created_at });
export const toRef = (r: RefRow): FileRef => ({ fileId: r.file_id, key: r.conv_key, messageId: r.message_id });
export const toPending = (r: PendingRefRow): PendingRef => ({ ...toRef(r), state: r.state === REF_STATE.missing ? 'missing' : 'unchecked' });
