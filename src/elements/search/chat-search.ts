import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ClientSearch, SearchResult, SearchState } from '../../client/search.js';
import type { ChatClient, Conversation } from '../../client/types.js';
import { isConversationId, type ConversationId } from '../../protocol/ids.js';
import { chatClientContext } from '../context.js';
import { StoreController } from '../controllers/store-controller.js';
import { SearchResultSelectEvent } from '../events/search-result-select.js';
import { formatShortTime } from '../format.js';
import { LocaleController } from '../i18n/localize.js';
import { searchStrings } from '../i18n/search.js';
import { styles } from './chat-search.styles.js';

/** Quiet time after the last keystroke before a search runs (Enter runs it at once). */
const DEBOUNCE_MS = 300;

/**
 * Typing searches after a pause (Enter at once). Results show who wrote the message, when, in
 * which conversation (searching all), and a snippet with the matching words marked. The field is
 * a combobox: ArrowDown and ArrowUp move through the results, Enter opens the one moved to (the newest when none was; as a click does),
 * Escape clears the field, then closes. Offline it searches only the messages on this device and
 * says so. `<chat-thread>` and `<conversation-list>` load and show it from their search buttons.
 *
 * @summary A search field and its results (SPEC §12): messages of one conversation or of all of them, newest first.
 *
 * @tag chat-search
 *
 * @csspart input - The search field.
 * @csspart status - What the search found (a polite status): count, none, offline, error.
 * @csspart results - The list of results (a listbox).
 * @csspart result - One result (an option); also `active` for the one the arrow keys reached.
 * @csspart result-sender - Who wrote the message.
 * @csspart result-conversation - Which conversation it is in (searching all).
 * @csspart result-time - When it was sent.
 * @csspart snippet - The text around the match.
 * @csspart match - A matching part of the snippet.
 * @csspart more-button - Loads more results.
 *
 * @cssproperty [--chat-search-match-color=accent at 22%] - Background of the matching words.
 * @cssproperty [--chat-search-max-height=20rem] - Tallest the results list gets before it scrolls.
 *
 * @fires {SearchResultSelectEvent} search-result-select - The user opened a result.
 * @fires search-close - Escape in an empty field: the user is done searching.
 */
export class ChatSearch extends LitElement {
  static override styles = styles;

  #locale = new LocaleController(this);
  #conversations = new StoreController<Conversation[]>(this, () => this.client?.$conversations, []);
  #state = new StoreController<SearchState | undefined>(this, () => this.search?.$state, undefined);

  /** Search only this conversation (`p2p:<user>` or `group:<id>`); empty searches all of them. */
  @property() accessor conversation = '';

  /** The client, from the nearest `<chat-session>`; or set it directly. */
  @consume({ context: chatClientContext, subscribe: true })
  @property({ attribute: false })
  accessor client: ChatClient | undefined = undefined;

  /** The search running now (its state is a store). */
  @state() private accessor search: ClientSearch | undefined = undefined;
  /** Index of the result the arrow keys reached (-1: none). */
  @state() private accessor active = -1;
  @query('input') private accessor input!: HTMLInputElement | null;

