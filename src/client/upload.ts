/**
 * Sending files, the part a page loads only when it sends one (`./files.ts` imports this module
 * dynamically): probing a file before it is queued, and uploading it to `POST /v1/uploads`
 * with progress (XMLHttpRequest in browsers, which reports upload progress; fetch elsewhere).
 */
import type { Elem } from '../protocol/elems.js';
import { ChatError, type ErrorBody } from '../protocol/error-codes.js';
import { uploadedElem, type PendingUpload } from './files.js';
import { fileNameOf } from './prepare-file.js';
import { probeMedia } from './media-probe.js';
import type { FileKind, OutboxEntry } from './types.js';

/** What `POST /v1/uploads` answers. */
export interface UploadResult {
  url: string;
  id: string;
  size: number;
  mime: string;
  name: string;
}

/**
 * What `sendFile` queues for a file of type `mime` sent as `kind`: what the browser can tell of
 * it (an image's size, a sound's or video's duration, a video's first frame). An "image" the
 * browser cannot decode (HEIC, a broken file) is still sent, as a file, unless `given.kind` says
 * otherwise.
 */
export async function describeFile(file: Blob, mime: string, kind: FileKind, given: { kind?: FileKind; name?: string }): Promise<PendingUpload> {
  // What it learnt (a size, a duration, a first frame) is the upload's: probeMedia sets only what it found.
  const { decoded, ...info } = await probeMedia(file, kind);
  if (!decoded && given.kind === undefined) kind = 'file';
  return { ...info, blob: file, name: fileNameOf(file, kind, mime, given.name), mime, kind };
}

export interface UploadFileOptions {
  /** `http(s)://host[/prefix]` of the REST API. */
  apiBase: string;
  /** The user token (for `Authorization: Bearer`); `fresh` asks for a new one. */
  token(fresh: boolean): Promise<string>;
  signal: AbortSignal;
  /** Bytes sent so far, the snapshot's included. */
  onProgress(loaded: number): void;
}

/**
 * Uploads an entry's file, a video's snapshot first, and resolves with the elem to send (and
 * records the file's URL in `upload`). Rejects with a ChatError: UPLOAD_CANCELLED when `signal`
 * aborts, the server's error, or UPLOAD_FAILED.
 */
export async function uploadFile(entry: OutboxEntry, upload: PendingUpload, options: UploadFileOptions): Promise<Elem> {
  const { signal } = options;
  // Queued offline before this code could load, so never probed: probed now, as it would have been
  // when sent (a picture's size, a video's length and first frame; what the browser cannot decode
  // goes as a file, unless its kind was given).
  if (upload.unprobed) Object.assign(upload, await describeFile(upload.blob, upload.mime, upload.kind, upload.unprobed), { unprobed: undefined });
  // Only a video has one (from probing it); sent once, before the video.
  const snapshot = upload.snapshot?.url ? undefined : upload.snapshot;
  if (snapshot?.blob) {
    const shot = await post(entry, snapshot.blob, `${upload.name}.jpg`, snapshot.blob.type || 'image/jpeg', 'image', options);
    snapshot.url = shot.url;
  }
  const base = snapshot?.blob?.size ?? 0;
  const result = await post(entry, upload.blob, upload.name, upload.mime, upload.kind, options, (loaded) => options.onProgress(base + loaded));
  upload.url = result.url;
  return uploadedElem(upload, result);
}

async function post(entry: OutboxEntry, blob: Blob, name: string, mime: string, kind: FileKind, options: UploadFileOptions, onProgress?: (loaded: number) => void): Promise<UploadResult> {
  const q = new URLSearchParams({ conversationId: entry.conversationId, name, kind });
  const url = `${options.apiBase}/v1/uploads?${q}`;
  let token = await options.token(false);
  for (let attempt = 0; ; attempt++) {
    try {
      return await send(url, token, blob, mime, options.signal, onProgress);
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
