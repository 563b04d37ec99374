import type { Message } from '../../protocol/index.js';
import { foldForSearch, searchableText } from '../../protocol/search.js';

/**
 * What a store indexes of a message for search (SPEC §12): its folded searchable text, or null
 * when it has none (media, system notes, changes, a recalled message).
 */
export const searchTextOf = (message: Pick<Message, 'elem'>): string | null => foldForSearch(searchableText(message.elem)) || null;
