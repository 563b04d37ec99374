import type { ReactiveControllerHost } from 'lit';
import { messageKey, type ChatClient, type ChatMessage } from '../../client/types.js';
import { runChange } from './changes/change-actions.js';
import { composeIntent } from './changes/compose-intent.js';
import type { Reactors } from './changes/reactors.js';
import { loadOnce } from '../load-once.js';
import type { MessageMenu } from './message-menu.js';
import { adoptLazyStyles } from '../styles/lazy-styles.js';

type ReaderList = typeof import('./reader-list.js');

export interface ActionsHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export interface ActionsDeps {
  client(): ChatClient | undefined;
  /** The thread's messages, oldest first. */
  messages(): readonly ChatMessage[];
  forward(messageIds: string[], options?: { merge?: boolean }): Promise<boolean>;
  /** The conversation shown. */
  conversation(): string;
}

/**
 * What a thread's messages offer beyond reading: the action menu of one message (Forward,
 * Select; Resend, Delete when failed), multi-select, merged forwards opened in place. What an
 * open menu does (`./message-menu.ts`, with its styles) is loaded on the first press of a `⋯`.
 */
export class MessageActions {
  /** Key of the message whose action menu is open. */
  menuFor = '';
  /** Multi-select mode, and the ids picked in it (what changes them is the menu's, which Select starts). */
  selecting = false;
  selected: string[] = [];
  /** Keys of merged forwards opened in place. */
  expanded: ReadonlySet<string> = new Set();
  /** Key of the own group message whose reader list is open. */
  receiptsFor = '';
  /** The open menu's code, once the first press of a `⋯` loaded it. */
  menu: MessageMenu | undefined;
  readonly #loadMenu: () => Promise<MessageMenu>;
  /** Who reacted: loaded the first time someone asks (in the script tag: with the features loaded on first use). */
  reactors: Reactors | undefined;
  readonly #loadReactors: () => Promise<Reactors>;
  /** Who read an own group message: the list's code, loaded on the first press of a "Read by n of m" (likewise). */
  readerList: ReaderList | undefined;
  readonly #loadReaderList: () => Promise<ReaderList>;

  readonly #host: ActionsHost;
  readonly #deps: ActionsDeps;

  constructor(host: ActionsHost, deps: ActionsDeps) {
    this.#host = host;
    this.#deps = deps;
    this.#loadMenu = loadOnce(() =>
      import('./message-menu.js').then((m) => (this.menu = new m.MessageMenu(host, this, deps))),
    );
    this.#loadReactors = loadOnce(() => import('./changes/reactors.js').then((m) => (this.reactors = new m.Reactors(host, deps.client, deps.conversation))));
    this.#loadReaderList = loadOnce(() =>
      import('./reader-list.js').then((m) => (adoptLazyStyles(host.renderRoot, m.whoListsStyles, 'end'), (this.readerList = m))),
    );
  }

  /** Another conversation is shown: nothing stays open or picked. */
  reset(): void {
    this.menuFor = '';
    this.selecting = false;
    this.selected = [];
    this.receiptsFor = '';
    this.menu?.reset();
    this.reactors?.reset();
  }

  /** Makes a change and renders it. */
  set(change: () => void): void {
    change();
    this.#host.requestUpdate();
  }

  resend(m: ChatMessage): void {
    // The outcome shows in the thread (the message turns sent, or failed again).
    this.#deps.client()?.resend(m.clientMsgId).catch(() => {});
  }

  discard(m: ChatMessage): void {
    this.#deps.client()?.discard(m.clientMsgId).catch(() => {});
  }

  /** A refused text goes back to the composer to be rewritten; the failed message goes, if a composer took it. */
  editText(m: ChatMessage, text: string): void {
    const client = this.#deps.client();
    if (!client) return;
    const intent = composeIntent(client, this.#deps.conversation());
    intent.set({ kind: 'draft', message: m, text });
    // No composer listens (a thread shown alone): the message stays, with its Copy.
    if (intent.lc > 0) this.discard(m);
  }

  /** R on a focused message (or a control of its row, not in its menu) replies to it; E edits an own text. */
  rowKey(e: KeyboardEvent): void {
    const id = e.key === 'r' || e.key === 'R' ? 'reply' : e.key === 'e' || e.key === 'E' ? 'edit' : undefined;
    const target = e.composedPath()[0] as Element | undefined;
    if (!id || !target || target.closest?.('[part~="menu"], input, textarea')) return;
    const key = target.closest?.('[data-key]')?.getAttribute('data-key');
    const m = key ? this.#deps.messages().find((x) => messageKey(x) === key) : undefined;
    if (!m || m.status !== 'sent' || m.recalled || (id === 'edit' && !(m.isSelf && m.elem.type === 'text'))) return;
    e.preventDefault();
    runChange(this.#deps.client(), this.#deps.conversation(), m, { id });
  }

  /**
   * Opens or closes the menu of the message `key`; the first time, once its code is in (a failed
   * load opens nothing: the next press tries again).
   */
  toggleMenu(key: string): void {
    if (!this.menu && this.menuFor !== key) return void this.#loadMenu().then(() => this.menuFor !== key && this.toggleMenu(key), () => {});
    this.set(() => (this.menuFor = this.menuFor === key ? '' : key));
    if (this.menuFor) {
      void this.#host.updateComplete.then(() => this.#host.renderRoot.querySelector<HTMLElement>('[part~="menu"] [role="menuitem"]')?.focus());
    }
  }

  closeMenu(focusButton: boolean): void {
    const key = this.menuFor;
    this.set(() => (this.menuFor = ''));
    if (focusButton) void this.#host.updateComplete.then(() => this.menuButton(key)?.focus());
  }

  /** Opens or closes who reacted to `m`, loading the list first the first time (a failed load opens nothing; the next press tries again). */
  toggleReactors(m: ChatMessage, key: string): void {
    this.#loadReactors().then((reactors) => reactors.toggle(m, key), () => {});
  }

  /** The `⋯` of the message `key`, if its row is in the DOM. */
  menuButton(key: string): HTMLElement | null {
    return this.#host.renderRoot.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"] [part~="actions-button"]`);
  }

  /** Focus left the menu of the message `key`: its menu closes, if it is the one open. */
  menuFocusOut(key: string, e: FocusEvent): void {
    const next = e.relatedTarget as Node | null;
    if (next && (e.currentTarget as Element).contains(next)) return;
    // Clicking an item blurs nothing outside; a focus move out of the menu closes it. Focus left
    // on another message's button as its menu opens (a scripted click, assistive technology that
    // activates without focusing) moves into the new menu: that one stays open.
    if (this.menuFor === key) this.set(() => (this.menuFor = ''));
  }

  /** Opens or closes the list of who read a message; the first time, once its code is in (a failed load opens nothing: the next press tries again). */
  toggleReceipts(key: string): void {
    if (!this.readerList) return void this.#loadReaderList().then(() => this.toggleReceipts(key), () => {});
    this.set(() => (this.receiptsFor = this.receiptsFor === key ? '' : key));
  }

  /** Closes the reader list (Escape) and gives focus back to its button. */
  closeReceipts(key: string): void {
    this.set(() => (this.receiptsFor = ''));
    void this.#host.updateComplete.then(() =>
      this.#host.renderRoot.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"] [part~="receipts-button"]`)?.focus(),
    );
  }

  toggleExpanded(key: string): void {
    const next = new Set(this.expanded);
    if (!next.delete(key)) next.add(key);
    this.set(() => (this.expanded = next));
  }
}
