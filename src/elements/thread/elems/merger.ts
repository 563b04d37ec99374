import { html, type TemplateResult } from 'lit';
import { describeElem, type MergerElem } from '../../../protocol/elems.js';
import { formatTime } from '../../format.js';
import type { UiStrings } from '../../i18n/ui.js';

/**
 * A merged forward: its title and abstract lines, and a disclosure that shows the original
 * messages in place (each with its sender and time; nested mergers stay summarised).
 */
export function renderMerger(elem: MergerElem, t: UiStrings, expanded: boolean, onToggle: () => void): TemplateResult {
  return html`<div part="merger">
    <strong part="merger-title">${elem.title}</strong>
    <span class="merger-count">${t.chatHistory(elem.messages.length)}</span>
    ${expanded
      ? html`<ol part="merger-messages">
          ${elem.messages.map(
            (inner) => html`<li>
              <span class="merger-sender">${inner.senderProfile.name || inner.sender}</span>
              <time datetime=${new Date(inner.time).toISOString()}>${formatTime(inner.time)}</time>
              <div class="merger-text">${inner.elem.type === 'text' ? inner.elem.text : describeElem(inner.elem)}</div>
            </li>`,
          )}
        </ol>`
      : html`<ul class="merger-abstract">
          ${elem.abstractList.map((line) => html`<li>${line}</li>`)}
        </ul>`}
    <button part="merger-open-button" type="button" aria-expanded=${expanded ? 'true' : 'false'} @click=${onToggle}>
      ${expanded ? t.hideMessages : t.showMessages}
    </button>
  </div>`;
}
