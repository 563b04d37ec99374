import { loadOnce } from '../load-once.js';

/** The id of the picker's popover in its host's shadow root (the emoji button's `aria-controls`). */
export const EMOJI_PICKER_ID = 'emoji-picker';

/**
 * The emoji picker's module, with its styles (`./emoji-picker.ts`). Its hosts create it the first
 * time a picker opens, so opening the widget to read and send text does not download it: in the
 * script tag it travels with its list in the chunk of the features loaded on first use, which the panel
 * fetches when the page is idle.
 */
export const loadEmojiPicker = loadOnce(() => import('./emoji-picker.js'));
