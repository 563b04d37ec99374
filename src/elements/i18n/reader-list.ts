import { msg } from '@lit/localize';

/**
 * The labels of the list of who read an own group message (`../thread/reader-list.ts`), apart from
 * the thread's (`./ui.ts`, which keeps "Read by n of m"): the list is loaded on the first press of
 * that button, so in the script tag they come with it (the second part of a catalogue,
 * `scripts/locale-parts.ts`).
 */
const labels = {
  get readList() { return msg('Read', { id: 'ui.readList' }); },
  get unreadList() { return msg('Not read yet', { id: 'ui.unreadList' }); },
  get readersLabel() { return msg('Who has read this message', { id: 'ui.readersLabel' }); },
};

/** The reader list's labels, in the active locale (read when used). */
export function readerListStrings(): typeof labels {
  return labels;
}
