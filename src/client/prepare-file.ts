/**
 * What `sendFile` queues for a file, before anything is uploaded: part of the send code
 * (`./send-actions.ts`), loaded on first use, not of the core.
 */
import { ChatError } from '../protocol/error-codes.js';
import { fileKindOf, fileLimit } from '../protocol/limits.js';
import type { PendingUpload, Uploads } from './files.js';
import type { FileKind } from './types.js';

/** The name a file is sent under: the one given, else its own, else `<kind>.<subtype>`. */
export function fileNameOf(file: Blob, kind: FileKind, mime: string, given?: string): string {
  const named = given ?? (file as Partial<File>).name;
  return named || `${kind}.${mime.split('/')[1]!.replace(/[^a-z0-9]/g, '') || 'bin'}`;
}

/**
 * What `sendFile` queues for `file`: its type and kind, and what probing it found (size,
 * duration, a video's first frame; a given duration wins). Rejects with FILE_TOO_LARGE before reading anything.
 */
export async function prepareFile(uploads: Pick<Uploads, 'transfer'>, file: Blob, given: { kind?: FileKind; name?: string; duration?: number }): Promise<PendingUpload> {
  const mime = file.type.split(';')[0]!.trim().toLowerCase() || 'application/octet-stream';
  const kind = given.kind ?? fileKindOf(mime);
  // Before anything is queued or read: the user hears at once, nothing is left behind.
  if (file.size > fileLimit(kind)) throw new ChatError('FILE_TOO_LARGE', `The file is larger than ${fileLimit(kind)} bytes.`);
  // Offline before the upload code was ever loaded: queued unprobed (shown without its size),
  // uploaded once the connection, and the code, are back.
  const code = await uploads.transfer().catch(() => undefined);
  const upload: PendingUpload = code ? await code.describeFile(file, mime, kind, given) : { blob: file, name: fileNameOf(file, kind, mime, given.name), mime, kind, unprobed: { kind: given.kind, name: given.name } };
  // A recording's length is known to its recorder (MediaRecorder's WebM says none).
  if (given.duration !== undefined && Number.isFinite(given.duration)) upload.duration = Math.min(24 * 3600, Math.max(0, Math.round(given.duration * 1000) / 1000));
  return upload;
}
