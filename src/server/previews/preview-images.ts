import { createHmac, timingSafeEqual } from 'node:crypto';
import { ChatError } from '../../protocol/error-codes.js';
import { guardedGet } from '../net/guarded-get.js';
import { TargetRefusedError } from '../net/public-target.js';
import { previewPolicy, USER_AGENT, type PreviewFetchOptions } from './fetch-preview.js';
import { sniffImage, type PreviewImageType } from './sniff-image.js';

export interface PreviewImageOptions extends Pick<PreviewFetchOptions, 'allowLoopback' | 'extraPorts' | 'maxRedirects'> {
  /** Bytes of one picture at most; a bigger one is refused, not cut (default 2 MiB). */
  imageMaxBytes?: number;
  /** Whole fetch of a picture, redirects included (default 5 s). */
  imageTimeoutMs?: number;
  /** Bytes of pictures kept in memory at most, least recently used dropped first (default 32 MiB). */
  imageCacheBytes?: number;
  /** How long a fetched picture is served from memory (default 24 h; a failure 5 min). */
  imageCacheTtlMs?: number;
  clock?: () => number;
}

/** A proxied picture: its bytes and the type sniffed from them. */
export interface PreviewImage {
  type: PreviewImageType;
  body: Buffer;
}

/** Where the server serves proxied pictures; a key follows. */
export const PREVIEW_IMAGE_PATH = '/v1/previews/images/';

/** Longest picture URL proxied: its key must keep the path within a URL field's 2048 characters. */
const MAX_URL = 1500;
const KEY = /^([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{22})$/;

type Entry = { at: number; ttl: number; bytes: number; value: Promise<PreviewImage> };

/**
 * Link preview pictures served from Natter (`images: 'proxy'`), so a reader's browser never
 * contacts the linked site. A picture is named by a key, `<the URL, base64url>.<HMAC>`, that
 * only this server (or a node sharing its secret) can make: `GET /v1/previews/images/<key>`
 * serves the picture of a URL this server put on a preview, and nothing else, so the route is
 * no open proxy. The key holds the URL itself, so any node serves any key without shared state.
 * Fetched through `guardedGet` (public addresses after DNS, allowed ports, every redirect
 * checked, a size cap, a timeout), taken only as PNG, JPEG, GIF or WebP by its first bytes and
 * its `Content-Type` both, and kept in a bounded in-memory cache.
 */
export class PreviewImages {
  readonly #secret: Uint8Array;
  readonly #options: PreviewImageOptions;
  readonly #cache = new Map<string, Entry>();
  #cachedBytes = 0;
  readonly #now: () => number;

  constructor(secret: Uint8Array, options: PreviewImageOptions = {}) {
    this.#secret = secret;
    this.#options = options;
    this.#now = options.clock ?? Date.now;
  }

  /** The Natter path serving the picture at `url`, or undefined for a URL too long to carry. */
  pathFor(url: string): string | undefined {
    if (url.length > MAX_URL) return undefined;
    return `${PREVIEW_IMAGE_PATH}${Buffer.from(url).toString('base64url')}.${this.#mac(url)}`;
  }

  /** The URL a key names; PREVIEW_IMAGE_INVALID unless this server signed it. */
  urlOf(key: string): string {
    const m = KEY.exec(key);
    const url = m ? Buffer.from(m[1]!, 'base64url').toString('utf8') : '';
    const expected = Buffer.from(this.#mac(url));
    const given = Buffer.from(m?.[2] ?? '');
    if (!m || url.length > MAX_URL || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new ChatError('PREVIEW_IMAGE_INVALID');
    }
    return url;
  }

  /**
   * The path for a preview of the picture at `url`, once it was fetched and is a picture (kept in
   * the cache, so the first reader is served at once); undefined when it is not one to show.
   */
  async proxied(url: string): Promise<string | undefined> {
    const path = this.pathFor(url);
    if (!path) return undefined;
    try {
      await this.image(url);
      return path;
    } catch {
      return undefined;
    }
  }

  /** The picture at `url`: from the cache, else fetched (concurrent asks share one fetch). */
  image(url: string): Promise<PreviewImage> {
    const now = this.#now();
    const hit = this.#cache.get(url);
    if (hit && now - hit.at < hit.ttl) {
      // Most recently used last: the first in the map goes first.
      this.#cache.delete(url);
      this.#cache.set(url, hit);
      return hit.value;
    }
    if (hit) this.#forget(url);
    const entry: Entry = { at: now, ttl: this.#options.imageCacheTtlMs ?? 86_400_000, bytes: 0, value: this.#fetch(url) };
    this.#cache.set(url, entry);
    entry.value.then(
      (image) => {
        if (this.#cache.get(url) !== entry) return;
        entry.bytes = image.body.length;
        this.#cachedBytes += entry.bytes;
        this.#trim();
      },
      () => (entry.ttl = Math.min(entry.ttl, 300_000)),
    );
    this.#trim();
    return entry.value;
  }

  async #fetch(url: string): Promise<PreviewImage> {
    try {
      const got = await guardedGet(url, {
        policy: previewPolicy(this.#options),
        headers: { 'user-agent': USER_AGENT, accept: 'image/webp,image/png,image/jpeg,image/gif;q=0.9' },
        types: /^image\/(png|jpe?g|pjpeg|gif|webp)\s*(;|$)/,
        maxBytes: this.#options.imageMaxBytes ?? 2 * 1024 * 1024,
        overflow: 'refuse',
        timeoutMs: this.#options.imageTimeoutMs ?? 5000,
        maxRedirects: this.#options.maxRedirects ?? 3,
      });
      const type = sniffImage(got.body);
      if (!type) throw new ChatError('PREVIEW_IMAGE_UNAVAILABLE', 'The picture is not a PNG, JPEG, GIF or WebP image.');
      return { type, body: got.body };
    } catch (error) {
      if (error instanceof ChatError) throw error;
      if (error instanceof TargetRefusedError) throw new ChatError('PREVIEW_IMAGE_REFUSED');
      throw new ChatError('PREVIEW_IMAGE_UNAVAILABLE');
    }
  }

  /** Drops the least recently used pictures past the byte and entry bounds. */
  #trim(): void {
    const maxBytes = this.#options.imageCacheBytes ?? 32 * 1024 * 1024;
    // Entries hold at least their pending fetch: bound their number too.
    while (this.#cache.size > 1 && (this.#cachedBytes > maxBytes || this.#cache.size > 2000)) this.#forget(this.#cache.keys().next().value!);
  }

  #forget(url: string): void {
    const entry = this.#cache.get(url);
    if (!entry) return;
    this.#cachedBytes -= entry.bytes;
    this.#cache.delete(url);
  }

  /** Bytes of pictures held now (for tests and metrics). */
  get cachedBytes(): number {
    return this.#cachedBytes;
  }

  #mac(url: string): string {
    return createHmac('sha256', this.#secret).update('natter-preview-image\n').update(url).digest().subarray(0, 16).toString('base64url');
  }
}
