import type { ElemType, FileKind } from '../../protocol/index.js';

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
