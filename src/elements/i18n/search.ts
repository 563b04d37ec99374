import { msg, str } from '@lit/localize';
import { formatNumber } from './localize.js';

/**
 * Labels of `<chat-search>`, in the active locale (read when used). The search buttons' are
 * `./search-button.ts`'s: the panel shows those, and in the script tag these come with the search
 * (the second part of a catalogue, `scripts/locale-parts.ts`).
 */
const search = {
  get label() { return msg('Search messages', { id: 'search.label' }); },
  get placeholder() { return msg('Search', { id: 'search.placeholder' }); },
  get results() { return msg('Search results', { id: 'search.results' }); },
  get searching() { return msg('Searching…', { id: 'search.searching' }); },
  get none() { return msg('No messages found.', { id: 'search.none' }); },
  get offline() { return msg('Offline: only the messages on this device were searched.', { id: 'search.offline' }); },
  get more() { return msg('More results', { id: 'search.more' }); },
  get failed() { return msg('The search failed. Try again.', { id: 'search.failed' }); },
  get invalid() { return msg('Type one to eight words, at most 100 characters.', { id: 'search.invalid' }); },
  get you() { return msg('You', { id: 'search.you' }); },
  count: (n: number) => {
    const count = formatNumber(n);
    return msg(str`${count} found`, { id: 'search.count' });
  },
};

export type SearchStrings = typeof search;

/** Search's labels, in the active locale. */
export function searchStrings(): SearchStrings {
  return search;
}
