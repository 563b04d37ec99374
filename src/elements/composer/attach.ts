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

