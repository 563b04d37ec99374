import { html, nothing, type TemplateResult } from 'lit';
import type { Pin } from './pins.js';
import type { ChangeStrings } from '../../i18n/changes.js';
import { describeElemText } from '../../i18n/elems.js';
import { excerptOf } from './compose-intent.js';

/**
 * The bar at the top of a thread showing one pinned message (the latest pin first): activating
 * it jumps to that message and moves the bar on to the next pin, round.
 */
export function renderPinnedBar(s: ChangeStrings, pins: readonly Pin[], index: number, onActivate: (pin: Pin, next: number) => void): TemplateResult | typeof nothing {
  if (pins.length === 0) return nothing;
  const at = index % pins.length;
  const m = pins[at]!;
  // A pin of a message not loaded yet has no excerpt until the jump brings it.
  const excerpt = m.message ? excerptOf(describeElemText(m.message.elem)) : '…';
  const label = pins.length > 1 ? s.pinnedOf(at + 1, pins.length) : s.pinned;
  return html`<button part="pinned-bar" type="button" aria-label=${`${label}: ${excerpt}`} @click=${() => onActivate(m, (at + 1) % pins.length)}>
    <span part="pinned-label">📌 ${label}</span>
    <span part="pinned-excerpt"><bdi>${excerpt}</bdi></span>
  </button>`;
}
