import { atom, type ReadableAtom } from 'nanostores';
import { ChatError, LIMITS, type ConversationId, type Elem, type ErrorBody } from '../protocol/index.js';
import type { FileKind, OutboxEntry, UploadProgress } from './types.js';

export { fileKindOf, fileLimit } from '../protocol/index.js';

/** What `POST /v1/uploads` answers. */
export interface UploadResult {
  url: string;
  id: string;
  size: number;
  mime: string;
  name: string;
}

/** The file an outbox entry still has to upload (kept in the outbox with its Blob, so it survives a reload). */
export type PendingUpload = NonNullable<OutboxEntry['upload']>;

/**
 * The HTTP base of the server behind a WebSocket URL: `wss://chat.example.com/ws` →
 * `https://chat.example.com`, keeping any path prefix before the last segment
 * (`wss://x.com/chat/ws` → `https://x.com/chat`). Page-relative URLs resolve against the page.
 */
export function apiBaseOf(wsUrl: string): string {
  const base = typeof location !== 'undefined' ? location.href : 'http://localhost/';
  const u = new URL(wsUrl, base);
  u.protocol = u.protocol === 'wss:' || u.protocol === 'https:' ? 'https:' : 'http:';
  u.pathname = u.pathname.replace(/\/[^/]*$/, '');
  u.search = '';
  u.hash = '';
  return u.href.replace(/\/$/, '');
}

/** The elem a finished upload is sent as. */
export function uploadedElem(upload: PendingUpload, result: Pick<UploadResult, 'url' | 'size' | 'mime'>): Elem {
  const { url, size, mime } = result;
  switch (upload.kind) {
    case 'image':
      return { type: 'image', url, size, mime, width: upload.width ?? 0, height: upload.height ?? 0 };
    case 'sound':
      return { type: 'sound', url, size, mime, duration: upload.duration ?? 0 };
    case 'video': {
      const elem: Elem = { type: 'video', url, size, mime, duration: upload.duration ?? 0 };
      if (upload.snapshot?.url) elem.snapshot = { url: upload.snapshot.url, width: upload.snapshot.width, height: upload.snapshot.height };
      return elem;
    }
    case 'file':
      return { type: 'file', url, size, mime, name: upload.name };
  }
}

export interface UploadsOptions {
  /** `http(s)://host[/prefix]` of the REST API. */
  apiBase: string;
  /** The user token the session uses (for `Authorization: Bearer`); `fresh` asks for a new one. */
  token(fresh: boolean): Promise<string>;
}

export interface Uploads {
  readonly $uploads: ReadableAtom<Record<string, UploadProgress>>;
  /** Uploads the entry's file (and a video's snapshot) and resolves with the elem to send. Rejects with a ChatError. */
  run(entry: OutboxEntry): Promise<Elem>;
  /** Aborts the entry's upload: its `run` rejects with UPLOAD_CANCELLED. False when none runs. */
  cancel(clientMsgId: string): boolean;
  /** Aborts every upload (the client closes); entries stay in the outbox for the next start. */
  abortAll(): void;
  /** A `blob:` URL showing the entry's file before it is uploaded (one per entry, freed by `release`). */
  previewUrl(entry: OutboxEntry): string | undefined;
  release(clientMsgId: string): void;
  /** The current file ticket (from `session.ready`, refreshed before it expires). */
  setTicket(ticket: { ticket: string; expiresAt: number } | undefined): void;
  /** A stored file URL with this user's ticket when it points at our `/v1/files/`. */
  fileUrl(url: string): string;
  close(): void;
}

/**
 * Uploads for one client: the raw bytes to `POST /v1/uploads` with progress (XMLHttpRequest in
 * browsers, which reports upload progress; fetch elsewhere), cancellation, the `blob:` previews
 * of files not uploaded yet, and the file ticket that makes `/v1/files/` URLs fetchable.
 */
