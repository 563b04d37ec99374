/**
 * Loads `<forward-dialog>` once per page, when a person first forwards a message. In the script
 * tag it is with the features loaded on first use (`natter-extras-<hash>.js`), which opening the
 * widget to read and send text does not download.
 */
import { loadOnce } from '../load-once.js';
import { defineElements } from '../widget/define-elements.js';

const load = loadOnce(() => import('../forward-dialog.js').then((m) => defineElements({ 'forward-dialog': m.ForwardDialog })));

/** Registers `<forward-dialog>`, loading it first if needed; a failed load is tried again next time. */
export function loadForwardDialog(): Promise<unknown> {
  // Registered already (by `define.js`, as in the demo, or by an earlier load): nothing to fetch.
  // An app's bundler still gives the import() a chunk of its own (a one-line re-export), which
  // offline could not be fetched: Forward then did nothing until the network came back.
  return customElements.get('forward-dialog') ? Promise.resolve() : load();
}
