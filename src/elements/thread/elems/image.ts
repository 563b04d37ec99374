import { html, nothing, type TemplateResult } from 'lit';
import type { ImageElem } from '../../../protocol/elems.js';
import type { ElemContext } from './context.js';
import { mediaBox } from './media-box.js';
import { safeMediaUrl } from './safe-url.js';

/** A preview (the thumbnail when there is one) that opens the full image in a new tab. */
export function renderImage(elem: ImageElem, ctx: ElemContext): TemplateResult | undefined {
  const full = safeMediaUrl(ctx.fileUrl(elem.url));
  const preview = elem.thumbnail ? safeMediaUrl(ctx.fileUrl(elem.thumbnail.url)) ?? full : full;
  if (!full || !preview) return undefined;
  const box = mediaBox(elem.width, elem.height, [640, 480]);
  return html`<a part="image-link" class="media-link" href=${full} target="_blank" rel="noopener noreferrer" title=${ctx.t.openImage}
    ><img
      part="image"
      class="media"
      src=${preview}
      width=${box.known ? box.w : nothing}
      height=${box.known ? box.h : nothing}
      style=${box.style}
      alt=${ctx.t.image}
      loading="lazy"
      decoding="async"
      referrerpolicy="no-referrer"
  /></a>`;
}
