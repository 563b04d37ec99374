import { msg } from '@lit/localize';

/**
 * The search buttons' labels (`../search/search-toggle.ts`), apart from `<chat-search>`'s
 * (`./search.ts`): the panel shows them, so in the script tag they are in the first part of a
 * catalogue and the rest of search's in the second, fetched with the search (`scripts/locale-parts.ts`).
 */
const labels = {
  get open() { return msg('Search in this conversation', { id: 'search.open' }); },
  get openAll() { return msg('Search all conversations', { id: 'search.openAll' }); },
  get close() { return msg('Close search', { id: 'search.close' }); },
};

/** The search buttons' labels, in the active locale (read when used). */
export function searchButtonStrings(): typeof labels {
  return labels;
}
