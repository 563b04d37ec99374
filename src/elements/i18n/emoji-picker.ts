import { msg } from '@lit/localize';
import type { ComposerStrings } from './composer.js';

/** Names of the emoji picker's category tabs, by category id (`emoji-data.ts`). */
const CATEGORIES: Record<string, () => string> = {
  smileys: () => msg('Smileys', { id: 'composer.category.smileys' }),
  people: () => msg('People and gestures', { id: 'composer.category.people' }),
  nature: () => msg('Animals and nature', { id: 'composer.category.nature' }),
  food: () => msg('Food and drink', { id: 'composer.category.food' }),
  activities: () => msg('Activities and travel', { id: 'composer.category.activities' }),
  objects: () => msg('Objects', { id: 'composer.category.objects' }),
  symbols: () => msg('Symbols', { id: 'composer.category.symbols' }),
};

/**
 * The emoji picker's own labels (`../composer/emoji-picker.ts`: search, tabs, status), in the
 * active locale (read when used); the picker reads the rest, its name among them, from the labels
 * it is given (the composer's, or the reaction picker's). Apart from the composer's: in the script
 * tag they come with the picker (the second part of a catalogue, `scripts/locale-parts.ts`).
 */
export const emojiPickerStrings = {
  get emojiSearch() { return msg('Search emoji', { id: 'composer.emojiSearch' }); },
  get emojiCategories() { return msg('Categories', { id: 'composer.emojiCategories' }); },
  get emojiResults() { return msg('Search results', { id: 'composer.emojiResults' }); },
  get emojiNone() { return msg('No emoji match.', { id: 'composer.emojiNone' }); },
  get emojiLoading() { return msg('Loading emoji…', { id: 'composer.emojiLoading' }); },
  get emojiFailed() { return msg('The emoji could not be loaded.', { id: 'composer.emojiFailed' }); },
  get stickers() { return msg('Stickers', { id: 'composer.stickers' }); },
  /** Name of an emoji category tab; undefined for an unknown id. */
  category: (id: string): string | undefined => CATEGORIES[id]?.(),
};

export type EmojiPickerStrings = ComposerStrings & typeof emojiPickerStrings;
