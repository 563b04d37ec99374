import { msg } from '@lit/localize';

/**
 * The @mention list's own labels (`../composer/mention-list.ts`), apart from the composer's
 * (`./composer.ts`): the list is loaded on a group composer's first `@`, so in the script tag they
 * come with it (the second part of a catalogue, `scripts/locale-parts.ts`). The composer's status
 * line while the list loads and its count of suggestions stay in the composer's.
 */
const labels = {
  get mentions() { return msg('Mention someone', { id: 'composer.mentions' }); },
  get mentionAll() { return msg('all', { id: 'composer.mentionAll' }); },
  get mentionAllHint() { return msg('Everyone in this group', { id: 'composer.mentionAllHint' }); },
};

/** The @mention list's labels, in the active locale (read when used). */
export function mentionListStrings(): typeof labels {
  return labels;
}
