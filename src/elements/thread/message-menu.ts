import { html, nothing, type TemplateResult } from 'lit';
import { messageKey, type ChatMessage } from '../../client/types.js';
import { isResendable } from '../../client/resendable.js';
import { menuStrings, type MenuStrings } from '../i18n/message-menu.js';
import { panelLabels } from '../i18n/panel-labels.js';
import { loadOnce } from '../load-once.js';
import { adoptLazyStyles } from '../styles/lazy-styles.js';
import { runChange } from './changes/change-actions.js';
import { ReactionPicker } from './changes/reaction-picker.js';
import { isForwardable } from './elem-content.js';
import type { ActionsDeps, ActionsHost, MessageActions } from './message-actions.js';
import type { ReportDialog } from './report-dialog.js';
import { menuStyles } from './message-menu.styles.js';

export interface MenuItem {
  id: 'forward' | 'select' | 'resend' | 'delete' | 'reply' | 'react' | 'react-more' | 'edit' | 'recall' | 'hide' | 'pin' | 'unpin' | 'report';
  label: string;
  /** The emoji of a `react` item (shown instead of the label, which names it). */
  emoji?: string;
}

/** The quick set of reactions offered in a message's menu. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

/**
 * A failed message offers Resend (when a resend can succeed: `isResendable`) and Delete. A committed one: Forward and Select (when
 * forwardable), Reply, Edit (own text), Pin or Unpin, Recall (own), Delete for me, Report (others'
 * messages, to the site's moderators), then the quick reactions and More reactions (the full emoji picker). A recalled one only Delete for me; a
 * sending one nothing (`hasMenu` in `message-row.ts` says which messages have a menu button).
 */
export function menuItemsFor(m: ChatMessage, t: MenuStrings = menuStrings()): MenuItem[] {
  if (m.status === 'failed') return [...(isResendable(m.error) ? [{ id: 'resend', label: t.resend } as const] : []), { id: 'delete', label: t.delete }];
  if (m.status !== 'sent' || !m.id) return [];
  if (m.recalled || m.elem.type === 'recalled') return [{ id: 'hide', label: t.deleteForMe }];
  const items: MenuItem[] = [];
  if (isForwardable(m)) items.push({ id: 'forward', label: t.forward }, { id: 'select', label: t.select });
  items.push({ id: 'reply', label: t.reply });
  if (m.isSelf && m.elem.type === 'text') items.push({ id: 'edit', label: t.edit });
  items.push(m.pinned ? { id: 'unpin', label: t.unpin } : { id: 'pin', label: t.pin });
  if (m.isSelf) items.push({ id: 'recall', label: t.recall });
  items.push({ id: 'hide', label: t.deleteForMe });
  if (!m.isSelf && m.elem.type !== 'system') items.push({ id: 'report', label: panelLabels.report });
  for (const emoji of QUICK_REACTIONS) items.push({ id: 'react', label: t.react(emoji), emoji });
  items.push({ id: 'react-more', label: t.moreReactions });
  return items;
}

/**
 * Keyboard of an open message menu (WAI-ARIA menu button): arrows, Home and End move between
 * items, Escape closes it and returns focus to its button, Tab closes it.
 */
export function onMenuKeydown(e: KeyboardEvent, close: (focusButton: boolean) => void): void {
  const menu = e.currentTarget as HTMLElement;
  const items = [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]')];
  const at = items.indexOf(e.target as HTMLElement);
  const next: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 };
  if (e.key === 'Escape') {
    e.preventDefault();
    e.stopPropagation();
    close(true);
  } else if (e.key === 'Tab') {
    close(false);
  } else if (e.key in next) {
    e.preventDefault();
    items[(next[e.key]! + items.length) % items.length]?.focus();
  }
}

/** The bar of multi-select mode: how many are picked, forward one by one or merged, cancel. */
export function renderSelectionBar(t: MenuStrings, count: number, on: { forward(merge: boolean): void; cancel(): void }) {
  return html`<div part="selection-bar" role="toolbar" aria-label=${t.selected(count)}>
    <span aria-live="polite">${t.selected(count)}</span>
    <button part="forward-each-button" type="button" ?disabled=${count === 0} @click=${() => on.forward(false)}>${t.forwardEach}</button>
    <button part="forward-merged-button" type="button" ?disabled=${count === 0} @click=${() => on.forward(true)}>${t.forwardMerged}</button>
    <button part="cancel-selection-button" type="button" @click=${on.cancel}>${t.cancel}</button>
  </div>`;
}

/**
 * What a message's menu does once one opens, loaded on the first press of a `⋯` (in the script
 * tag: with the features loaded on first use, fetched on idle): its items and their keys, what a
 * picked item does, the full reaction picker, the report dialog and the bar of multi-select mode
 * (which only Select starts). The button itself, and the state it shows, are `MessageActions`'.
 */
