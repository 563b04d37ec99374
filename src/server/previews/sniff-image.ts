/** The picture formats a preview may carry: what every browser draws and none runs. */
export type PreviewImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

const starts = (b: Uint8Array, bytes: readonly number[], at = 0) => bytes.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/**
 * The format of a picture read from its first bytes (its "magic"), never from what the remote
 * server says: PNG, JPEG, GIF or WebP, else undefined. SVG (a document that can hold script),
 * HTML, and anything else are not pictures here, whatever their `Content-Type`.
 */
export function sniffImage(b: Uint8Array): PreviewImageType | undefined {
  if (starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts(b, ascii('GIF87a')) || starts(b, ascii('GIF89a'))) return 'image/gif';
  if (starts(b, ascii('RIFF')) && starts(b, ascii('WEBP'), 8)) return 'image/webp';
  return undefined;
}
