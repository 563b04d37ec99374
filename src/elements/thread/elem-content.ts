import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from '../../client/types.js';
import type { Message } from '../../protocol/message.js';
import { describeElemText } from '../i18n/elems.js';
import type { UiStrings } from '../i18n/ui.js';
import { renderCall } from './elems/call.js';
import type { ElemContext } from './elems/context.js';
import { renderCustom } from './elems/custom.js';
import { renderFace } from './elems/face.js';
import { renderFile } from './elems/file.js';
import { renderImage } from './elems/image.js';
import { renderLocation } from './elems/location.js';
import { renderSound, renderVideo } from './elems/media.js';
import { renderMerger } from './elems/merger.js';
import { renderFormattedText } from './elems/formatted.js';
import { renderLinkCard } from './elems/link-card.js';

export type { ElemContext } from './elems/context.js';

/** The "Forwarded from …" line of a forwarded message. */
export function renderForwardedFrom(m: Message, t: UiStrings): TemplateResult | typeof nothing {
  const from = m.forwardedFrom;
  if (!from) return nothing;
  return html`<div part="forwarded-from">${t.forwardedFrom(from.senderName || from.sender)}</div>`;
}

/**
 * What a bubble shows for each elem type. Anything that cannot be drawn safely (a media URL
 * that is not http(s)) shows the elem's one-line description instead.
 */
export function renderElem(m: ChatMessage, ctx: ElemContext, expanded: boolean, onToggle: () => void): unknown {
  const elem = m.elem;
  switch (elem.type) {
    case 'text':
      return elem.preview
        ? [renderFormattedText(elem.text, ctx.mentionNames(m), ctx.formatting, ctx.refresh), renderLinkCard(elem.preview, ctx.fileUrl)]
        : renderFormattedText(elem.text, ctx.mentionNames(m), ctx.formatting, ctx.refresh);
    case 'image':
      return renderImage(elem, ctx) ?? fallback(m);
    case 'sound':
      return renderSound(elem, ctx) ?? fallback(m);
    case 'video':
      return renderVideo(elem, ctx) ?? fallback(m);
    case 'file':
      return renderFile(elem, ctx);
    case 'location':
      return renderLocation(elem, ctx);
    case 'face':
      return renderFace(elem, ctx);
    case 'custom':
      return renderCustom(elem, m, ctx);
    case 'call':
      return renderCall(elem, ctx);
    case 'merger':
      return renderMerger(elem, ctx.t, expanded, onToggle);
    default:
      return fallback(m);
  }
}

function fallback(m: Message): TemplateResult {
  return html`<span class="fallback">${describeElemText(m.elem)}</span>`;
}

/** Whether a message can be offered for forwarding (committed, not a notification or call). */
export function isForwardable(m: ChatMessage): boolean {
  return m.status === 'sent' && m.id !== '' && m.elem.type !== 'system' && m.elem.type !== 'call';
}
