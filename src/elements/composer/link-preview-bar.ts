import { nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { ChatClient } from '../../client/types.js';
import type { LinkPreview } from '../../protocol/elems.js';
import { linkify } from '../linkify.js';
import { composeBars } from './load-compose-bars.js';

interface BarDeps {
  client(): ChatClient | undefined;
  /** Whether previews are wanted (formatting on, the composer enabled). */
  enabled(): boolean;
}

/** Wait after the last keystroke before asking for a preview. */
const SETTLE_MS = 600;

/**
 * The composer's link preview: the first http(s) link of the draft is previewed by the server
 * (`client.linkPreview`) once typing settles, shown over the text area with × to drop it (that
 * link is then not previewed again in this draft; the bar is drawn by `./compose-bars.ts`, fetched
 * when a bar first shows); the preview goes out with the text ({@link forText}). A link that
 * cannot be previewed just has none.
 */
export class LinkPreviewBar {
  readonly #host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };
  readonly #deps: BarDeps;
  #link = '';
  #preview: LinkPreview | undefined;
  readonly #dropped = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment }, deps: BarDeps) {
    this.#host = host;
    this.#deps = deps;
    host.addController({ hostDisconnected: () => clearTimeout(this.#timer) });
  }

  /**
   * The draft changed: preview its first link (after a pause), or drop the preview it no longer
   * links. `known`: the preview made for this text (an edited message's own), shown as it is.
   */
  draftChanged(text: string, known?: LinkPreview): void {
    const link = this.#deps.enabled() ? linkify(text).find((p) => p.href && /^https?:/i.test(p.href))?.text ?? '' : '';
    if (link === this.#link) return;
    clearTimeout(this.#timer);
    this.#link = link;
    if (this.#preview || known) {
      this.#preview = known;
      this.#host.requestUpdate();
    }
    if (!link || known || this.#dropped.has(link)) return;
    this.#timer = setTimeout(() => void this.#ask(link), SETTLE_MS);
  }

  async #ask(link: string): Promise<void> {
    const client = this.#deps.client();
    if (!client?.linkPreview) return;
    try {
      const preview = await client.linkPreview(link);
      if (link !== this.#link || this.#dropped.has(link)) return;
      this.#preview = preview;
      this.#host.requestUpdate();
    } catch {
      // Not previewable (private, unreachable, not a page): the text goes without one.
    }
  }

  /** The preview to send with `text`, if it still links it. */
  forText(text: string): LinkPreview | undefined {
    const p = this.#preview;
    return p && text.includes(p.link ?? p.url) ? p : undefined;
  }

  /** Forgets everything (the draft was sent, or the conversation changed). */
  reset(): void {
    clearTimeout(this.#timer);
    this.#link = '';
    this.#preview = undefined;
    this.#dropped.clear();
  }

  render(): TemplateResult | typeof nothing {
    const p = this.#preview;
    if (!p) return nothing;
    return composeBars(() => this.#host.requestUpdate())?.renderPreviewBar(this.#host.renderRoot, p, this.#deps.client()?.fileUrl ?? String, () => this.#drop()) ?? nothing;
  }

  #drop(): void {
    if (this.#preview) this.#dropped.add(this.#link);
    this.#preview = undefined;
    this.#host.requestUpdate();
  }
}
