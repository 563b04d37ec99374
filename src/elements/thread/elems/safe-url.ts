import { safeHref } from '../../linkify.js';

/**
 * A path of this origin: starts with one `/`, and nothing a URL parser would turn into another
 * host. Browsers read `\` as `/` (so `/\evil.com` is `//evil.com`) and drop tabs and newlines
 * (so `/<tab>/evil.com` is too): a path holding either, or any control character, is refused.
 */
export function isSameOriginPath(url: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^\/(?![/\\])/.test(url) && !/[\\\u0000-\u001f\u007f]/.test(url);
}

/**
 * A URL that may go into `src`/`href` of media: http(s), a same-origin path, or the `blob:`
 * preview of this device's own upload. Anything else (`javascript:`, `data:`, `//host`,
 * `/\host` …) is refused.
 */
export function safeMediaUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  if (/^blob:https?:\/\//i.test(url)) return url;
  if (url.startsWith('/')) return isSameOriginPath(url) ? url : undefined;
  const href = safeHref(url);
  return href && !href.startsWith('mailto:') ? href : undefined;
}
