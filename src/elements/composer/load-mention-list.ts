import { loadOnce } from '../load-once.js';

/** Id of the mention listbox in the composer's shadow root (the text area's `aria-controls`). */
export const MENTIONS_ID = 'mentions';

/**
 * The @mention list's module (`./mention-list.ts`): the composer loads it the first time an `@` is
 * typed in a group, so opening the widget to read and send text does not download it (in the
 * script tag it comes with the features loaded on first use).
 */
export const loadMentionList = loadOnce(() => import('./mention-list.js'));
