import { msg } from '@lit/localize';

/**
 * The buttons of the dialogs loaded on first use (forward, report) and of multi-select mode, in
 * the active locale (read when used). Apart from `./ui.ts`: the thread shows none of them, so in
 * the script tag they come with those features (the second part of a catalogue, `scripts/locale-parts.ts`).
 */
export const dialogButtons = {
  get cancel() { return msg('Cancel', { id: 'ui.cancel' }); },
  get close() { return msg('Close', { id: 'ui.close' }); },
  get done() { return msg('Done', { id: 'ui.done' }); },
};
