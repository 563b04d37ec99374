import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from '../../client/types.js';
import { describeElem, type MergerElem } from '../../protocol/elems.js';
import type { Message } from '../../protocol/message.js';
import { formatTime } from '../format.js';
import type { UiStrings } from '../i18n/ui.js';
import { linkify } from '../linkify.js';

/** The "Forwarded from …" line of a forwarded message. */
export function renderForwardedFrom(m: Message, t: UiStrings): TemplateResult | typeof nothing {
  const from = m.forwardedFrom;
  if (!from) return nothing;
  return html`<div part="forwarded-from">${t.forwardedFrom(from.senderName || from.sender)}</div>`;
}

/** What a bubble shows: text with safe links, a merged forward, or a one-line description. */
export function renderElem(
  m: Message,
  t: UiStrings,
  expanded: boolean,
  onToggle: () => void,
): TemplateResult | TemplateResult[] | (string | TemplateResult)[] {
  if (m.elem.type === 'text') {
    return linkify(m.elem.text).map((part) =>
      part.href ? html`<a href=${part.href} target="_blank" rel="noopener noreferrer">${part.text}</a>` : part.text,
    );
  }
  if (m.elem.type === 'merger') return renderMerger(m.elem, t, expanded, onToggle);
  return html`<span class="fallback">${describeElem(m.elem)}</span>`;
}

/**
 * A merged forward: its title and abstract lines, and a disclosure that shows the original
 * messages in place (each with its sender and time; nested mergers stay summarised).
 */
function renderMerger(elem: MergerElem, t: UiStrings, expanded: boolean, onToggle: () => void): TemplateResult {
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

/** Whether a message can be offered for forwarding (committed, not a notification or call). */
export function isForwardable(m: ChatMessage): boolean {
  return m.status === 'sent' && m.id !== '' && m.elem.type !== 'system' && m.elem.type !== 'call';
}
