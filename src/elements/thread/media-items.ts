import { messageKey, type ChatMessage } from '../../client/types.js';
import type { MediaItem } from '../media-viewer.js';
import { safeMediaUrl } from './elems/safe-url.js';

export { MediaViewer } from '../media-viewer.js';

/** Labels for an image and a video. */
export interface MediaLabels {
  image: string;
  video: (m: ChatMessage) => string;
}

/**
 * The pictures and videos of the thread's loaded messages, in order, for `<media-viewer>`, with
 * the key of the message each comes from. Loaded with the viewer, the first time one opens
 * (`./media-opener.ts`).
 */
export function mediaItems(messages: readonly ChatMessage[], fileUrl: (url: string) => string, labels: MediaLabels): { items: MediaItem[]; keys: string[] } {
  const items: MediaItem[] = [];
  const keys: string[] = [];
  const url = (u: string | undefined) => (u ? safeMediaUrl(fileUrl(u)) : undefined);
  for (const m of messages) {
    const elem = m.elem;
    if (elem.type !== 'image' && elem.type !== 'video') continue;
    const src = url(elem.url);
    if (!src) continue;
    if (elem.type === 'image') {
      items.push({ kind: 'image', url: src, label: labels.image, ...(elem.width && elem.height ? { width: elem.width, height: elem.height } : {}) });
    } else {
      const poster = url(elem.snapshot?.url);
      items.push({ kind: 'video', url: src, label: labels.video(m), ...(poster ? { poster } : {}) });
    }
    keys.push(messageKey(m));
  }
  return { items, keys };
}
