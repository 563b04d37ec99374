import { html, nothing, type TemplateResult } from 'lit';
import type { LinkPreview } from '../../../protocol/elems.js';
import { safeHref } from '../../linkify.js';
import { safeMediaUrl } from './safe-url.js';

/**
 * A link preview as a card: site name, title (the link), description, and the picture when the
 * server kept one. Every field is text; the link and picture are checked http(s) URLs. A picture
 * the server proxies is a path of the server (`/v1/previews/images/…`): `fileUrl`
 * (`client.fileUrl`) makes it the server's URL.
 */
export function renderLinkCard(p: LinkPreview, fileUrl: (url: string) => string): TemplateResult | typeof nothing {
  const href = safeHref(p.url);
  if (!href || href.startsWith('mailto:')) return nothing;
  const image = safeMediaUrl(p.image && fileUrl(p.image));
  return html`<a part="link-preview" class="link-card" href=${href} target="_blank" rel="noopener noreferrer">
    ${image ? html`<img part="link-preview-image" src=${image} alt="" loading="lazy" referrerpolicy="no-referrer" />` : nothing}
    <span class="link-card-text">
      ${p.siteName ? html`<span part="link-preview-site"><bdi>${p.siteName}</bdi></span>` : nothing}
      <span part="link-preview-title"><bdi>${p.title || new URL(href).host}</bdi></span>
      ${p.description ? html`<span part="link-preview-description"><bdi>${p.description}</bdi></span>` : nothing}
    </span>
  </a>`;
}
