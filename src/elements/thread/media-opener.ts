import { messageKey, type ChatMessage } from '../../client/types.js';
import type { MediaItem, MediaViewer } from '../media-viewer.js';
import { loadOnce } from '../load-once.js';
import { safeMediaUrl } from './elems/safe-url.js';
import { dialogIn, onRowControl, type RowHost } from './row-controls.js';

const loadViewer = loadOnce(() => import('../media-viewer.js'));

interface OpenerDeps {
  /** The thread's loaded messages, in order. */
  messages(): readonly ChatMessage[];
  /** A stored file URL made fetchable (`client.fileUrl`). */
  fileUrl(url: string): string;
  /** Where the viewer lives (the thread's shadow root). */
  root(): HTMLElement | DocumentFragment;
  /** Labels for an image and a video. */
  labels(): { image: string; video: (m: ChatMessage) => string };
}

/**
 * Opens `<media-viewer>` from the thread: a click on an image (without a modifier key, which
 * keeps the link's new tab) or on a video's expand button shows the conversation's loaded
 * pictures and videos at the one clicked. The viewer is loaded and registered the first time it
 * opens (in the script tag: with the features loaded on first use, `natter-extras-<hash>.js`).
 */
export class MediaOpener {
  readonly #deps: OpenerDeps;

  constructor(host: RowHost, deps: OpenerDeps) {
    this.#deps = deps;
    onRowControl(host, '[part~="image-link"], [part~="expand-button"]', (key, trigger, event) => {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      void this.open(key, trigger);
    });
  }

  /** Opens the viewer at the media of the message with `key` (`sender/clientMsgId`). */
  async open(key: string, opener?: HTMLElement): Promise<MediaViewer | undefined> {
    const { items, keys } = this.#items();
    const at = keys.indexOf(key);
    if (at === -1) return undefined;
    const viewer = dialogIn(this.#deps.root(), 'media-viewer', (await loadViewer()).MediaViewer);
    await viewer.show(items, at, opener);
    return viewer;
  }

  #items(): { items: MediaItem[]; keys: string[] } {
    const items: MediaItem[] = [];
    const keys: string[] = [];
    const labels = this.#deps.labels();
    const url = (u: string | undefined) => (u ? safeMediaUrl(this.#deps.fileUrl(u)) : undefined);
    for (const m of this.#deps.messages()) {
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
}
