import type { FileKind } from './types.js';

/** What the client learns about a file before queuing it, so the thread can lay it out at once. */
export interface MediaInfo {
  width?: number;
  height?: number;
  /** Seconds, for sound and video. */
  duration?: number;
  /** A video's first frame as a JPEG, sent as the elem's snapshot (poster). */
  snapshot?: { blob: Blob; width: number; height: number };
  /** False when the browser could not decode it (an image that is not one): send it as a file. */
  decoded: boolean;
}

const TIMEOUT_MS = 5000;
const SNAPSHOT_MAX = 640;

/**
 * Reads an image's size, or a sound's or video's duration (and a video's first frame), in the
 * browser. Where there is no DOM (Node) it learns nothing and says so (`decoded: false`).
 */
export async function probeMedia(blob: Blob, kind: FileKind): Promise<MediaInfo> {
  if (kind === 'file' || typeof document === 'undefined' || typeof URL.createObjectURL !== 'function') return { decoded: kind === 'file' };
  const url = URL.createObjectURL(blob);
  try {
    if (kind === 'image') return await probeImage(url);
    return await probeMediaElement(url, kind);
  } catch {
    return { decoded: false };
  } finally {
    URL.revokeObjectURL(url);
  }
}

function probeImage(url: string): Promise<MediaInfo> {
  return withTimeout(
    new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve({ width: img.naturalWidth, height: img.naturalHeight, decoded: img.naturalWidth > 0 });
      img.onerror = () => reject(new Error('not an image'));
      img.src = url;
    }),
  );
}

function probeMediaElement(url: string, kind: 'sound' | 'video'): Promise<MediaInfo> {
  return withTimeout(
    new Promise((resolve, reject) => {
      const el = document.createElement(kind === 'video' ? 'video' : 'audio');
      el.preload = kind === 'video' ? 'auto' : 'metadata';
      el.muted = true;
      const duration = () => (Number.isFinite(el.duration) ? Math.round(el.duration * 1000) / 1000 : 0);
      el.onerror = () => reject(new Error('not playable'));
      if (kind === 'sound') {
        el.onloadedmetadata = () => resolve({ duration: duration(), decoded: true });
      } else {
        const video = el as HTMLVideoElement;
        // Seeking a little in makes Chromium decode a frame we can draw.
        video.onloadeddata = () => {
          video.currentTime = Math.min(0.1, video.duration || 0);
        };
        video.onseeked = () => {
          const info: MediaInfo = { width: video.videoWidth, height: video.videoHeight, duration: duration(), decoded: true };
          void snapshotOf(video).then((snapshot) => resolve(snapshot ? { ...info, snapshot } : info), () => resolve(info));
        };
      }
      el.src = url;
    }),
  );
}

async function snapshotOf(video: HTMLVideoElement): Promise<MediaInfo['snapshot']> {
  if (!video.videoWidth || !video.videoHeight) return undefined;
  const scale = Math.min(1, SNAPSHOT_MAX / Math.max(video.videoWidth, video.videoHeight));
  const width = Math.round(video.videoWidth * scale);
  const height = Math.round(video.videoHeight * scale);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')?.drawImage(video, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.8));
  return blob ? { blob, width, height } : undefined;
}

function withTimeout<T>(p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS))]);
}
