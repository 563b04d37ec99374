/**
 * Loads `<forward-dialog>` once per page, when a person first forwards a message. In the script
 * tag it is a chunk of its own (`natter-forward-<hash>.js`), which opening the widget to read and
 * send text does not download.
 */
import { loadOnce } from '../load-once.js';
import { defineElements } from '../widget/define-elements.js';

/** Registers `<forward-dialog>`, loading it first if needed; a failed load is tried again next time. */
export const loadForwardDialog = loadOnce(() => import('../forward-dialog.js').then((m) => defineElements({ 'forward-dialog': m.ForwardDialog })));
