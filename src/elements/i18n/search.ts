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
  get filters() { return msg('Filters', { id: 'search.filters' }); },
  filtersOn: (n: number) => {
    const count = formatNumber(n);
    return msg(str`Filters: ${count} on`, { id: 'search.filters.on' });
  },
  get from() { return msg('From', { id: 'search.from' }); },
  get anyone() { return msg('Anyone', { id: 'search.from.anyone' }); },
  get kind() { return msg('Type', { id: 'search.kind' }); },
  get kinds() {
    return {
      any: msg('Everything', { id: 'search.kind.any' }),
      text: msg('Messages', { id: 'search.kind.text' }),
      file: msg('Files', { id: 'search.kind.file' }),
      location: msg('Places', { id: 'search.kind.location' }),
      image: msg('Pictures', { id: 'search.kind.image' }),
      video: msg('Videos', { id: 'search.kind.video' }),
      sound: msg('Voice and audio', { id: 'search.kind.sound' }),
      link: msg('Links', { id: 'search.kind.link' }),
    };
  },
  get since() { return msg('Since', { id: 'search.since' }); },
  get until() { return msg('Until', { id: 'search.until' }); },
  get clear() { return msg('Clear filters', { id: 'search.clear' }); },
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
