import { html, type TemplateResult } from 'lit';
import type { FaceElem } from '../../../protocol/elems.js';
import type { ElemContext } from './context.js';
import { safeMediaUrl } from './safe-url.js';

const EMOJI = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator}|[\u200d\ufe0f\u20e3#*0-9\p{Emoji_Modifier}\u{E0020}-\u{E007F}])+$/u;

/** A sticker the host page defined (`stickers[data]`), else the emoji itself shown large. */
export function renderFace(elem: FaceElem, ctx: ElemContext): TemplateResult {
  const { stickers, t } = ctx;
  const url = elem.data && stickers && Object.hasOwn(stickers, elem.data) ? safeMediaUrl(ctx.fileUrl(stickers[elem.data]!)) : undefined;
  if (url) {
    return html`<img part="sticker" class="sticker" src=${url} alt=${`${t.sticker} ${elem.data}`} loading="lazy" decoding="async" referrerpolicy="no-referrer" />`;
  }
  if (EMOJI.test(elem.data)) return html`<span part="emoji" class="emoji">${elem.data}</span>`;
  // The key is the sender's text: isolated, so a bidi control in it cannot reorder the label.
  return html`<span part="sticker-fallback" class="fallback">[${t.sticker}]${elem.data ? html` <bdi>${elem.data}</bdi>` : ''}</span>`;
}