export function createUploads(options: UploadsOptions): Uploads {
  const $uploads = atom<Record<string, UploadProgress>>({});
  const running = new Map<string, AbortController>();
  const previews = new Map<string, { blob: Blob; url: string }>();
  const filesPath = `${new URL(options.apiBase).pathname.replace(/\/$/, '')}/v1/files/`;
  const apiOrigin = new URL(options.apiBase).origin;
  let ticket: { ticket: string; expiresAt: number } | undefined;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const progress = (id: string, p: UploadProgress | undefined) => {
    const next = { ...$uploads.get() };
    if (p) next[id] = p;
    else delete next[id];
    $uploads.set(next);
  };

  async function post(entry: OutboxEntry, blob: Blob, name: string, mime: string, kind: FileKind, signal: AbortSignal, onProgress?: (loaded: number) => void): Promise<UploadResult> {
    const q = new URLSearchParams({ conversationId: entry.conversationId satisfies ConversationId, name, kind });
    const url = `${options.apiBase}/v1/uploads?${q}`;
    let token = await options.token(false);
    for (let attempt = 0; ; attempt++) {
      try {
        return await send(url, token, blob, mime, signal, onProgress);
      } catch (error) {
        // A token that expired since the session opened: once more with a fresh one.
        if (attempt === 0 && error instanceof ChatError && (error.name === 'TOKEN_EXPIRED' || error.name === 'TOKEN_INVALID')) {
          token = await options.token(true);
          continue;
        }
        throw error;
      }
    }
  }

  async function refresh(): Promise<void> {
    refreshTimer = undefined;
    if (closed) return;
    try {
      const res = await fetch(`${options.apiBase}/v1/files/ticket`, { headers: { authorization: `Bearer ${await options.token(false)}` } });
      if (res.ok) return uploads.setTicket((await res.json()) as { ticket: string; expiresAt: number });
    } catch {
      // Offline: the next session.ready brings a new ticket.
    }
  }

  const uploads: Uploads = {
    $uploads,

    async run(entry) {
      const upload = entry.upload;
      if (!upload) throw new ChatError('BAD_REQUEST', 'This message has no file to upload.');
      const controller = new AbortController();
      running.set(entry.clientMsgId, controller);
      const snapshot = upload.kind === 'video' && upload.snapshot && !upload.snapshot.url ? upload.snapshot : undefined;
      const total = upload.blob.size + (snapshot?.blob?.size ?? 0);
      progress(entry.clientMsgId, { loaded: 0, total });
      try {
        if (snapshot?.blob) {
          const shot = await post(entry, snapshot.blob, `${upload.name}.jpg`, snapshot.blob.type || 'image/jpeg', 'image', controller.signal);
          snapshot.url = shot.url;
        }
        const base = snapshot?.blob?.size ?? 0;
        const result = await post(entry, upload.blob, upload.name, upload.mime, upload.kind, controller.signal, (loaded) =>
          progress(entry.clientMsgId, { loaded: base + loaded, total }),
        );
        upload.url = result.url;
        return uploadedElem(upload, result);
      } finally {
        running.delete(entry.clientMsgId);
        progress(entry.clientMsgId, undefined);
      }
    },

    cancel(clientMsgId) {
      const controller = running.get(clientMsgId);
      controller?.abort(new ChatError('UPLOAD_CANCELLED'));
      return controller !== undefined;
    },

    abortAll() {
      for (const controller of running.values()) controller.abort(new ChatError('CANCELLED', 'The client was closed.'));
    },

    previewUrl(entry) {
      const blob = entry.upload?.blob;
      if (!blob || typeof URL.createObjectURL !== 'function') return undefined;
      const known = previews.get(entry.clientMsgId);
      if (known?.blob === blob) return known.url;
      if (known) URL.revokeObjectURL(known.url);
      const url = URL.createObjectURL(blob);
      previews.set(entry.clientMsgId, { blob, url });
      return url;
    },

    release(clientMsgId) {
      const known = previews.get(clientMsgId);
      if (known) URL.revokeObjectURL(known.url);
      previews.delete(clientMsgId);
    },

    setTicket(next) {
      ticket = next;
      clearTimeout(refreshTimer);
      refreshTimer = undefined;
      if (!next || closed) return;
      // At half its life, so any URL handed out stays good for a while after.
      const delay = Math.max(1000, (next.expiresAt - Date.now()) / 2);
      refreshTimer = setTimeout(() => void refresh(), Math.min(delay, 2 ** 31 - 1));
    },

    fileUrl(url) {
      if (!ticket) return url;
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return url;
      }
      if (u.origin !== apiOrigin || !u.pathname.startsWith(filesPath) || u.searchParams.has('ticket')) return url;
      u.searchParams.set('ticket', ticket.ticket);
      return u.href;
    },

    close() {
      closed = true;
      clearTimeout(refreshTimer);
      uploads.abortAll();
      for (const id of [...previews.keys()]) uploads.release(id);
    },
  };
  return uploads;
}

/** One POST of raw bytes; XMLHttpRequest where it exists (upload progress), else fetch. */
function send(url: string, token: string, blob: Blob, mime: string, signal: AbortSignal, onProgress?: (loaded: number) => void): Promise<UploadResult> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  if (typeof XMLHttpRequest === 'undefined') return sendWithFetch(url, token, blob, mime, signal);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', mime || 'application/octet-stream');
    xhr.responseType = 'text';
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded);
    xhr.onload = () => {
      try {
        resolve(answer(xhr.status, xhr.responseText));
      } catch (error) {
        reject(error);
      }
    };
    xhr.onerror = () => reject(new ChatError('UPLOAD_FAILED'));
    xhr.ontimeout = () => reject(new ChatError('UPLOAD_FAILED'));
    xhr.onabort = () => reject(abortError(signal));
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(blob);
  });
}

async function sendWithFetch(url: string, token: string, blob: Blob, mime: string, signal: AbortSignal): Promise<UploadResult> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': mime || 'application/octet-stream' }, body: blob, signal });
  } catch {
    throw signal.aborted ? abortError(signal) : new ChatError('UPLOAD_FAILED');
  }
  return answer(res.status, await res.text().catch(() => ''));
}

function answer(status: number, text: string): UploadResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (status >= 200 && status < 300 && body && typeof (body as UploadResult).url === 'string') return body as UploadResult;
  if (body && typeof (body as ErrorBody).code === 'number') throw ChatError.from(body as ErrorBody);
  throw new ChatError('UPLOAD_FAILED', `The server answered ${status}.`);
}

function abortError(signal: AbortSignal): ChatError {
  return signal.reason instanceof ChatError ? signal.reason : new ChatError('UPLOAD_CANCELLED');
}
