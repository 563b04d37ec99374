import { html } from 'lit';
import type { ChatMessage } from '../../client/types.js';
import type { UiStrings } from '../i18n/ui.js';

/** The bar of multi-select mode: how many are picked, forward one by one or merged, cancel. */
export function renderSelectionBar(t: UiStrings, count: number, on: { forward(merge: boolean): void; cancel(): void }) {
  return html`<div part="selection-bar" role="toolbar" aria-label=${t.selected(count)}>
    <span aria-live="polite">${t.selected(count)}</span>
    <button part="forward-each-button" type="button" ?disabled=${count === 0} @click=${() => on.forward(false)}>${t.forwardEach}</button>
    <button part="forward-merged-button" type="button" ?disabled=${count === 0} @click=${() => on.forward(true)}>${t.forwardMerged}</button>
    <button part="cancel-selection-button" type="button" @click=${on.cancel}>${t.cancel}</button>
  </div>`;
}

/** Title of a merged forward: "Chat history of Bob, Alice" (senders in order of appearance). */
export function mergeTitle(t: UiStrings, held: ChatMessage[], ids: string[]): string {
  const names = new Set<string>();
  for (const id of ids) {
    const m = held.find((x) => x.id === id);
    if (m) names.add(m.senderProfile.name || m.sender);
  }
  return t.mergeTitle([...names].join(t.nameSeparator)).slice(0, 120);
}
