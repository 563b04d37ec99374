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

/** An element with a `<dialog>` in its shadow root and a reflected `open` (a LitElement). */
export type ModalHost = HTMLElement & { open: boolean; readonly updateComplete: Promise<boolean>; readonly renderRoot: HTMLElement | DocumentFragment };

/**
 * What the elements' modal dialogs share (`<group-panel>`, `<group-create-dialog>`,
 * `<profile-card>`, `<contacts-view>`): opening as a modal with focus on a first control, Tab
 * kept inside, Esc through the element's own close, and focus back where it was after closing.
 */
export class ModalDialog {
  readonly #host: ModalHost;
  #returnFocus: HTMLElement | undefined;

  constructor(host: ModalHost) {
    this.#host = host;
  }

  get dialog(): HTMLDialogElement | null {
    return this.#host.renderRoot.querySelector('dialog');
  }

  /** The `<dialog>`'s `cancel` (Esc): closed through `close`, so state resets and focus returns. */
  readonly onCancel = (e: Event): void => {
    e.preventDefault();
    this.close();
  };

  /** The `<dialog>`'s `keydown`. */
  readonly onKeydown = (e: KeyboardEvent): void => trapTab(e, this.dialog, this.#host.renderRoot as ShadowRoot);

  /** Opens the host's dialog as a modal and focuses the first element matching `focus`. */
  async show(focus: string): Promise<void> {
    const active = deepActiveElement();
    this.#returnFocus = active instanceof HTMLElement ? active : undefined;
    this.#host.open = true;
    await this.#host.updateComplete;
    if (!this.dialog?.open) this.dialog?.showModal();
    this.#host.renderRoot.querySelector<HTMLElement>(focus)?.focus();
  }

  /** Closes it; focus returns to the element that had it when it opened. False when it was not open. */
  close(): boolean {
    if (!this.#host.open) return false;
    this.dialog?.close();
    this.#host.open = false;
    const back = this.#returnFocus;
    this.#returnFocus = undefined;
    if (back?.isConnected) back.focus();
    return true;
  }
}
