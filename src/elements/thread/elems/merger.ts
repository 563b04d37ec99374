import { html, type TemplateResult } from 'lit';
import type { MergerElem } from '../../../protocol/elems.js';
import { formatTime } from '../../format.js';
import { describeElemText } from '../../i18n/elems.js';
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
              <div class="merger-text">${describeElemText(inner.elem)}</div>
            </li>`,
          )}
        </ol>`
      : html`<ul class="merger-abstract">
          ${abstractLines(elem, t).map((line) => html`<li>${line}</li>`)}
        </ul>`}
    <button part="merger-open-button" type="button" aria-expanded=${expanded ? 'true' : 'false'} @click=${onToggle}>
      ${expanded ? t.hideMessages : t.showMessages}
    </button>
  </div>`;
}

/**
 * The abstract in the reader's language: the sender's `abstractList` says "[image]" in English,
 * so its lines are rebuilt from the original messages it summarises (as many as it has).
 */
function abstractLines(elem: MergerElem, t: UiStrings): string[] {
  const inner = elem.messages.slice(0, elem.abstractList.length);
  if (inner.length < elem.abstractList.length) return elem.abstractList;
  return inner.map((m) => t.said(m.senderProfile.name || m.sender, describeElemText(m.elem)));
}
