import type { ReactiveControllerHost } from 'lit';
import { messageKey, type ChatClient, type ChatMessage } from '../../client/types.js';
import { runChange } from './changes/change-actions.js';
import { composeIntent } from './changes/compose-intent.js';
import { ReactionPicker } from './changes/reaction-picker.js';
import type { Reactors } from './changes/reactors.js';
import type { ReportDialog } from './report-dialog.js';
import { loadOnce } from '../load-once.js';
import type { MenuItem } from './message-menu.js';

interface ActionsHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

interface ActionsDeps {
  client(): ChatClient | undefined;
  /** The thread's messages, oldest first. */
  messages(): readonly ChatMessage[];
  forward(messageIds: string[], options?: { merge?: boolean }): Promise<boolean>;
  /** The conversation shown. */
  conversation(): string;
}

/**
 * What a thread's messages offer beyond reading: the action menu of one message (Forward,
 * Select; Resend, Delete when failed), multi-select, merged forwards opened in place.
 */
export class MessageActions {
  /** Key of the message whose action menu is open. */
  menuFor = '';
  /** Multi-select mode, and the ids picked in it. */
  selecting = false;
  selected: string[] = [];
  /** Keys of merged forwards opened in place. */
  expanded: ReadonlySet<string> = new Set();
  /** Key of the own group message whose reader list is open. */
  receiptsFor = '';
  /** The full emoji picker for a reaction ("More reactions"), set up when first asked for. */
  readonly picker: ReactionPicker;
  /** Who reacted: loaded the first time someone asks (in the script tag: with the features loaded on first use). */
  reactors: Reactors | undefined;
  readonly #loadReactors: () => Promise<Reactors>;
  /** The "Report" dialog of a message: loaded the first time someone reports (in the script tag: `natter-extras-<hash>.js`). */
  report: ReportDialog | undefined;
  readonly #loadReport: () => Promise<ReportDialog>;

  readonly #host: ActionsHost;
  readonly #deps: ActionsDeps;

  constructor(host: ActionsHost, deps: ActionsDeps) {
    this.#host = host;
    this.#deps = deps;
    this.picker = new ReactionPicker(host, {
      react: (m, emoji) => runChange(deps.client(), deps.conversation(), m, { id: 'react', emoji }),
      focusBack: (m) => this.#menuButton(messageKey(m))?.focus(),
    });
    this.#loadReactors = loadOnce(() => import('./changes/reactors.js').then((m) => (this.reactors = new m.Reactors(host, deps.client, deps.conversation))));
    const reportDeps = { client: deps.client, conversation: deps.conversation, focusBack: (m: ChatMessage) => this.#menuButton(messageKey(m))?.focus() };
    this.#loadReport = loadOnce(() => import('./report-dialog.js').then((m) => (this.report = new m.ReportDialog(host, reportDeps))));
  }

  /** Another conversation is shown: nothing stays open or picked. */
  reset(): void {
    this.menuFor = '';
    this.selecting = false;
    this.selected = [];
    this.receiptsFor = '';
    this.picker.close();
    this.reactors?.reset();
    this.report?.reset();
  }

  #set(change: () => void): void {
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

  toggleMenu(key: string): void {
    this.#set(() => (this.menuFor = this.menuFor === key ? '' : key));
    if (this.menuFor) {
      void this.#host.updateComplete.then(() => this.#host.renderRoot.querySelector<HTMLElement>('[part~="menu"] [role="menuitem"]')?.focus());
    }
  }

  closeMenu(focusButton: boolean): void {
    const key = this.menuFor;
    this.#set(() => (this.menuFor = ''));
    if (focusButton) void this.#host.updateComplete.then(() => this.#menuButton(key)?.focus());
  }

  /** Opens or closes who reacted to `m`, loading the list first the first time (a failed load opens nothing; the next press tries again). */
  toggleReactors(m: ChatMessage, key: string): void {
    this.#loadReactors().then((reactors) => reactors.toggle(m, key), () => {});
  }

  #menuButton(key: string): HTMLElement | null {
    return this.#host.renderRoot.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"] [part~="actions-button"]`);
  }

  pick(m: ChatMessage, picked: MenuItem): void {
    const key = messageKey(m);
    const item = picked.id;
    // Focus goes back to the message's menu button first, so the dialog returns it there.
    this.closeMenu(false);
    this.#menuButton(key)?.focus();
    if (runChange(this.#deps.client(), this.#deps.conversation(), m, picked)) return;
    if (item === 'react-more') void this.picker.show(m);
    else if (item === 'report') void this.#loadReport().then((dialog) => dialog.show(m));
    else if (item === 'forward') void this.#deps.forward([m.id]);
    else if (item === 'select') {
      this.#set(() => {
        this.selecting = true;
        this.selected = [m.id];
      });
    } else if (item === 'resend') this.resend(m);
    else if (item === 'delete') this.discard(m);
  }

  /** Focus left the menu of the message `key`: its menu closes, if it is the one open. */
  menuFocusOut(key: string, e: FocusEvent): void {
    const next = e.relatedTarget as Node | null;
    if (next && (e.currentTarget as Element).contains(next)) return;
    // Clicking an item blurs nothing outside; a focus move out of the menu closes it. Focus left
    // on another message's button as its menu opens (a scripted click, assistive technology that
    // activates without focusing) moves into the new menu: that one stays open.
    if (this.menuFor === key) this.#set(() => (this.menuFor = ''));
  }

  /** Opens or closes the list of who read a message. */
  toggleReceipts(key: string): void {
    this.#set(() => (this.receiptsFor = this.receiptsFor === key ? '' : key));
  }

  /** Closes the reader list (Escape) and gives focus back to its button. */
  closeReceipts(key: string): void {
    this.#set(() => (this.receiptsFor = ''));
    void this.#host.updateComplete.then(() =>
      this.#host.renderRoot.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"] [part~="receipts-button"]`)?.focus(),
    );
  }

  toggleSelected(id: string): void {
    this.#set(() => (this.selected = this.selected.includes(id) ? this.selected.filter((x) => x !== id) : [...this.selected, id]));
  }

  toggleExpanded(key: string): void {
    const next = new Set(this.expanded);
    if (!next.delete(key)) next.add(key);
    this.#set(() => (this.expanded = next));
  }

  forwardSelected(merge: boolean): void {
    // In thread order, whatever order they were picked in.
    const order = this.#deps.messages().map((m) => m.id);
    const ids = [...this.selected].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    if (ids.length === 0) return;
    void this.#deps.forward(ids, { merge }).then((opened) => {
      if (opened) this.#set(() => this.reset());
    });
  }

  cancelSelection(): void {
    this.#set(() => this.reset());
  }
}
