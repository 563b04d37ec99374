import { atom, type ReadableAtom, type WritableAtom } from 'nanostores';
import { ticketlessFile } from './file-url.js';

/** Most ids one `POST /v1/files/tickets` may carry (the server's FILE_TICKETS_PER_REQUEST). */
const PER_REQUEST = 100;
/** A ticket with less left than this is not handed out any more (a URL must stay good a while). */
const MIN_LEFT_MS = 60_000;
/** After a failed request (offline, a server error), when its files are asked for again. */
const RETRY_MS = 5_000;
/** A file the server gave no ticket for (gone, or not readable) is not asked for again before this. */
const REFUSED_MS = 60_000;

export interface FileTicketsOptions {
  /** `http(s)://host[/prefix]` of the REST API. */
  apiBase: string;
  /** The user token (for `Authorization: Bearer`); `fresh` asks for a new one. */
  token(fresh: boolean): Promise<string>;
  /** The store to bump when tickets arrive (the client's, created before this module loads); default a new one. */
  $fileTickets?: WritableAtom<number>;
}

export interface FileTickets {
  /** Changes when tickets arrive or fall due for renewal: whatever rendered `fileUrl` renders again. */
  readonly $fileTickets: ReadableAtom<number>;
  /**
   * A stored file URL carrying the ticket of that one file when it points at our `/v1/files/`
   * (other URLs unchanged). Synchronous: when no ticket is cached yet it returns `''` and asks
   * for it (one batched request for everything asked in the same tick); `$fileTickets` changes
   * when it arrives. A ticket past half its life is still handed out while a new one is fetched.
   */
  fileUrl(url: string): string;
  close(): void;
}

interface Cached {
  ticket: string;
  expiresAt: number;
  /** When a new ticket is asked for (half its life). */
  renewAt: number;
}

/**
 * How long a ticket just received stays good, in ms: from its own `iat`/`exp` (the server's
 * clock on both), so a device clock that is off neither drops tickets early nor keeps asking
 * for ones it thinks expired; `fallback` (from `expiresAt`) when it cannot be read.
 */
function lifeOf(ticket: string, fallback: number): number {
  try {
    const claims = JSON.parse(atob(ticket.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { iat?: unknown; exp?: unknown };
    if (typeof claims.iat === 'number' && typeof claims.exp === 'number') return (claims.exp - claims.iat) * 1000;
  } catch {
    // Not a JWT we can read: trust expiresAt.
  }
  return fallback;
}

/** Per-file ticket cache (issue 15: a leaked file URL opens that one file, not all of the user's). */
export function createFileTickets(options: FileTicketsOptions): FileTickets {
  const $fileTickets = options.$fileTickets ?? atom(0);
  const base = new URL(options.apiBase);
  const cache = new Map<string, Cached>();
  /** Files not to ask for before the given time (refused, or the request failed). */
  const waitUntil = new Map<string, number>();
  const queued = new Set<string>();
  const asking = new Set<string>();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let dueTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const bump = () => $fileTickets.set($fileTickets.get() + 1);

  /** Wakes the renderers when the first cached ticket falls due for renewal or a retry is allowed. */
  function armDue(): void {
    clearTimeout(dueTimer);
    dueTimer = undefined;
    if (closed) return;
    // Only what falls due later: a file no longer shown is not renewed (nor woken for again).
    const now = Date.now();
    let next = Infinity;
    for (const c of cache.values()) if (c.renewAt > now) next = Math.min(next, c.renewAt);
    for (const until of waitUntil.values()) if (until > now) next = Math.min(next, until);
    if (next === Infinity) return;
    dueTimer = setTimeout(() => (bump(), armDue()), Math.min(next - now + 50, 2 ** 31 - 1));
  }

  function want(id: string): void {
    if (asking.has(id) || closed) return;
    queued.add(id);
    flushTimer ??= setTimeout(flush, 0);
  }

  function flush(): void {
    flushTimer = undefined;
    const ids = [...queued];
    queued.clear();
    for (let i = 0; i < ids.length; i += PER_REQUEST) void request(ids.slice(i, i + PER_REQUEST));
  }

  async function post(ids: string[], fresh: boolean): Promise<Response> {
    return fetch(`${options.apiBase}/v1/files/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await options.token(fresh)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ files: ids }),
    });
  }

  async function request(ids: string[]): Promise<void> {
    for (const id of ids) asking.add(id);
    let tickets: Record<string, Partial<Cached> | undefined> | undefined;
    try {
      let res = await post(ids, false);
      if (res.status === 401) res = await post(ids, true);
      if (res.ok) tickets = ((await res.json()) as { tickets?: typeof tickets }).tickets ?? {};
    } catch {
      // Offline: tried again after RETRY_MS, when the thread renders.
    }
    for (const id of ids) asking.delete(id);
    if (closed) return;
    const now = Date.now();
    for (const [id, c] of cache) if (c.expiresAt - now < MIN_LEFT_MS) cache.delete(id);
    for (const [id, until] of waitUntil) if (until <= now) waitUntil.delete(id);
    for (const id of ids) {
      const t = tickets?.[id];
      const life = t && typeof t.ticket === 'string' && typeof t.expiresAt === 'number' ? lifeOf(t.ticket, t.expiresAt - now) : 0;
      if (life >= 2 * MIN_LEFT_MS) {
        cache.set(id, { ticket: t!.ticket!, expiresAt: now + life, renewAt: now + life / 2 });
        waitUntil.delete(id);
      } else if (!cache.has(id)) waitUntil.set(id, now + (tickets ? REFUSED_MS : RETRY_MS));
    }
    armDue();
    bump();
  }

  return {
    $fileTickets,

    fileUrl(url) {
      const file = ticketlessFile(url, base);
      if (!file) return url;
      const { url: u, id } = file;
      const now = Date.now();
      const cached = cache.get(id);
      if (cached && cached.expiresAt - now >= MIN_LEFT_MS) {
        if (now >= cached.renewAt) want(id);
        u.searchParams.set('ticket', cached.ticket);
        return u.href;
      }
      if ((waitUntil.get(id) ?? 0) <= now) want(id);
      return '';
    },

    close() {
      closed = true;
      clearTimeout(flushTimer);
      clearTimeout(dueTimer);
      queued.clear();
    },
  };
}
