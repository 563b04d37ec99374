import { safeHref } from '../../linkify.js';

/**
 * A URL that may go into `src`/`href` of media: http(s), a same-origin path, or the `blob:`
 * preview of this device's own upload. Anything else (`javascript:`, `data:` …) is refused.
 */
export function safeMediaUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  if (/^blob:https?:\/\//i.test(url)) return url;
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  const href = safeHref(url);
  return href && !href.startsWith('mailto:') ? href : undefined;
}
