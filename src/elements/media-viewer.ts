import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { LocaleController } from './i18n/localize.js';
import { viewerStrings } from './i18n/viewer.js';
import { styles } from './media-viewer.styles.js';

/** One picture or video the viewer can show. */
export interface MediaItem {
  kind: 'image' | 'video';
  /** A URL safe for `src` (the thread checks it). */
  url: string;
  /** What it shows, for screen readers (an image's alt text). */
  label: string;
  width?: number;
  height?: number;
  /** A video's poster. */
  poster?: string;
}

const ZOOMS = [1, 1.5, 2, 3];

/**
 * `<chat-thread>` opens it (registering the tag the first time) when an image, or a video's
 * expand button, is clicked: the loaded media of the conversation in order, at the one clicked.
 * ← and → (mirrored in right-to-left text) move between them, Home and End go to the first and
 * last, + and − zoom a picture (scroll to pan), Escape closes; focus returns to what opened it.
 *
 * @summary Shows the pictures and videos of a conversation one at a time, over the page, in a modal dialog.
 * @tag media-viewer
 *
 * @csspart dialog - The modal dialog.
 * @csspart stage - The area the picture or video sits in (scrolls when zoomed).
 * @csspart image - The picture.
 * @csspart video - The video (the browser's own player).
 * @csspart toolbar - The row of controls.
 * @csspart counter - "3 of 7".
 * @csspart previous-button - Shows the previous item.
 * @csspart next-button - Shows the next item.
 * @csspart zoom-in-button - Zooms the picture in.
 * @csspart zoom-out-button - Zooms the picture out.
 * @csspart download-link - Downloads the item.
 * @csspart close-button - Closes the viewer.
 *
 * @cssproperty [--chat-media-viewer-backdrop=rgb(0 0 0 / 0.85)] - Behind the media.
 */
export class MediaViewer extends LitElement {
  static override styles = styles;

  #locale = new LocaleController(this);

  /** What can be shown, in order. */
  @property({ attribute: false }) accessor items: MediaItem[] = [];

  /** The item shown. */
  @property({ type: Number }) accessor index = 0;

  /** Whether the viewer is open. */
  @state() private accessor open = false;
  @state() private accessor zoom = 0;

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  #opener: HTMLElement | undefined;

  /** Opens at `index` of `items`; `opener` gets focus back on close. */
  async show(items: MediaItem[], index: number, opener?: HTMLElement): Promise<void> {
    this.items = items;
    this.index = Math.max(0, Math.min(index, items.length - 1));
    this.zoom = 0;
    this.#opener = opener;
    this.open = true;
    await this.updateComplete;
    if (!this.dialog?.open) this.dialog?.showModal();
    this.renderRoot.querySelector<HTMLElement>('[part~="close-button"]')?.focus();
  }

  /** Closes the viewer; focus goes back to what opened it. */
  close(): void {
    this.dialog?.close();
  }

  #onClose = () => {
    this.open = false;
    this.renderRoot.querySelector('video')?.pause();
    const opener = this.#opener;
    this.#opener = undefined;
    if (opener?.isConnected) opener.focus();
  };

  #go(to: number): void {
    if (to < 0 || to >= this.items.length || to === this.index) return;
    this.index = to;
    this.zoom = 0;
  }

  #zoomBy(step: number): void {
    if (this.items[this.index]?.kind !== 'image') return;
    this.zoom = Math.max(0, Math.min(ZOOMS.length - 1, this.zoom + step));
  }

  #onKeyDown = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const rtl = getComputedStyle(this).direction === 'rtl';
    const back = rtl ? 'ArrowRight' : 'ArrowLeft';
    const forward = rtl ? 'ArrowLeft' : 'ArrowRight';
    // Arrows inside the video player seek; they move between items everywhere else.
    if ((e.key === back || e.key === forward) && (e.target as Element | null)?.localName === 'video') return;
    const moves: Record<string, () => void> = {
      [back]: () => this.#go(this.index - 1),
      [forward]: () => this.#go(this.index + 1),
      Home: () => this.#go(0),
      End: () => this.#go(this.items.length - 1),
      '+': () => this.#zoomBy(1),
      '=': () => this.#zoomBy(1),
      '-': () => this.#zoomBy(-1),
    };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    move();
  };

  protected override updated(changed: PropertyValues): void {
    if (changed.has('index')) this.renderRoot.querySelector('[part~="stage"]')?.scrollTo(0, 0);
  }

  override render() {
    const t = viewerStrings();
    const item = this.open ? this.items[this.index] : undefined;
    const zoom = ZOOMS[this.zoom]!;
    return html`<dialog part="dialog" aria-label=${t.label} @close=${this.#onClose} @keydown=${this.#onKeyDown}>
      ${item
        ? html`<div part="stage" class=${zoom > 1 ? 'zoomed' : ''}>
              ${item.kind === 'image'
                ? html`<img part="image" src=${item.url} alt=${item.label} width=${item.width ?? nothing} height=${item.height ?? nothing}
                    style=${zoom > 1 ? `width: ${zoom * 100}%` : nothing} referrerpolicy="no-referrer" @dblclick=${() => (this.zoom = this.zoom > 0 ? 0 : 2)} />`
                : html`<video part="video" src=${item.url} poster=${item.poster ?? nothing} controls autoplay playsinline aria-label=${item.label}></video>`}
            </div>
            <div part="toolbar">
              <button part="previous-button" type="button" aria-label=${t.previous} title=${t.previous} ?disabled=${this.index === 0} @click=${() => this.#go(this.index - 1)}>‹</button>
              <span part="counter" aria-live="polite">${t.position(this.index + 1, this.items.length)}</span>
              <button part="next-button" type="button" aria-label=${t.next} title=${t.next} ?disabled=${this.index >= this.items.length - 1} @click=${() => this.#go(this.index + 1)}>›</button>
              ${item.kind === 'image'
                ? html`<button part="zoom-out-button" type="button" aria-label=${t.zoomOut} title=${t.zoomOut} ?disabled=${this.zoom === 0} @click=${() => this.#zoomBy(-1)}>−</button>
                    <button part="zoom-in-button" type="button" aria-label=${t.zoomIn} title=${t.zoomIn} ?disabled=${this.zoom === ZOOMS.length - 1} @click=${() => this.#zoomBy(1)}>+</button>`
                : nothing}
              <a part="download-link" href=${item.url} download target="_blank" rel="noopener noreferrer" aria-label=${t.download} title=${t.download}>⤓</a>
              <button part="close-button" type="button" aria-label=${t.close} title=${t.close} @click=${() => this.close()}>×</button>
            </div>`
        : nothing}
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'media-viewer': MediaViewer;
  }
}
