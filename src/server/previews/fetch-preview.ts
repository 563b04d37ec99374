import { ChatError } from '../../protocol/error-codes.js';
import { guardedGet } from '../net/guarded-get.js';
import { TargetRefusedError, type TargetPolicy } from '../net/public-target.js';
import { parsePreviewHtml, type PagePreview } from './parse-html.js';

export interface PreviewFetchOptions {
  /** Loopback targets allowed (tests with a local page only: NATTER_LINK_PREVIEW_ALLOW_LOOPBACK=1). */
  allowLoopback?: boolean;
  /** Ports allowed besides the scheme's own (80, 443). */
  extraPorts?: readonly number[];
  /** Whole fetch, redirects included (default 5 s). */
  timeoutMs?: number;
  /** Bytes of the page read at most; the head is what matters (default 512 KiB). */
  maxBytes?: number;
  /** Redirects followed, each hop checked again (default 3). */
  maxRedirects?: number;
}

export const USER_AGENT = 'NatterLinkPreview/1.0 (+https://github.com/natter-chat/natter; link previews for a chat message)';

/** The target policy of previews and their pictures: http(s), ports 80/443 and the configured ones, loopback behind the test switch. */
export function previewPolicy(options: PreviewFetchOptions): TargetPolicy {
  return { protocols: ['http:', 'https:'], ports: [80, 443, ...(options.extraPorts ?? [])], allowLoopback: options.allowLoopback === true };
}

/**
 * Fetches a page for its preview through `guardedGet`: its URL checked (http or https, ports
 * 80/443 unless more are configured, no credentials, a literal address public), its host's
 * every address checked when the socket connects (private, loopback, link-local … refused even
 * after a DNS change), each redirect hop checked again before it is followed, only `text/html`,
 * at most `maxBytes` read, the whole within `timeoutMs`. Refused targets reject with
 * PREVIEW_REFUSED, anything else that fails with PREVIEW_UNAVAILABLE.
 */
export async function fetchPagePreview(raw: string, options: PreviewFetchOptions = {}): Promise<PagePreview> {
  try {
    const page = await guardedGet(raw, {
      policy: previewPolicy(options),
      headers: { 'user-agent': USER_AGENT, accept: 'text/html,application/xhtml+xml;q=0.9', 'accept-language': 'en;q=0.8, *;q=0.5' },
      types: /^(text\/html|application\/xhtml\+xml)\b/,
      maxBytes: options.maxBytes ?? 512 * 1024,
      overflow: 'truncate',
      timeoutMs: options.timeoutMs ?? 5000,
      maxRedirects: options.maxRedirects ?? 3,
    });
    return parsePreviewHtml(page.body.toString('utf8'), page.url);
  } catch (error) {
    if (error instanceof TargetRefusedError) throw new ChatError('PREVIEW_REFUSED', 'Previews are made of public web pages only.');
    throw new ChatError('PREVIEW_UNAVAILABLE', 'The page could not be fetched, or is not a web page.');
  }
}