export class MessageMenu {
  /** The full emoji picker for a reaction ("More reactions"), set up when first asked for. */
  readonly picker: ReactionPicker;
  /** The "Report" dialog of a message: loaded the first time someone reports (in the script tag: `natter-extras-<hash>.js`). */
  report: ReportDialog | undefined;
  readonly #loadReport: () => Promise<ReportDialog>;
  readonly #actions: MessageActions;
  readonly #deps: ActionsDeps;

  constructor(host: ActionsHost, actions: MessageActions, deps: ActionsDeps) {
    this.#actions = actions;
    this.#deps = deps;
    // After the thread's own sheets: they win over them, as they did when they came with them.
    adoptLazyStyles(host.renderRoot, menuStyles, 'end');
    const focusBack = (m: ChatMessage) => actions.menuButton(messageKey(m))?.focus();
    this.picker = new ReactionPicker(host, { react: (m, emoji) => runChange(deps.client(), deps.conversation(), m, { id: 'react', emoji }), focusBack });
    const reportDeps = { client: deps.client, conversation: deps.conversation, focusBack };
    this.#loadReport = loadOnce(() => import('./report-dialog.js').then((m) => (this.report = new m.ReportDialog(host, reportDeps))));
  }

  /** Another conversation is shown: no picker or dialog stays open. */
  reset(): void {
    this.picker.close();
    this.report?.reset();
  }

  pick(m: ChatMessage, picked: MenuItem): void {
    const actions = this.#actions;
    const item = picked.id;
    // Focus goes back to the message's menu button first, so the dialog returns it there.
    actions.closeMenu(false);
    actions.menuButton(messageKey(m))?.focus();
    if (runChange(this.#deps.client(), this.#deps.conversation(), m, picked)) return;
    if (item === 'react-more') void this.picker.show(m);
    else if (item === 'report') void this.#loadReport().then((dialog) => dialog.show(m));
    else if (item === 'forward') void this.#deps.forward([m.id]);
    else if (item === 'select') {
      actions.set(() => {
        actions.selecting = true;
        actions.selected = [m.id];
      });
    }
    else if (item === 'resend') actions.resend(m);
    else if (item === 'delete') actions.discard(m);
  }

  /** Picks or unpicks a message in multi-select mode. */
  toggleSelected(id: string): void {
    const actions = this.#actions;
    actions.set(() => (actions.selected = actions.selected.includes(id) ? actions.selected.filter((x) => x !== id) : [...actions.selected, id]));
  }

  /** Forwards the picked messages (one by one, or merged) and, once the dialog opened, leaves multi-select mode. */
  forwardSelected(merge: boolean): void {
    const actions = this.#actions;
    // In thread order, whatever order they were picked in.
    const order = this.#deps.messages().map((m) => m.id);
    const ids = [...actions.selected].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    if (ids.length === 0) return;
    void this.#deps.forward(ids, { merge }).then((opened) => {
      if (opened) actions.set(() => actions.reset());
    });
  }

  /** In multi-select mode, the checkbox of a message that can be forwarded. */
  renderCheckbox(m: ChatMessage): TemplateResult | typeof nothing {
    if (!this.#actions.selecting || !isForwardable(m)) return nothing;
    return html`<input
      part="select-checkbox"
      type="checkbox"
      aria-label=${menuStrings().selectMessage}
      .checked=${this.#actions.selected.includes(m.id)}
      @change=${() => this.toggleSelected(m.id)}
    />`;
  }

  /** The open menu of `m` (its items as menu items, the quick reactions in a row of their own). */
  render(m: ChatMessage): TemplateResult {
    const t = menuStrings();
    const items = menuItemsFor(m, t);
    const item = (i: MenuItem, inner: unknown, label?: string) =>
      html`<button part="menu-item ${i.id}" role="menuitem" type="button" tabindex="-1" aria-haspopup=${i.id === 'react-more' ? 'dialog' : nothing} aria-label=${label ?? nothing} title=${label ?? nothing} @click=${() => this.pick(m, i)}>
        ${inner}
      </button>`;
    const reactions = items.filter((i) => i.emoji || i.id === 'react-more');
    return html`<div part="menu" role="menu" aria-label=${t.actions} @keydown=${(e: KeyboardEvent) => onMenuKeydown(e, (focusButton) => this.#actions.closeMenu(focusButton))}>
      ${items.filter((i) => !reactions.includes(i)).map((i) => item(i, i.label))}
      ${reactions.length
        ? html`<div class="quick-reactions" role="group">${reactions.map((i) => item(i, i.emoji ?? html`<span aria-hidden="true">+</span>`, i.label))}</div>`
        : nothing}
    </div>`;
  }

  /** What shows over the thread: the bar of multi-select mode, the reaction picker, the report dialog. */
  renderOverlays(): unknown[] {
    const actions = this.#actions;
    return [
      actions.selecting ? renderSelectionBar(menuStrings(), actions.selected.length, { forward: (merge) => this.forwardSelected(merge), cancel: () => actions.set(() => actions.reset()) }) : nothing,
      this.picker.render(),
      this.report?.render() ?? nothing,
    ];
  }
}
