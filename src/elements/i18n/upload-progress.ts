import { msg, str } from '@lit/localize';
import { formatNumber } from './localize.js';

/**
 * The labels of an upload's progress bar (`../thread/upload-progress.ts`), apart from the thread's
 * (`./ui.ts`): the bar is loaded with the upload code, so in the script tag they come with the
 * features loaded on first use (the second part of a catalogue, `scripts/locale-parts.ts`).
 */
const labels = {
  uploading: (percent: number) => {
    const share = formatNumber(percent / 100, { style: 'percent' });
    return msg(str`Uploading ${share}`, { id: 'ui.uploading' });
  },
  get cancelUpload() { return msg('Cancel upload', { id: 'ui.cancelUpload' }); },
};

/** The upload bar's labels, in the active locale (read when used). */
export function uploadStrings(): typeof labels {
  return labels;
}
