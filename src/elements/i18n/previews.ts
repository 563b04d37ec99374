import { msg } from '@lit/localize';

/** Labels of link previews (the composer's and the thread's cards), in the active locale. */
const previews = {
  get label() { return msg('Link preview', { id: 'preview.label' }); },
  get remove() { return msg('Remove the link preview', { id: 'preview.remove' }); },
};

export function previewStrings(): typeof previews {
  return previews;
}
