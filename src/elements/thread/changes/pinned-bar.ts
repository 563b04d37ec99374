import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from '../../../client/types.js';
import type { ChangeStrings } from '../../i18n/changes.js';
import { describeElemText } from '../../i18n/elems.js';
import { excerptOf } from './compose-intent.js';

/** The pinned messages a thread holds, latest pin first. */
export function pinnedOf(messages: readonly ChatMessage[]): ChatMessage[] {
  return messages.filter((m) => m.pinned && !m.recalled).sort((a, b) => b.pinned!.time - a.pinned!.time || b.seq - a.seq);
}

/**
 * The bar at the top of a thread showing one pinned message (the latest pin first): activating
 * it jumps to that message and moves the bar on to the next pin, round.
 */
export function renderPinnedBar(s: ChangeStrings, pins: readonly ChatMessage[], index: number, onActivate: (m: ChatMessage, next: number) => void): TemplateResult | typeof nothing {
  if (pins.length === 0) return nothing;
  const at = index % pins.length;
  const m = pins[at]!;
  const excerpt = excerptOf(describeElemText(m.elem));
  const label = pins.length > 1 ? s.pinnedOf(at + 1, pins.length) : s.pinned;
  return html`<button part="pinned-bar" type="button" aria-label=${`${label}: ${excerpt}`} @click=${() => onActivate(m, (at + 1) % pins.length)}>
    <span part="pinned-label">📌 ${label}</span>
    <span part="pinned-excerpt"><bdi>${excerpt}</bdi></span>
  </button>`;
}
