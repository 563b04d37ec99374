import { PassThrough, Readable, Transform } from 'node:stream';
import { ChatError } from '../../protocol/index.js';
import type { ByteRange, FileStorage, SignedRead } from './file-storage.js';

export interface S3FileStorageOptions {
  /** The bucket (it must exist). */
  bucket: string;
  /** An S3-compatible server's URL (MinIO, R2, s3rver…); default: AWS for `region`. */
  endpoint?: string;
  /** Default `us-east-1` (what most S3-compatible servers expect when they ignore regions). */
  region?: string;
  /** Credentials; default: the AWS SDK's own chain (environment, profile, instance role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `http://endpoint/bucket/key` instead of `http://bucket.endpoint/key` (most self-hosted servers need it). */
  forcePathStyle?: boolean;
  /** Prepended to every object key (several deployments in one bucket). Default none. */
  prefix?: string;
  /**
   * `proxied` (default): the server streams the object to the client. `presigned`: it answers
   * a file request, once it has checked access, with a redirect to a short-lived signed URL,
   * and the bytes go from the object store to the browser directly.
   */
  reads?: 'proxied' | 'presigned';
  /** Lifetime of a presigned URL in seconds. Default 300. */
  presignSeconds?: number;
  /** Bytes per part of a multipart upload (at least 5 MiB, S3's minimum). Default 8 MiB. */
  partBytes?: number;
}

/** The first `n` bytes of `source`, which is then let go. */
function take(source: Readable, n: number): Readable {
  const out = new PassThrough();
  let left = n;
  source.on('data', (chunk: Buffer) => {
    if (left <= 0) return;
    const piece = chunk.length > left ? chunk.subarray(0, left) : chunk;
    left -= piece.length;
    if (!out.write(piece)) source.pause();
    if (left === 0) {
      out.end();
      source.destroy();
    }
  });
  out.on('drain', () => source.resume());
  source.on('end', () => out.end());
  source.on('error', (err) => out.destroy(err));
  out.on('close', () => source.destroy());
  return out;
}

/** Parts uploaded at once per file: memory held per upload is about `partBytes` × this. */
const QUEUE = 2;

type S3 = typeof import('@aws-sdk/client-s3');

/**
 * Uploaded bytes in an S3-compatible object store, for a cluster without a shared directory.
 * The AWS SDK is imported here, on first use of this adapter, so a server without S3 never
 * loads it. Uploads stream through `@aws-sdk/lib-storage` (one PutObject for a small file, a
 * multipart upload of `partBytes` parts otherwise, aborted on failure); reads are ranged
 * GetObjects. Checksums are sent only where S3 requires them: self-hosted servers (s3rver,
 * older MinIO) do not read the SDK's newer streamed-checksum encoding.
 */
export async function createS3FileStorage(options: S3FileStorageOptions): Promise<FileStorage & { close(): Promise<void> }> {
  if (!options.bucket) throw new TypeError('createS3FileStorage: `bucket` is required.');
  const partBytes = options.partBytes ?? 8 * 1024 * 1024;
  if (!Number.isInteger(partBytes) || partBytes < 5 * 1024 * 1024) throw new TypeError('createS3FileStorage: `partBytes` must be at least 5 MiB.');
  const presignSeconds = options.presignSeconds ?? 300;
  const s3: S3 = await import('@aws-sdk/client-s3');
  const { Upload } = await import('@aws-sdk/lib-storage');
  const presigner = options.reads === 'presigned' ? await import('@aws-sdk/s3-request-presigner') : undefined;
  const client = new s3.S3Client({
    region: options.region ?? 'us-east-1',
    ...(options.endpoint && { endpoint: options.endpoint }),
    ...(options.forcePathStyle && { forcePathStyle: true }),
    ...(options.accessKeyId && options.secretAccessKey && { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = options.bucket;
  const prefix = options.prefix ?? '';
  const notFound = (err: unknown) => {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
  };

  const storage: FileStorage & { close(): Promise<void> } = {
    async put(key, body) {
      // Failed before this began (a client gone while the route awaited): its 'error' event is past, and piping it would wait forever.
      if (body.errored) throw body.errored;
      let size = 0;
      let failure: unknown;
      const counted = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          done(null, chunk);
        },
      });
      // The body's own error (FILE_TOO_LARGE, a client gone) is what the caller must see, not the SDK's wrapping of it.
      body.once('error', (err) => {
        failure = err;
        counted.destroy(err);
      });
      body.pipe(counted);
      const upload = new Upload({ client, params: { Bucket, Key: prefix + key, Body: counted }, partSize: partBytes, queueSize: QUEUE, leavePartsOnError: false });
      try {
        await upload.done();
      } catch (err) {
        if (!failure) body.destroy();
        // A single PutObject may have landed before the failure was seen; nothing must stay.
        await client.send(new s3.DeleteObjectCommand({ Bucket, Key: prefix + key })).catch(() => undefined);
        if (failure) throw failure;
        throw new ChatError('UNAVAILABLE', 'The file storage did not take the file. Try again later.', { cause: err });
      }
      if (failure) {
        await client.send(new s3.DeleteObjectCommand({ Bucket, Key: prefix + key })).catch(() => undefined);
        throw failure;
      }
      return size;
    },

    async get(key, range?: ByteRange) {
      try {
        const out = await client.send(new s3.GetObjectCommand({ Bucket, Key: prefix + key, ...(range && { Range: `bytes=${range.start}-${range.end}` }) }));
        let body = out.Body as unknown as Readable;
        // Not Node's stream (another runtime's SDK build): adapt the web stream.
        if (!(body instanceof Readable)) body = Readable.fromWeb((out.Body as { transformToWebStream(): import('node:stream/web').ReadableStream }).transformToWebStream());
        if (!range) return body;
        const wanted = range.end - range.start + 1;
        const served = /^bytes (\d+)-/.exec(out.ContentRange ?? '');
        if (served && Number(served[1]) !== range.start) {
          body.destroy();
          throw new Error(`The object store answered ${out.ContentRange} for bytes ${range.start}-${range.end}.`);
        }
        // Some S3-compatible servers answer more than asked (s3rver: all of it for \`bytes=0-0\`).
        return out.ContentLength !== undefined && out.ContentLength > wanted ? take(body, wanted) : body;
      } catch (err) {
        if (notFound(err)) throw new ChatError('FILE_NOT_FOUND');
        throw new ChatError('UNAVAILABLE', 'The file storage did not answer. Try again later.', { cause: err });
      }
    },

    async delete(key) {
      await client.send(new s3.DeleteObjectCommand({ Bucket, Key: prefix + key }));
    },

    async close() {
      client.destroy();
    },
  };
  if (presigner) {
    // Signed as of the start of the current half-lifetime: one file's URL stays the same for a
    // while (so the browser's cache of it works) and is still valid for at least half its lifetime.
    const step = Math.max(1, Math.floor(presignSeconds / 2)) * 1000;
    storage.signedRead = async (key, read: SignedRead) =>
      presigner.getSignedUrl(client, new s3.GetObjectCommand({
        Bucket, Key: prefix + key, ResponseContentType: read.contentType, ResponseContentDisposition: read.contentDisposition,
        ResponseCacheControl: `private, max-age=${Math.floor(presignSeconds / 2)}`,
      }), { expiresIn: presignSeconds, signingDate: new Date(Math.floor(Date.now() / step) * step) });
  }
  return storage;
}
