import { html, type TemplateResult } from 'lit';
import type { UiStrings } from '../i18n/ui.js';

/**
 * The row under the last message saying who is typing ("bob is typing…", "2 people are
 * typing…"). It is always there, empty when nobody types, so the polite live region exists
 * before its text changes and assistive technology announces the change.
 */
export function renderTypingRow(t: UiStrings, names: readonly string[]): TemplateResult {
  const text = names.length > 0 ? t.typing([...names]) : '';
  return html`<div part="typing" class=${text ? 'typing' : 'typing idle'} role="status" aria-live="polite" aria-atomic="true">${text
    ? html`<span class="typing-dots" aria-hidden="true"><span></span><span></span><span></span></span><span class="typing-text">${text}</span>`
    : ''}</div>`;
}
