import { msg, str } from '@lit/localize';
import { formatNumber, plural } from './localize.js';

/**
 * The @mention list's own labels (`../composer/mention-list.ts`), apart from the composer's
 * (`./composer.ts`): the list is loaded on a group composer's first `@`, so in the script tag they
 * come with it (the second part of a catalogue, `scripts/locale-parts.ts`), and so does what the
 * composer's status line says of the open list (`MentionList.status()`).
 */
const labels = {
  get mentions() { return msg('Mention someone', { id: 'composer.mentions' }); },
  get mentionAll() { return msg('all', { id: 'composer.mentionAll' }); },
  get mentionAllHint() { return msg('Everyone in this group', { id: 'composer.mentionAllHint' }); },
  get mentionLoading() { return msg('Loading members…', { id: 'composer.mentionLoading' }); },
  suggestions: (n: number) => {
    const count = formatNumber(n);
    return plural(n, {
      zero: () => msg(str`${count} suggestions. Arrow keys to choose, Enter to insert.`, { id: 'composer.suggestions.zero' }),
      one: () => msg(str`${count} suggestion. Arrow keys to choose, Enter to insert.`, { id: 'composer.suggestions.one' }),
      two: () => msg(str`${count} suggestions. Arrow keys to choose, Enter to insert.`, { id: 'composer.suggestions.two' }),
      few: () => msg(str`${count} suggestions. Arrow keys to choose, Enter to insert.`, { id: 'composer.suggestions.few' }),
      many: () => msg(str`${count} suggestions. Arrow keys to choose, Enter to insert.`, { id: 'composer.suggestions.many' }),
      other: () => msg(str`${count} suggestions. Arrow keys to choose, Enter to insert.`, { id: 'composer.suggestions.other' }),
    });
  },
};

/** The @mention list's labels, in the active locale (read when used). */
export function mentionListStrings(): typeof labels {
  return labels;
}
