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
    async close() {},
  };
}
