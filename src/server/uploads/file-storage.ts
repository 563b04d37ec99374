import type { Readable } from 'node:stream';

/** An inclusive byte range of a stored file (`Range: bytes=start-end`). */
export interface ByteRange {
  start: number;
  end: number;
}

/** How a presigned read is served: the headers the object store must answer with. */
export interface SignedRead {
  contentType: string;
  contentDisposition: string;
}

/**
 * Where uploaded bytes live. Keys are server-made ids (never user input). Adapters: disk
 * (`createDiskFileStorage`, one node or a shared directory), PostgreSQL
 * (`createPostgresFileStorage`, the default beside a PostgreSQL store), S3-compatible
 * (`createS3FileStorage`), memory (tests). Each is a streamed put, a ranged get, a delete. Metadata (name, type, size, owner) is kept apart,
 * in the `FileIndex`.
 */
export interface FileStorage {
  /**
   * Stores the whole stream under `key` and resolves with its byte count. If the stream fails
   * (too large, client gone) it rejects with that error and leaves nothing behind.
   */
  put(key: string, body: Readable): Promise<number>;
  /** The bytes of `key` (a range of them when given); rejects FILE_NOT_FOUND when absent. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** Removes `key`; no error when it is absent. */
  delete(key: string): Promise<void>;
  /**
   * Removes what uploads interrupted by a crash left behind, last written before `before` (ms
   * since the epoch); resolves with how many. Optional: a store without temporaries omits it.
   */
  sweepTemporaries?(before: number): Promise<number>;
  /**
   * A short-lived URL the client may be redirected to for the bytes of `key`, answered with
   * `read`'s headers. Optional: only a store serving clients directly (S3 presigned reads).
   */
  signedRead?(key: string, read: SignedRead): Promise<string>;
  /** Releases connections; the server calls it on close for a storage it made. */
  close?(): Promise<void>;
}
