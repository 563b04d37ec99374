import type { IncomingHttpHeaders } from 'node:http';

export interface OriginPolicyOptions {
  /**
   * Dev mode: a loopback page on the server's own port counts as the server's own origin under
   * any of its loopback names (`localhost`, `127.0.0.1`, `[::1]`), since the demo is opened by
   * whichever of them the developer typed. Never another port, never a non-loopback host.
   */
  loopbackAliases?: boolean;
}

/**
 * Which browser pages may talk to this server, shared by the WebSocket upgrade and the REST
 * API. Browsers always send `Origin` on WebSocket upgrades and cross-origin requests and a page
 * cannot forge it, so it is what tells a foreign site apart. Requests without `Origin` come from
 * servers, apps and tools, which CORS does not concern: they are allowed (they still need a
 * token or the admin key). A page served by this server itself (Origin host = Host) is allowed.
 */
export function originAllowed(headers: IncomingHttpHeaders, allowed: '*' | readonly string[], options: OriginPolicyOptions = {}): boolean {
  const origin = headers.origin;
  if (origin === undefined || allowed === '*') return true;
  const normalised = normaliseOrigin(origin);
  if (normalised === undefined) return false;
  if (allowed.some((a) => normaliseOrigin(a) === normalised)) return true;
  const host = headers.host;
  if (host === undefined) return false;
  const page = new URL(normalised);
  if (page.host === host.toLowerCase()) return true;
  if (!options.loopbackAliases) return false;
  let self: URL;
  try {
    self = new URL(`${page.protocol}//${host}`);
  } catch {
    return false;
  }
  return isLoopbackHost(page.hostname) && isLoopbackHost(self.hostname) && page.port === self.port;
}

/** `localhost`, `*.localhost`, 127.0.0.0/8 or `::1` (as a URL hostname: `[::1]`). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** `scheme://host[:port]` in lower case, default ports dropped; undefined for `null` and junk. */
function normaliseOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin.toLowerCase();
  } catch {
    return undefined;
  }
}
