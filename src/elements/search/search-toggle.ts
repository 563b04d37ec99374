import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { ChatClient } from '../../client/types.js';
import type { SearchResultSelectEvent } from '../events/search-result-select.js';
import { searchButtonStrings } from '../i18n/search-button.js';

/** A magnifier drawn in CSS (a ring and its handle): no SVG in the elements' DOM. */
const ICON = html`<span class="search-icon" aria-hidden="true"></span>`;

import { loadOnce } from '../load-once.js';

/**
 * Loads and registers `<chat-search>` the first time a search opens (in the script tag: with the
 * client's search code, `client/search.ts`, in the features loaded on first use, `natter-extras-<hash>.js`).
 */
const loadSearch = loadOnce(() => import('./chat-search.js').then((m) => m.defineChatSearch()));

export interface SearchToggleDeps {
  client(): ChatClient | undefined;
  /** The conversation searched; empty: all of them. */
  scope(): string;
  /** A result was opened (the event is the one `<chat-search>` fired). */
  opened(e: SearchResultSelectEvent): void;
}

/**
 * The search button of `<chat-thread>`'s header and `<conversation-list>`'s top (part
 * `search-button`, `aria-expanded`), and the `<chat-search>` it opens beside it (part `search`):
 * before the button along the line, after it in the keyboard order. Escape in the empty field
 * closes it and focus returns to the button. Its code loads when the button is pointed at or
 * focused, so it is there by the click.
 */
export class SearchToggle implements ReactiveController {
  open = false;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #deps: SearchToggleDeps;

  constructor(host: ReactiveControllerHost & HTMLElement, deps: SearchToggleDeps) {
    this.#host = host;
    this.#deps = deps;
    host.addController(this);
  }

  hostConnected(): void {}

  /** Opens (loading the search code first) or closes the search; focus goes to its field or back to the button. */
  async toggle(open = !this.open): Promise<void> {
    if (open) await loadSearch();
    this.open = open;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    const root = this.#host.shadowRoot;
    const target = open ? root?.querySelector<HTMLElement>('chat-search') : root?.querySelector<HTMLElement>('[part~="search-button"]');
    target?.focus();
  }

  private onClick = () => void this.toggle();
  // Pointing at the button or focusing it starts the download: the field then shows (and takes
  // focus) at once on the click or Enter, where letters typed while the code was still on its way
  // were lost (the first open after a load dropped "answe" of "answer" in the demo).
  private onPreload = () => void loadSearch().catch(() => {}); // the click tries again
  private onClose = () => void this.toggle(false);
  private onSelect = (e: SearchResultSelectEvent) => this.#deps.opened(e);

  render() {
    const t = searchButtonStrings();
    const scoped = this.#deps.scope() !== '';
    return html`
      <div part="search-bar">
        <button part="search-button" aria-expanded=${this.open ? 'true' : 'false'} title=${this.open ? t.close : scoped ? t.open : t.openAll} @click=${this.onClick} @pointerenter=${this.onPreload} @focus=${this.onPreload}>
          ${ICON}<span class="visually-hidden">${this.open ? t.close : scoped ? t.open : t.openAll}</span>
        </button>
        ${this.open
          ? html`<chat-search part="search" .client=${this.#deps.client()} conversation=${this.#deps.scope()} @search-close=${this.onClose} @search-result-select=${this.onSelect}></chat-search>`
          : nothing}
      </div>
    `;
  }
}

export { searchToggleStyles } from './search-toggle.styles.js';
