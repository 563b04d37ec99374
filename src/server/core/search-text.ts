import type { Message } from '../../protocol/index.js';
import { foldForSearch, searchableText } from '../../protocol/search.js';

/**
 * What a store indexes of a message for search (SPEC §12): its folded searchable text, or null
 * when it has none (media, system notes, changes, a recalled message, or a stored row without an
 * elem, which indexing an old database must step over rather than fail to start on).
 */
export const searchTextOf = (message: Pick<Message, 'elem'>): string | null =>
  typeof message?.elem === 'object' && message.elem !== null ? foldForSearch(searchableText(message.elem)) || null : null;
