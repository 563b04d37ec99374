/**
 * Loads the group dialogs and the people views once per page (`./group-elements.ts`), when a
 * person first opens one. In the script tag they are with the features loaded on first use
 * (`natter-extras-<hash>.js`), which opening the widget to read and send text does not download.
 */
import { loadOnce } from '../load-once.js';

const load = loadOnce(() => import('./group-elements.js').then((m) => m.defineGroupElements()));

/** Registers `<group-panel>`, `<group-create-dialog>`, `<profile-card>` and `<contacts-view>`, loading them first if needed; a failed load is tried again next time. */
export function loadGroupElements(): Promise<void> {
  return customElements.get('group-panel') && customElements.get('contacts-view') ? Promise.resolve() : load();
}
