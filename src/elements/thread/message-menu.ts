import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from '../../client/types.js';
import type { UiStrings } from '../i18n/ui.js';
import { isForwardable } from './elem-content.js';

export interface MenuItem {
  id: 'forward' | 'select' | 'resend' | 'delete';
  label: string;
}

/** A failed message offers Resend and Delete; a committed forwardable one Forward and Select; others nothing. */
export function menuItemsFor(m: ChatMessage, t: UiStrings): MenuItem[] {
  if (m.status === 'failed') return [{ id: 'resend', label: t.resend }, { id: 'delete', label: t.delete }];
  if (!isForwardable(m)) return [];
  return [{ id: 'forward', label: t.forward }, { id: 'select', label: t.select }];
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
  onPick: (item: MenuItem['id']) => void;
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
          ${options.items.map(
            (item) => html`<button part="menu-item ${item.id}" role="menuitem" type="button" tabindex="-1" @click=${() => options.onPick(item.id)}>
              ${item.label}
            </button>`,
          )}
        </div>`
      : nothing}
  </span>`;
}
