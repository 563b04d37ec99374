import { LIMITS, type ElemType } from '../../protocol/index.js';

export type FileKind = 'image' | 'sound' | 'video' | 'file';

/** The kind a mime type defaults to. */
export function kindOfMime(mime: string): FileKind {
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('audio/')) return 'sound';
  if (mime.startsWith('video/')) return 'video';
  return 'file';
}

/** Largest upload of a kind (SPEC §1: image and sound 28 MB, video and file 100 MB). */
export function sizeLimit(kind: FileKind): number {
  switch (kind) {
    case 'image': return LIMITS.imageBytes;
    case 'sound': return LIMITS.soundBytes;
    case 'video': return LIMITS.videoBytes;
    case 'file': return LIMITS.fileBytes;
  }
}

/** The elem types that carry an uploaded file, and their kind. */
export const FILE_ELEM_KINDS: Partial<Record<ElemType, FileKind>> = { image: 'image', sound: 'sound', video: 'video', file: 'file' };

const INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'video/mp4', 'video/webm', 'video/ogg']);

/**
 * Types a browser may show in place. Anything else (SVG and HTML included: they run script
 * when opened) is served as an attachment, so opening a URL never renders it on our origin.
 */
export function isSafeInline(mime: string): boolean {
  return INLINE.has(mime) || (mime.startsWith('audio/') && !mime.includes('+'));
}

const MIME = /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/;

/** The request's Content-Type as a bare lowercase mime type, `application/octet-stream` when absent or odd. */
export function normalizeMime(header: string | undefined): string {
  const mime = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return MIME.test(mime) && mime.length <= 128 ? mime : 'application/octet-stream';
}
