import { msg, str } from '@lit/localize';
import { formatNumber } from './localize.js';
import { dialogButtons } from './dialog-buttons.js';

/** Labels of `<media-viewer>`, in the active locale. */
const viewer = {
  get label() { return msg('Media viewer', { id: 'viewer.label' }); },
  get previous() { return msg('Previous', { id: 'viewer.previous' }); },
  get next() { return msg('Next', { id: 'viewer.next' }); },
  get close() { return dialogButtons.close; },
  get zoomIn() { return msg('Zoom in', { id: 'viewer.zoomIn' }); },
  get zoomOut() { return msg('Zoom out', { id: 'viewer.zoomOut' }); },
  get download() { return msg('Download', { id: 'viewer.download' }); },
  position: (index: number, count: number) => {
    const at = formatNumber(index);
    const of = formatNumber(count);
    return msg(str`${at} of ${of}`, { id: 'viewer.position' });
  },
};

export type ViewerStrings = typeof viewer;

export function viewerStrings(): ViewerStrings {
  return viewer;
}
