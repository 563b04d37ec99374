import type { FileIndex, FileRecord, FileRef, PendingRef } from './file-index.js';

/** A reference and its state: 0 unchecked, 1 confirmed, 2 missing (as in the SQL adapters). */
type Held = FileRef & { state: 0 | 1 | 2 };

const STATE = { confirmed: 1, missing: 2 } as const;
const pending = (r: Held): PendingRef => ({ fileId: r.fileId, key: r.key, messageId: r.messageId, state: r.state === 2 ? 'missing' : 'unchecked' });

/** File metadata in memory, lost on exit: tests and servers built on a memory store. */
export function createMemoryFileIndex(): FileIndex {
  const files = new Map<string, FileRecord>();
  const refs = new Map<string, Held[]>();
  /** Deleted files (id → size) whose bytes may still be stored. */
  const deleted = new Map<string, number>();
  const confirmed = (id: string) => (refs.get(id) ?? []).some((r) => r.state === 1);
  return {
    async putFile(file) {
      files.set(file.id, { ...file });
    },
    async getFile(id) {
      const f = files.get(id);
      return f && { ...f };
    },
    async getFiles(ids) {
      const found = new Map<string, FileRecord>();
      for (const id of ids) {
        const f = files.get(id);
        if (f) found.set(id, { ...f });
      }
      return found;
    },
    async addRefs(list) {
      for (const ref of list) {
        const known = refs.get(ref.fileId) ?? [];
        if (!known.some((r) => r.key === ref.key && r.messageId === ref.messageId)) known.push({ fileId: ref.fileId, key: ref.key, messageId: ref.messageId, state: 0 });
        refs.set(ref.fileId, known);
      }
    },
    async listRefs(fileId, limit) {
      return (refs.get(fileId) ?? []).slice(0, limit).map((r) => ({ fileId: r.fileId, key: r.key, messageId: r.messageId }));
    },
    async reserveFile(file, quota) {
      let bytes = file.size;
      let count = 1;
      for (const f of files.values()) {
        if (f.uploader !== file.uploader || confirmed(f.id)) continue;
        bytes += f.size;
        count++;
      }
      if (bytes > quota.bytes || count > quota.files) return false;
      files.set(file.id, { ...file });
      return true;
    },
    async listPendingRefs(of, limit) {
      const ids = 'fileId' in of ? [of.fileId] : [...files.values()].filter((f) => f.uploader === of.uploader && !confirmed(f.id)).map((f) => f.id);
      return ids.flatMap((id) => (refs.get(id) ?? []).filter((r) => r.state !== 1)).slice(0, limit).map(pending);
    },
    async markRefs(list, state) {
      for (const ref of list) {
        const held = refs.get(ref.fileId)?.find((r) => r.key === ref.key && r.messageId === ref.messageId);
        if (held) held.state = STATE[state];
      }
    },
    async listUnreferenced(before, limit, after) {
      const later = (f: FileRecord) => !after || f.createdAt > after.createdAt || (f.createdAt === after.createdAt && f.id > after.id);
      return [...files.values()]
        .filter((f) => f.createdAt < before && !confirmed(f.id) && later(f))
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, limit)
        .map((f) => ({ ...f }));
    },
    async deleteUnreferenced(id, refCount) {
      if (!files.has(id) || confirmed(id) || (refs.get(id)?.length ?? 0) !== refCount) return false;
      refs.delete(id);
      deleted.set(id, files.get(id)!.size);
      return files.delete(id);
    },
    async listDeleted(limit, after) {
      return [...deleted].filter(([id]) => after === undefined || id > after).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, limit).map(([id, size]) => ({ id, size }));
    },
    async clearDeleted(id) {
      return deleted.delete(id);
    },
    async close() {},
  };
}
