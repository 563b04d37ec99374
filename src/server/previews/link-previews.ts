import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LinkPreview } from '../../protocol/elems.js';
import { fetchPagePreview, type PreviewFetchOptions } from './fetch-preview.js';
import { PreviewImages, type PreviewImageOptions } from './preview-images.js';

export interface LinkPreviewOptions extends PreviewFetchOptions, PreviewImageOptions {
  /**
   * The page's picture (`og:image`). `drop` (default): previews carry none. `proxy` (recommended):
   * the server fetches it (guarded, capped, PNG/JPEG/GIF/WebP only) and the preview names it by a
   * Natter path (`/v1/previews/images/<signed key>`), so readers' browsers fetch nothing from the
   * page's site. `keep`: its URL as the page gives it (readers' browsers fetch it from there).
   */
  images?: 'drop' | 'keep' | 'proxy';
  /** Pages remembered (default 500), and for how long (default 1 h; failures 5 min). */
  cacheSize?: number;
  cacheTtlMs?: number;
  clock?: () => number;
}

type Entry = { at: number; ttl: number; value: Promise<LinkPreview> };

/**
 * Link previews for messages: fetched once per URL (`fetchPagePreview`, with its SSRF guards),
 * remembered, and signed with the server's secret, so that a preview a client puts on a text
 * message is known to come from this server (any node of a cluster: they share the secret) for
 * a link that is in the text ({@link verify}); a forged one is refused (PREVIEW_INVALID).
 */
export class LinkPreviews {
  readonly #secret: Uint8Array;
  readonly #options: LinkPreviewOptions;
  readonly #cache = new Map<string, Entry>();
  readonly #now: () => number;
  /** The proxied pictures (`images: 'proxy'`), served by `GET /v1/previews/images/:key`. */
  readonly images: PreviewImages | undefined;

  constructor(secret: Uint8Array, options: LinkPreviewOptions = {}) {
    this.#secret = secret;
    this.#options = options;
    this.#now = options.clock ?? Date.now;
    if (options.images === 'proxy') this.images = new PreviewImages(secret, options);
  }

  /** The preview of `url`: from the cache, else fetched (concurrent asks share one fetch). */
  preview(url: string): Promise<LinkPreview> {
    const now = this.#now();
    const hit = this.#cache.get(url);
    if (hit && now - hit.at < hit.ttl) return hit.value;
    const value = this.#fetch(url);
    const entry: Entry = { at: now, ttl: this.#options.cacheTtlMs ?? 3_600_000, value };
    value.catch(() => (entry.ttl = Math.min(entry.ttl, 300_000)));
    this.#cache.delete(url);
    this.#cache.set(url, entry);
    while (this.#cache.size > (this.#options.cacheSize ?? 500)) this.#cache.delete(this.#cache.keys().next().value!);
    return value;
  }

  async #fetch(url: string): Promise<LinkPreview> {
    const page = await fetchPagePreview(url, this.#options);
    const preview: Omit<LinkPreview, 'sig'> = { url: page.url };
    if (page.url !== url) preview.link = url;
    if (page.title) preview.title = page.title;
    if (page.description) preview.description = page.description;
    if (page.siteName) preview.siteName = page.siteName;
    if (page.image && this.#options.images === 'keep') preview.image = page.image;
    // A picture that is not one (or not reachable) leaves the card without one.
    const proxied = page.image && (await this.images?.proxied(page.image));
    if (proxied) preview.image = proxied;
    return { ...preview, sig: this.#sign(preview, url) };
  }

  /** Whether `preview` was signed here for a link of `text` (the one asked for, or where it redirected). */
  verify(preview: LinkPreview, text: string): boolean {
    const asked = preview.link ?? preview.url;
    if (!text.includes(asked)) return false;
    const expected = Buffer.from(this.#sign(preview, asked));
    const given = Buffer.from(preview.sig);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  #sign(p: Omit<LinkPreview, 'sig'>, asked: string): string {
    const canonical = JSON.stringify([asked, p.url, p.title ?? null, p.description ?? null, p.siteName ?? null, p.image ?? null]);
    return createHmac('sha256', this.#secret).update('natter-link-preview\n').update(canonical).digest('base64url');
  }
}
