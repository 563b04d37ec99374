import { fileKindOf, fileLimit } from '../../protocol/limits.js';

/** The largest size this file may have, by the kind `client.sendFile` makes of its mime type. */
export function limitOf(file: Blob): number {
  return fileLimit(fileKindOf(file.type.split(';')[0]!.trim().toLowerCase()));
}

/** Whether the file is over its limit; checked before anything is queued, so the refusal shows at once. */
export function isTooLarge(file: Blob): boolean {
  return file.size > limitOf(file);
}

/**
 * The files of a drop or paste, or none. Items are read first (a pasted screenshot is only an
 * item in some browsers); `files` covers the rest.
 */
export function filesOf(data: DataTransfer | null | undefined): File[] {
  if (!data) return [];
  const fromItems = [...(data.items ?? [])].filter((i) => i.kind === 'file').map((i) => i.getAsFile()).filter((f): f is File => !!f);
  return fromItems.length > 0 ? fromItems : [...(data.files ?? [])];
}

/** Whether a drag carries files (its content is unreadable until the drop; the types tell). */
export function dragHasFiles(data: DataTransfer | null | undefined): boolean {
  return !!data && [...data.types].includes('Files');
}

/**
 * A size as people say it: binary units, because the limits are (28 MB = 28 × 1024²), in the
 * locale's digits (`28 MB`, `1.5 KB`).
 */
export function formatBytes(bytes: number, locale: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return new Intl.NumberFormat(locale, { style: 'unit', unit: units[unit], unitDisplay: 'short', maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
}
