import type { ChatMessage } from '../../client/types.js';
import type { MediaViewer } from '../media-viewer.js';
import { loadOnce } from '../load-once.js';
import type { MediaLabels } from './media-items.js';
import { dialogIn, onRowControl, type RowHost } from './row-controls.js';

/** The viewer, with what gathers the thread's pictures and videos for it (`./media-items.ts`). */
const loadViewer = loadOnce(() => import('./media-items.js'));

interface OpenerDeps {
  /** The thread's loaded messages, in order. */
  messages(): readonly ChatMessage[];
  /** A stored file URL made fetchable (`client.fileUrl`). */
  fileUrl(url: string): string;
  /** Where the viewer lives (the thread's shadow root). */
  root(): HTMLElement | DocumentFragment;
  labels(): MediaLabels;
}

/**
 * Opens `<media-viewer>` from the thread: a click on an image (without a modifier key, which
 * keeps the link's new tab) or on a video's expand button shows the conversation's loaded
 * pictures and videos at the one clicked. The viewer, and what gathers them for it, are loaded and
 * registered the first time it opens (in the script tag: with the features loaded on first use,
 * `natter-extras-<hash>.js`).
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
    const { MediaViewer, mediaItems } = await loadViewer();
    const { items, keys } = mediaItems(this.#deps.messages(), this.#deps.fileUrl, this.#deps.labels());
    const at = keys.indexOf(key);
    if (at === -1) return undefined;
    const viewer = dialogIn(this.#deps.root(), 'media-viewer', MediaViewer);
    await viewer.show(items, at, opener);
    return viewer;
  }
}
