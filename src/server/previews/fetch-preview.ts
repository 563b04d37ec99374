import http from 'node:http';
import https from 'node:https';
import { ChatError } from '../../protocol/error-codes.js';
import { checkTargetUrl, guardedAgents, TargetRefusedError, type TargetPolicy } from '../net/public-target.js';
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

/**
 * Fetches a page for its preview: its URL checked (http or https, ports 80/443 unless more are
 * configured, no credentials, a literal address public), its host's every address checked when
 * the socket connects (`guardedAgents`: private, loopback, link-local … refused even after a DNS
 * change), each redirect hop checked again before it is followed, only `text/html`, at most
 * `maxBytes` read, the whole within `timeoutMs`. Refused targets reject with PREVIEW_REFUSED,
 * anything else that fails with PREVIEW_UNAVAILABLE.
 */
export async function fetchPagePreview(raw: string, options: PreviewFetchOptions = {}): Promise<PagePreview> {
  const policy: TargetPolicy = {
    protocols: ['http:', 'https:'],
    ports: [80, 443, ...(options.extraPorts ?? [])],
    allowLoopback: options.allowLoopback === true,
  };
  const agents = guardedAgents(policy, { keepAlive: false });
  const deadline = AbortSignal.timeout(options.timeoutMs ?? 5000);
  try {
    let url = check(raw, policy);
    for (let hop = 0; ; hop++) {
      const page = await get(url, agents, deadline, options.maxBytes ?? 512 * 1024);
      if (page.location === undefined) {
        if (!page.html) throw new ChatError('PREVIEW_UNAVAILABLE', 'The link is not a web page.');
        return parsePreviewHtml(page.html, url);
      }
      if (hop >= (options.maxRedirects ?? 3)) throw new ChatError('PREVIEW_UNAVAILABLE', 'Too many redirects.');
      url = check(new URL(page.location, url).href, policy);
    }
  } catch (error) {
    if (error instanceof ChatError) throw error;
    if (error instanceof TargetRefusedError || (error as { cause?: unknown }).cause instanceof TargetRefusedError) {
      throw new ChatError('PREVIEW_REFUSED', 'Previews are made of public web pages only.');
    }
    throw new ChatError('PREVIEW_UNAVAILABLE', 'The page could not be fetched.');
  } finally {
    agents.http.destroy();
    agents.https.destroy();
  }
}

function check(raw: string, policy: TargetPolicy): URL {
  try {
    return checkTargetUrl(raw, policy);
  } catch (error) {
    if (error instanceof TargetRefusedError) throw new ChatError('PREVIEW_REFUSED', 'Previews are made of public web pages only.');
    throw error;
  }
}

/** One GET: a redirect's target, or the page's text when it is HTML (cut at `maxBytes`). */
function get(url: URL, agents: { http: http.Agent; https: https.Agent }, signal: AbortSignal, maxBytes: number): Promise<{ location?: string; html?: string }> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.get(url, {
      agent: url.protocol === 'https:' ? agents.https : agents.http,
      signal,
      headers: { 'user-agent': USER_AGENT, accept: 'text/html,application/xhtml+xml;q=0.9', 'accept-language': 'en;q=0.8, *;q=0.5' },
    }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        return resolve({ location: res.headers.location });
      }
      const type = String(res.headers['content-type'] ?? '').toLowerCase();
      if (status !== 200 || !/^(text\/html|application\/xhtml\+xml)\b/.test(type)) {
        res.resume();
        return resolve({});
      }
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > maxBytes * 8) {
        res.destroy();
        return resolve({});
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => resolve({ html: Buffer.concat(chunks).toString('utf8') });
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        // Enough: the head is at the top. Stop reading and use what came.
        if (size >= maxBytes) {
          res.destroy();
          done();
        }
      });
      res.on('end', done);
      res.on('error', (error) => (size >= maxBytes ? done() : reject(error)));
    });
    req.on('error', reject);
  });
}
