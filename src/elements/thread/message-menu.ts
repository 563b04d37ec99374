import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from '../../client/types.js';
import { isResendable } from '../../client/resendable.js';
import type { UiStrings } from '../i18n/ui.js';
import { changeStrings } from '../i18n/changes.js';
import { panelLabels } from '../i18n/panel-labels.js';
import { isForwardable } from './elem-content.js';

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
 * sending one nothing.
 */
export function menuItemsFor(m: ChatMessage, t: UiStrings): MenuItem[] {
  if (m.status === 'failed') return [...(isResendable(m.error) ? [{ id: 'resend', label: t.resend } as const] : []), { id: 'delete', label: t.delete }];
  const s = changeStrings();
  if (m.status !== 'sent' || !m.id) return [];
  if (m.recalled || m.elem.type === 'recalled') return [{ id: 'hide', label: s.deleteForMe }];
  const items: MenuItem[] = [];
  if (isForwardable(m)) items.push({ id: 'forward', label: t.forward }, { id: 'select', label: t.select });
  items.push({ id: 'reply', label: s.reply });
  if (m.isSelf && m.elem.type === 'text') items.push({ id: 'edit', label: s.edit });
  items.push(m.pinned ? { id: 'unpin', label: s.unpin } : { id: 'pin', label: s.pin });
  if (m.isSelf) items.push({ id: 'recall', label: s.recall });
  items.push({ id: 'hide', label: s.deleteForMe });
  if (!m.isSelf && m.elem.type !== 'system') items.push({ id: 'report', label: panelLabels.report });
  for (const emoji of QUICK_REACTIONS) items.push({ id: 'react', label: s.react(emoji), emoji });
  items.push({ id: 'react-more', label: s.moreReactions });
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

/** The menu button of a message and, when open, its menu. */
export function renderMessageMenu(options: {
  label: string;
  open: boolean;
  items: MenuItem[];
  onToggle: () => void;
  onPick: (item: MenuItem) => void;
  onKeydown: (e: KeyboardEvent) => void;
  onFocusOut: (e: FocusEvent) => void;
}): TemplateResult | typeof nothing {
  if (options.items.length === 0) return nothing;
  return html`<span class="actions" @focusout=${options.onFocusOut}>
    <button
      part="actions-button"
      type="button"
      aria-label=${options.label}
      aria-haspopup="menu"
      aria-expanded=${options.open ? 'true' : 'false'}
      @click=${options.onToggle}
    >
      ⋯
    </button>
    ${options.open
      ? html`<div part="menu" role="menu" aria-label=${options.label} @keydown=${options.onKeydown}>
          ${options.items
            .filter((item) => !item.emoji && item.id !== 'react-more')
            .map(
              (item) => html`<button part="menu-item ${item.id}" role="menuitem" type="button" tabindex="-1" @click=${() => options.onPick(item)}>
                ${item.label}
              </button>`,
            )}
          ${options.items.some((item) => item.emoji)
            ? html`<div class="quick-reactions" role="group">
                ${options.items
                  .filter((item) => item.emoji)
                  .map(
                    (item) => html`<button part="menu-item react" role="menuitem" type="button" tabindex="-1" aria-label=${item.label} title=${item.label} @click=${() => options.onPick(item)}>
                      ${item.emoji}
                    </button>`,
                  )}
                ${options.items
                  .filter((item) => item.id === 'react-more')
                  .map(
                    (item) => html`<button part="menu-item react-more" role="menuitem" type="button" tabindex="-1" aria-haspopup="dialog" aria-label=${item.label} title=${item.label} @click=${() => options.onPick(item)}>
                      <span aria-hidden="true">+</span>
                    </button>`,
                  )}
              </div>`
            : nothing}
        </div>`
      : nothing}
  </span>`;
}
