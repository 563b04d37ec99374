import { html, nothing, type TemplateResult } from 'lit';
import type { Pin } from './pins.js';
import type { ChangeStrings } from '../../i18n/changes.js';
import { describeElemText } from '../../i18n/elems.js';
import { listStrings } from '../../i18n/list.js';
import { excerptOf } from './compose-intent.js';

/**
 * The bar at the top of a thread showing one pinned message (the latest pin first): activating
 * it jumps to that message and moves the bar on to the next pin, round. The excerpt runs in its
 * own direction (`dir="auto"`, isolated as a <bdi> is), so it is cut at its end on a page of the other.
 */
export function renderPinnedBar(
  s: ChangeStrings,
  pins: readonly Pin[],
  index: number,
  nameOf: (id: string) => string,
  me: string | undefined,
  onActivate: (pin: Pin, next: number) => void,
): TemplateResult | typeof nothing {
  if (pins.length === 0) return nothing;
  const at = index % pins.length;
  const pin = pins[at]!;
  const m = pin.message;
  // A pin of a message not loaded shows the server's excerpt (sender and one line).
  const excerpt = m ? excerptOf(describeElemText(m.elem)) : (pin.quote?.excerpt ?? '…');
  const q = pin.quote;
  const from = m?.sender ?? q?.sender;
  // One's own message says "You", as the conversation list and search do.
  const sender = !from ? '' : from === me ? listStrings().you : (m ? m.senderProfile.name : q!.senderName) || nameOf(from);
  const label = pins.length > 1 ? s.pinnedOf(at + 1, pins.length) : s.pinned;
  return html`<button part="pinned-bar" type="button" aria-label=${`${label}: ${sender ? `${sender}: ` : ''}${excerpt}`} @click=${() => onActivate(pin, (at + 1) % pins.length)}>
    <span part="pinned-label">📌 ${label}</span>
    <span class="pinned-line">${sender ? html`<span part="pinned-sender"><bdi>${sender}</bdi>:</span>` : nothing}
      <span part="pinned-excerpt" dir="auto">${excerpt}</span></span>
  </button>`;
}
