import { atom, type ReadableAtom } from 'nanostores';
import type { Elem } from '../protocol/elems.js';
import { ChatError } from '../protocol/error-codes.js';
import type { OutboxEntry, UploadProgress } from './types.js';

/** The lazily loaded half of file sending (`./upload.ts`): probing and the HTTP upload. */
export type Transfer = typeof import('./upload.js');

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

/** The elem a file is sent as once uploaded (or shows as before, with a `blob:` URL). */
export function uploadedElem(upload: PendingUpload, result: { url: string; size: number; mime: string }): Elem {
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
  /** The code that probes and uploads files (`./upload.ts`); rejects with UPLOAD_FAILED when it cannot be loaded. */
  transfer(): Promise<Transfer>;
  /** Uploads the entry's file (and a video's snapshot) and resolves with the elem to send. Rejects with a ChatError. */
  run(entry: OutboxEntry): Promise<Elem>;
  /** Aborts the entry's upload: its `run` rejects with UPLOAD_CANCELLED. False when none runs. */
  cancel(clientMsgId: string): boolean;
  /** Aborts every upload (the client closes); entries stay in the outbox for the next start. */
  abortAll(): void;
  /** A `blob:` URL showing the entry's file before it is uploaded (one per entry, freed by `release`). */
  previewUrl(entry: OutboxEntry): string | undefined;
  release(clientMsgId: string): void;
  close(): void;
}

/**
 * Files for one client: what every page needs at once (upload progress, cancellation, the
 * `blob:` previews of files not uploaded yet) is here (the tickets that make `/v1/files/` URLs
 * fetchable are `./file-tickets.ts`); probing a file and uploading it (`./upload.ts`) is imported the first
 * time a file is sent or a file entry of the outbox is uploaded, so a page that only chats never
 * downloads it (the script tag's build puts it in the panel's chunk, which the page has by the
 * time anyone can send a file).
 */
export function createUploads(options: UploadsOptions): Uploads {
  const $uploads = atom<Record<string, UploadProgress>>({});
  const running = new Map<string, AbortController>();
  const previews = new Map<string, { blob: Blob; url: string }>();
  let transfer: Promise<Transfer> | undefined;

  /** The upload code; a failed load (offline) is tried again next time. */
  const loadTransfer = () =>
    (transfer ??= import('./upload.js').catch((error: unknown) => {
      transfer = undefined;
      throw new ChatError('UPLOAD_FAILED', undefined, { cause: error });
    }));

  const progress = (id: string, p: UploadProgress | undefined) => {
    const next = { ...$uploads.get() };
    if (p) next[id] = p;
    else delete next[id];
    $uploads.set(next);
  };

  const uploads: Uploads = {
    $uploads,

    transfer: loadTransfer,

    async run(entry) {
      const upload = entry.upload;
      if (!upload) throw new ChatError('BAD_REQUEST', 'This message has no file to upload.');
      const id = entry.clientMsgId;
      const controller = new AbortController();
      running.set(id, controller);
      // Only a video has one (from probing it); sent once, before the video.
      const snapshot = upload.snapshot?.url ? undefined : upload.snapshot;
      const total = upload.blob.size + (snapshot?.blob?.size ?? 0);
      // Shown (and cancellable) at once, while the upload code may still be loading.
      progress(id, { loaded: 0, total });
      try {
        const code = await loadTransfer();
        return await code.uploadFile(entry, upload, {
          apiBase: options.apiBase,
          token: options.token,
          signal: controller.signal,
          onProgress: (loaded) => progress(id, { loaded, total }),
        });
      } finally {
        running.delete(id);
        progress(id, undefined);
      }
    },

    cancel(clientMsgId) {
      const controller = running.get(clientMsgId);
      controller?.abort(new ChatError('UPLOAD_CANCELLED'));
      return controller !== undefined;
    },

    abortAll() {
      for (const controller of running.values()) controller.abort(new ChatError('CANCELLED'));
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

    close() {
      uploads.abortAll();
      for (const id of [...previews.keys()]) uploads.release(id);
    },
  };
  return uploads;
}
