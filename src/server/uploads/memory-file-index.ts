import type { FileIndex, FileRecord, FileRef } from './file-index.js';

/** File metadata in memory, lost on exit: tests and servers built on a memory store. */
export function createMemoryFileIndex(): FileIndex {
  const files = new Map<string, FileRecord>();
  const refs = new Map<string, FileRef[]>();
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
        if (!known.some((r) => r.key === ref.key && r.messageId === ref.messageId)) known.push({ ...ref });
        refs.set(ref.fileId, known);
      }
    },
    async listRefs(fileId, limit) {
      return (refs.get(fileId) ?? []).slice(0, limit).map((r) => ({ ...r }));
    },
    async reserveFile(file, quota) {
      let bytes = file.size;
      let count = 1;
      for (const f of files.values()) {
        if (f.uploader !== file.uploader || refs.has(f.id)) continue;
        bytes += f.size;
        count++;
      }
      if (bytes > quota.bytes || count > quota.files) return false;
      files.set(file.id, { ...file });
      return true;
    },
    async listUnreferenced(before, limit) {
      return [...files.values()]
        .filter((f) => f.createdAt < before && !refs.has(f.id))
        .sort((a, b) => a.createdAt - b.createdAt)
        .slice(0, limit)
        .map((f) => ({ ...f }));
    },
    async deleteUnreferenced(id) {
      return !refs.has(id) && files.delete(id);
    },
    async close() {},
  };
}
