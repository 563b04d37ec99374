import type { Store } from '../core/store.js';
import type { FileIndex, FileRef, PendingRef } from './file-index.js';

/** Pending references looked at per call (a user's recent sends; a file's references). */
export const PENDING_CHECKED = 100;

/**
 * Looks up the messages of pending references (recorded before their commit) and confirms
 * those that are stored. A reference of a message that never committed (refused, or a
 * duplicate whose original did not carry the file) thus never counts as the file being sent.
 * Resolves with the references still without a stored message.
 */
export async function confirmRefs(index: FileIndex, store: Pick<Store, 'findMessage'>, refs: PendingRef[]): Promise<PendingRef[]> {
  const found = await Promise.all(refs.map((r) => store.findMessage(r.key, r.messageId)));
  const confirmed: FileRef[] = refs.filter((_, i) => found[i] !== undefined);
  await index.markRefs(confirmed, 'confirmed');
  return refs.filter((_, i) => found[i] === undefined);
}
