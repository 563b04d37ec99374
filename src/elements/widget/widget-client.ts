import { createChatClient } from '../../client/index.js';
import type { ChatClient } from '../../client/types.js';

/** Where `<chat-widget>` (or the script tag) finds its server and its user's token. */
export interface WidgetConnection {
  /** `wss://chat.example.com/ws`; an `http(s)` or page-relative URL is turned into a WebSocket URL. */
  server: string;
  /** A fixed token. */
  token?: string;
  /** Or a URL answering the token (plain text or JSON `{token}`), asked before every (re)connect. */
  tokenUrl?: string;
}

/**
 * A WebSocket URL from what a site owner is likely to write: `wss://…` as is, `https://…` and
 * page-relative paths (`/ws`) mapped onto the page's origin with the matching ws scheme.
 */
export function toSocketUrl(server: string, base: string = globalThis.location?.href ?? 'http://localhost/'): string {
  const url = new URL(server, base);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  return url.href;
}

/**
 * Fetches a token from the host site's backend. Cookies go with it (`credentials: 'include'`),
 * because that backend knows the user by its own session; never cached, as tokens expire.
 */
export async function fetchToken(tokenUrl: string): Promise<string> {
  const res = await fetch(tokenUrl, { credentials: 'include', cache: 'no-store', headers: { accept: 'application/json, text/plain' } });
  if (!res.ok) throw new Error(`natter: token URL answered ${res.status}`);
  const body = (await res.text()).trim();
  if (body.startsWith('{')) {
    const token = (JSON.parse(body) as { token?: unknown }).token;
    if (typeof token !== 'string') throw new Error('natter: token URL answered JSON without a "token" string');
    return token;
  }
  return body;
}

/** A client for the widget, or undefined while the connection is not fully described. */
export function createWidgetClient(c: WidgetConnection): ChatClient | undefined {
  if (!c.server || !(c.token || c.tokenUrl)) return undefined;
  const url = toSocketUrl(c.server);
  if (c.token) return createChatClient({ url, token: c.token });
  const tokenUrl = new URL(c.tokenUrl!, globalThis.location?.href).href;
  return createChatClient({ url, getToken: () => fetchToken(tokenUrl) });
}
