import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ChatError } from '../../protocol/index.js';
import type { ByteRange, FileStorage } from './file-storage.js';

const KEY = /^[A-Za-z0-9-]{8,64}$/;
/** Where uploads are written until complete (a name no key can have). */
const TMP = '.tmp';
/** Errors of a full disk (or quota, or file size limit): the server's problem, not the client's. */
const FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/**
 * Files on local disk under `dir` (`NATTER_UPLOAD_DIR`), fanned out by the key's first two
 * characters so no directory grows huge. A file is written to a temporary name and renamed
 * when complete, so a reader never sees half an upload and a failed one leaves nothing.
 * Nodes of a cluster need a shared directory (or an object-store `FileStorage`).
 */
export function createDiskFileStorage(dir: string): FileStorage {
  const pathOf = (key: string) => {
    // Keys are made by the server; refusing anything else keeps a bug from escaping `dir`.
    if (!KEY.test(key)) throw new ChatError('FILE_NOT_FOUND');
    return join(dir, key.slice(0, 2), key);
  };
  return {
    async put(key, body) {
      const path = pathOf(key);
      const temp = join(dir, TMP, `${key}.${process.pid}.${Date.now()}.part`);
      try {
        await mkdir(join(dir, TMP), { recursive: true });
        await mkdir(join(dir, key.slice(0, 2)), { recursive: true });
        await pipeline(body, createWriteStream(temp, { flags: 'wx' }));
        await rename(temp, path);
      } catch (err) {
        await rm(temp, { force: true });
        if (FULL.has((err as NodeJS.ErrnoException).code ?? '')) throw new ChatError('UNAVAILABLE', 'The file storage is full. Try again later.', { cause: err });
        throw err;
      }
      return (await stat(path)).size;
    },
    async get(key, range?: ByteRange) {
      const path = pathOf(key);
      try {
        await stat(path);
      } catch {
        throw new ChatError('FILE_NOT_FOUND');
      }
      return createReadStream(path, range ? { start: range.start, end: range.end } : {});
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async sweepTemporaries(before) {
      let removed = 0;
      let names: string[];
      try {
        names = await readdir(join(dir, TMP));
      } catch {
        return 0;
      }
      for (const name of names) {
        const path = join(dir, TMP, name);
        const modified = await stat(path).then((st) => st.mtimeMs, () => Infinity);
        if (modified < before) {
          await rm(path, { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}