  #timer: ReturnType<typeof setTimeout> | undefined;
  #query = '';

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('conversation') && changed.get('conversation') !== undefined && this.#query) this.#run(this.#query);
  }

  private onInput = (e: Event) => {
    this.#query = (e.target as HTMLInputElement).value;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#run(this.#query), DEBOUNCE_MS);
  };

  private onKeyDown = (e: KeyboardEvent) => {
    const results = this.#results();
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        if (results.length === 0) return;
        e.preventDefault();
        const step = e.key === 'ArrowDown' ? 1 : -1;
        this.active = Math.max(0, Math.min(results.length - 1, this.active + step));
        void this.updateComplete.then(() => this.renderRoot.querySelector(`#r${this.active}`)?.scrollIntoView?.({ block: 'nearest' }));
        return;
      }
      case 'Enter': {
        e.preventDefault();
        // Enter opens the result moved to, or the first (newest) when none was.
        const picked = results[Math.max(0, this.active)];
        if (picked && this.#query === this.#state.value?.query) return this.#open(picked);
        clearTimeout(this.#timer);
        return this.#run(this.#query);
      }
      case 'Escape':
        // Ours, not the panel's (<chat-widget> closes on Escape).
        e.preventDefault();
        e.stopPropagation();
        if (!this.#query) {
          this.dispatchEvent(new Event('search-close', { bubbles: true, composed: true }));
          return;
        }
        this.#query = '';
        if (this.input) this.input.value = '';
        this.search = undefined;
        this.active = -1;
    }
  };

  private onResultClick = (e: MouseEvent) => {
    const at = Number((e.target as Element).closest?.('[role="option"]')?.getAttribute('data-index') ?? -1);
    const picked = this.#results()[at];
    if (picked) {
      this.active = at;
      this.#open(picked);
    }
  };

  private onMoreClick = () => void this.search?.more();

  /** Moves focus to the search field. */
  override focus(options?: FocusOptions): void {
    this.input?.focus(options);
  }

  #results(): SearchResult[] {
    return this.#state.value?.results ?? [];
  }

  #run(q: string): void {
    const client = this.client;
    this.active = -1;
    if (!client || !q.trim()) {
      this.search = undefined;
      return;
    }
    const scope = isConversationId(this.conversation) ? { conversationId: this.conversation as ConversationId } : {};
    void client.search(q, scope).then((s) => {
      // A later keystroke started another search meanwhile: this one is stale.
      if (q === this.#query) this.search = s;
    });
  }

  #open(r: SearchResult): void {
    this.dispatchEvent(new SearchResultSelectEvent(r.message.conversationId, r.message.id));
  }

  #statusText(s: SearchState | undefined): string {
    const t = searchStrings();
    if (!s) return '';
    if (s.status === 'loading' && s.results.length === 0) return t.searching;
    if (s.status === 'failed') return s.error?.name === 'SEARCH_QUERY_INVALID' ? t.invalid : t.failed;
    const found = s.results.length === 0 ? t.none : t.count(s.results.length);
    return s.source === 'local' ? `${found} ${t.offline}` : found;
  }

  override render() {
    const t = searchStrings();
    const s = this.#state.value;
    const results = s?.results ?? [];
    const me = this.client?.$me.get()?.id;
    const names = new Map(this.#conversations.value.map((c) => [c.id, c.name]));
    return html`
      <input
        part="input"
        type="search"
        role="combobox"
        autocomplete="off"
        enterkeyhint="search"
        aria-label=${t.label}
        placeholder=${t.placeholder}
        aria-expanded=${results.length > 0 ? 'true' : 'false'}
        aria-controls="results"
        aria-autocomplete="list"
        aria-activedescendant=${this.active >= 0 ? `r${this.active}` : nothing}
        @input=${this.onInput}
        @keydown=${this.onKeyDown}
      />
      <p part="status" role="status">${this.#statusText(s)}</p>
      <div part="results" id="results" role="listbox" aria-label=${t.results} ?hidden=${results.length === 0} @click=${this.onResultClick}>
        ${repeat(results, (r) => r.message.id, (r, i) => html`
          <div part="result${i === this.active ? ' active' : ''}" role="option" id="r${i}" data-index=${i} aria-selected=${i === this.active ? 'true' : 'false'}>
            <span class="meta">
              <bdi part="result-sender">${r.message.sender === me ? t.you : r.message.senderProfile.name || r.message.sender}</bdi>
              ${this.conversation ? nothing : html`<bdi part="result-conversation">${names.get(r.message.conversationId) || r.message.conversationId.slice(r.message.conversationId.indexOf(':') + 1)}</bdi>`}
              <time part="result-time" datetime=${new Date(r.message.time).toISOString()}>${formatShortTime(r.message.time)}</time>
            </span>
            <bdi part="snippet">${marked(r)}</bdi>
          </div>
        `)}
      </div>
      ${s?.hasMore ? html`<button part="more-button" @click=${this.onMoreClick} aria-busy=${s.status === 'loading' ? 'true' : 'false'}>${t.more}</button>` : nothing}
    `;
  }
}

/** The snippet as text nodes and `<mark>`s (never HTML: the message text stays text). */
function marked(r: SearchResult) {
  const { text, marks } = r.snippet;
  const parts = [];
  let at = 0;
  for (const [start, end] of marks) {
    if (start < at || end > text.length || end <= start) continue;
    parts.push(text.slice(at, start), html`<mark part="match">${text.slice(start, end)}</mark>`);
    at = end;
  }
  parts.push(text.slice(at));
  return parts;
}

/** Registers `<chat-search>` unless a tag of that name exists (another copy of Natter). */
export function defineChatSearch(): void {
  if (!customElements.get('chat-search')) customElements.define('chat-search', ChatSearch);
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-search': ChatSearch;
  }
}
