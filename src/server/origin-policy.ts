import type { IncomingHttpHeaders } from 'node:http';

/**
 * Which browser pages may talk to this server, shared by the WebSocket upgrade and the REST
 * API. Browsers always send `Origin` on WebSocket upgrades and cross-origin requests and a page
 * cannot forge it, so it is what tells a foreign site apart. Requests without `Origin` come from
 * servers, apps and tools, which CORS does not concern: they are allowed (they still need a
 * token or the admin key). A page served by this server itself (Origin host = Host) is allowed.
 */
export function originAllowed(headers: IncomingHttpHeaders, allowed: '*' | readonly string[]): boolean {
  const origin = headers.origin;
  if (origin === undefined || allowed === '*') return true;
  const normalised = normaliseOrigin(origin);
  if (normalised === undefined) return false;
  if (allowed.some((a) => normaliseOrigin(a) === normalised)) return true;
  const host = headers.host;
  return host !== undefined && new URL(normalised).host === host.toLowerCase();
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
