/** Focus helpers of the elements' modal dialogs (`<forward-dialog>`, the group dialogs). */

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]):not([tabindex="-1"]), textarea:not([disabled])';

/**
 * Keeps Tab inside a modal `<dialog>` of a shadow root: a modal dialog makes the page inert but
 * lets Tab leave for the browser's UI. Call it from the dialog's keydown handler.
 */
export function trapTab(e: KeyboardEvent, dialog: HTMLDialogElement | null, root: Element['shadowRoot'] | HTMLElement): void {
  if (e.key !== 'Tab' || !dialog) return;
  const focusable = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
  if (focusable.length === 0) return;
  const current = root instanceof ShadowRoot ? root.activeElement : null;
  const first = focusable[0]!;
  const last = focusable.at(-1)!;
  if (e.shiftKey && current === first) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && current === last) {
    e.preventDefault();
    first.focus();
  }
}

/** The focused element, looking into shadow roots (the opener usually lives in one). */
export function deepActiveElement(): Element | null {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}
