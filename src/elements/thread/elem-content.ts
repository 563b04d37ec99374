import { html, nothing, type TemplateResult } from 'lit';
import type { ChatMessage } from '../../client/types.js';
import type { Message } from '../../protocol/message.js';
import { describeElemText } from '../i18n/elems.js';
import type { UiStrings } from '../i18n/ui.js';
import { renderCall } from './elems/call.js';
import type { ElemContext } from './elems/context.js';
import { renderCustom } from './elems/custom.js';
import { renderFace } from './elems/face.js';
import { lazyModule } from '../load-once.js';
import { mediaBox } from './elems/media-box.js';
import type { MediaElem } from './elems/media-elems.js';
import { renderMerger } from './elems/merger.js';
import { renderFormattedText } from './elems/formatted.js';
import { renderLinkCard } from './elems/link-card.js';

const mediaElems = lazyModule(() => import('./elems/media-elems.js'));

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
        ? [renderFormattedText(elem.text, ctx.mentionNames(m), ctx), renderLinkCard(elem.preview, ctx.fileUrl)]
        : renderFormattedText(elem.text, ctx.mentionNames(m), ctx);
    case 'image':
    case 'sound':
    case 'video':
    case 'file':
    case 'location': {
      const module = mediaElems(ctx.refresh);
      if (!module) return placeholder(elem);
      ctx.adopt(module.mediaElemsStyles);
      const render = module.mediaRenderers[elem.type] as (elem: MediaElem, ctx: ElemContext) => TemplateResult | undefined;
      return render(elem, ctx) ?? fallback(m);
    }
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

/**
 * A picture, player or card while its renderer is fetched (the first such message of a page):
 * a box of the size it will take (the picture's or the video's from its dimensions, the player's
 * and the card's from the stylesheet), so that the row keeps its height when it is drawn; named
 * for screen readers as the elem is described elsewhere.
 */
function placeholder(elem: MediaElem): TemplateResult {
  const box = elem.type === 'image' ? mediaBox(elem.width, elem.height, [640, 480]) : elem.type === 'video' ? mediaBox(elem.snapshot?.width, elem.snapshot?.height, [640, 360]) : undefined;
  return html`<span class="placeholder ${elem.type}" role="img" aria-busy="true" aria-label=${describeElemText(elem)}
    ><span style=${box ? box.style : nothing}></span
  ></span>`;
}

function fallback(m: Message): TemplateResult {
  return html`<span class="fallback">${describeElemText(m.elem)}</span>`;
}

/** Whether a message can be offered for forwarding (committed, not a notification or call). */
export function isForwardable(m: ChatMessage): boolean {
  return m.status === 'sent' && m.id !== '' && m.elem.type !== 'system' && m.elem.type !== 'call';
}
