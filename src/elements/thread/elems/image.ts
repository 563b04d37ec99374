import { html, nothing, type TemplateResult } from 'lit';
import { cssVars } from '../../css-vars.js';
import type { ImageElem } from '../../../protocol/elems.js';
import type { ElemContext } from './context.js';
import { safeMediaUrl } from './safe-url.js';

/**
 * Custom properties giving a picture's aspect ratio to the stylesheet, which sizes it within
 * `--chat-thread-media-max-width`/`-height` before it loads (no jump, a stable row height).
 */
export function mediaBox(width: number | undefined, height: number | undefined, fallback: [number, number]) {
  const known = (width ?? 0) > 0 && (height ?? 0) > 0;
  const [w, h] = known ? [width!, height!] : fallback;
  return { known, w, h, style: cssVars({ '--_w': w, '--_h': h }) };
}

/** A preview (the thumbnail when there is one) that opens the full image in a new tab. */
export function renderImage(elem: ImageElem, ctx: ElemContext): TemplateResult | undefined {
  const full = safeMediaUrl(ctx.fileUrl(elem.url));
  const preview = elem.thumbnail ? safeMediaUrl(ctx.fileUrl(elem.thumbnail.url)) ?? full : full;
  if (!full || !preview) return undefined;
  const box = mediaBox(elem.width, elem.height, [4, 3]);
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
