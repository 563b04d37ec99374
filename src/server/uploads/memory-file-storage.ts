import { Readable } from 'node:stream';
import { ChatError } from '../../protocol/index.js';
import type { FileStorage } from './file-storage.js';

/**
 * Files kept in memory and lost on exit: for tests, and for a server given neither a data
 * directory nor an upload directory.
 */
export function createMemoryFileStorage(): FileStorage {
  const files = new Map<string, Buffer>();
  return {
    async put(key, body) {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
      const bytes = Buffer.concat(chunks);
      files.set(key, bytes);
      return bytes.length;
    },
    async get(key, range) {
      const bytes = files.get(key);
      if (!bytes) throw new ChatError('FILE_NOT_FOUND');
      return Readable.from([range ? bytes.subarray(range.start, range.end + 1) : bytes]);
    },
    async delete(key) {
      files.delete(key);
    },
  };
}
