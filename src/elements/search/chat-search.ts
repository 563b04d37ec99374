import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ClientSearch, SearchResult, SearchState } from '../../client/search.js';
import type { ChatClient, Conversation, Member } from '../../client/types.js';
import { isConversationId, type ConversationId } from '../../protocol/ids.js';
import { chatClientContext } from '../context.js';
import { StoreController } from '../controllers/store-controller.js';
import { SearchResultSelectEvent } from '../events/search-result-select.js';
import { formatDuration, formatShortTime } from '../format.js';
import { LocaleController } from '../i18n/localize.js';
import { searchStrings } from '../i18n/search.js';
import { uiStrings } from '../i18n/ui.js';
import { safeMediaUrl } from '../thread/elems/safe-url.js';
import { styles } from './chat-search.styles.js';
import { NO_FILTERS, filterOptions, filtersOn, renderFilters, searchPeople, type SearchFilters } from './search-filters.js';

/** Quiet time after the last keystroke before a search runs (Enter runs it at once). */
const DEBOUNCE_MS = 300;

/**
 * Typing searches after a pause (Enter at once). Results show who wrote the message, when, in
 * which conversation (searching all), and a snippet with the matching words marked. The field is
 * a combobox: ArrowDown and ArrowUp move through the results, Enter opens the one moved to (the newest when none was; as a click does),
 * Escape clears the field, then closes. The filters button (`aria-expanded`) shows filters that
 * narrow the search: from whom (the user, the 1:1 peer, the group's members, or across all
 * conversations the 1:1 peers), what type (messages, pictures, videos, voice and audio, files,
 * links, places) and a range of days; a change searches again, Escape in them closes them back to
 * the button. With a filter set the field may stay empty: the results are then every message the
 * filters let through ("every picture from Bob"), a picture or video shown by its thumbnail.
 * Offline it searches only the messages on this device (filtered the same way) and says so. `<chat-thread>` and `<conversation-list>` load and show it from their search buttons.
 *
 * @summary A search field and its results (SPEC §12): messages of one conversation or of all of them, newest first.
 *
 * @tag chat-search
 *
 * @csspart input - The search field.
 * @csspart filters-button - Shows and hides the filters (`aria-expanded`); also `on` while a filter is set.
 * @csspart filters - The filters (a labelled group), under the field while shown.
 * @csspart filter - One filter: its label and field.
 * @csspart filter-from - Who sent the message (a select: anyone, the user, the people of the conversation).
 * @csspart filter-kind - What kind of message (a select: everything, messages, pictures, videos, voice and audio, files, links, places).
 * @csspart filter-since - The first day searched (a date field).
 * @csspart filter-until - The last day searched (a date field).
 * @csspart clear-filters-button - Clears every filter (shown while one is set).
 * @csspart status - What the search found (a polite status): count, none, offline, error.
 * @csspart results - The list of results (a listbox).
 * @csspart result - One result (an option); also `active` for the one the arrow keys reached.
 * @csspart result-sender - Who wrote the message.
 * @csspart result-conversation - Which conversation it is in (searching all; not on a 1:1 peer's own message, whose sender names the chat).
 * @csspart result-time - When it was sent.
 * @csspart snippet - The text around the match (a file's name, a place's description; empty for a picture).
 * @csspart result-thumbnail - A picture's or video's thumbnail in its result (its `alt` says which).
 * @csspart result-kind - What a result without text or thumbnail is (a video, voice or audio).
 * @csspart match - A matching part of the snippet.
 * @csspart more-button - Loads more results (a search follows pages that come back short with a cursor on its own, up to three, then waits for this button).
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
  // A group's members are who "From" offers; the thread has usually loaded them already.
  #members = new StoreController<Member[] | undefined>(this, () => (this.#group() ? this.client?.members(this.#group()!) : undefined), undefined);
  #state = new StoreController<SearchState | undefined>(this, () => this.search?.$state, undefined);
  // Thumbnails of stored files need their tickets (client.fileUrl): render again when they arrive.
  #fileTickets = new StoreController<number>(this, () => this.client?.$fileTickets, 0);

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
  /** The filters shown (the button toggles them). */
  @state() private accessor filtersOpen = false;
  @state() private accessor filters: SearchFilters = NO_FILTERS;
  @query('input') private accessor input!: HTMLInputElement | null;

  #timer: ReturnType<typeof setTimeout> | undefined;
  #query = '';

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('conversation') && changed.get('conversation') !== undefined) {
      // Another conversation's people: a sender picked here may not be in it.
      if (this.filters.from) this.filters = { ...this.filters, from: '' };
      if (this.#query || filtersOn(this.filters) > 0) this.#run(this.#query);
    }
  }

  #group(): ConversationId | undefined {
    return this.conversation.startsWith('group:') && isConversationId(this.conversation) ? (this.conversation as ConversationId) : undefined;
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

  private onFiltersClick = () => {
    this.filtersOpen = !this.filtersOpen;
    const group = this.#group();
    if (this.filtersOpen && group && !this.#members.value) void this.client?.loadMembers(group).catch(() => undefined);
  };

  private onFiltersKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    // Ours, not the panel's (<chat-widget> closes on Escape).
    e.preventDefault();
    e.stopPropagation();
    this.filtersOpen = false;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part~="filters-button"]')?.focus());
  };

  private onFiltersChange = (change: Partial<SearchFilters>) => {
    const next = { ...this.filters, ...change };
    const clearing = filtersOn(next) === 0 && this.renderRoot.querySelector(':focus')?.matches('[part~="clear-filters-button"]');
    this.filters = next;
    // The clear button goes with the filters it cleared: focus stays in the filters.
    if (clearing) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part~="filter-from"]')?.focus());
    clearTimeout(this.#timer);
    // Without words the filters alone search; cleared too, nothing is searched.
    this.#run(this.#query);
  };

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
    const filters = this.filters;
    if (!client || (!q.trim() && filtersOn(filters) === 0)) {
      this.search = undefined;
      return;
    }
    const scope = isConversationId(this.conversation) ? { conversationId: this.conversation as ConversationId } : {};
    void client.search(q, { ...scope, ...filterOptions(filters) }).then((s) => {
      // A later keystroke or filter started another search meanwhile: this one is stale.
      if (q === this.#query && filters === this.filters) this.search = s;
    });
  }

  /** A picture's or video's thumbnail, or what a media result is: results without words have no excerpt to show. */
  #media(r: SearchResult) {
    const e = r.message.elem;
    if (e.type !== 'image' && e.type !== 'video' && e.type !== 'sound') return nothing;
    void this.#fileTickets.value; // subscribed for its changes only
    // The thread's own labels: "Image", "Video, 0:12", "Voice message, 0:07".
    const t = uiStrings();
    const label = e.type === 'image' ? t.image : (e.type === 'video' ? t.videoMessage : t.voiceMessage)(formatDuration(e.duration));
    const thumb = e.type === 'image' ? e.thumbnail?.url ?? e.url : e.type === 'video' && e.snapshot?.url;
    const src = thumb && safeMediaUrl(this.client?.fileUrl(thumb));
    return src ? html`<img part="result-thumbnail" src=${src} alt=${label} loading="lazy" referrerpolicy="no-referrer" />` : html`<span part="result-kind">${label}</span>`;
  }

  #open(r: SearchResult): void {
    this.dispatchEvent(new SearchResultSelectEvent(r.message.conversationId, r.message.id));
  }

  #statusText(s: SearchState | undefined): string {
    const t = searchStrings();
    if (!s) return '';
    if (s.status === 'loading' && s.results.length === 0) return t.searching;
    if (s.status === 'failed') return s.error?.name === 'SEARCH_QUERY_INVALID' ? t.invalid : t.failed;
    // No result yet but a cursor (the server stopped at its budget, older messages remain): not "none"; More goes on.
    const found = s.results.length > 0 ? t.count(s.results.length) : s.hasMore ? '' : t.none;
    return s.source === 'local' ? `${found} ${t.offline}` : found;
  }

  override render() {
    const t = searchStrings();
    const s = this.#state.value;
    const results = s?.results ?? [];
    const me = this.client?.$me.get()?.id;
    const names = new Map(this.#conversations.value.map((c) => [c.id, c.name]));
    const on = filtersOn(this.filters);
    return html`
      <div class="field">
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
        <button
          part="filters-button${on > 0 ? ' on' : ''}"
          type="button"
          aria-expanded=${this.filtersOpen ? 'true' : 'false'}
          aria-controls="filters"
          aria-label=${on > 0 ? t.filtersOn(on) : t.filters}
          @click=${this.onFiltersClick}
        >
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 5h18l-7 8.5V19l-4 2v-7.5z" /></svg>
          </button>
      </div>
      ${renderFilters(this.filters, this.client ? searchPeople(this.client, this.conversation) : [], this.filtersOpen, this.onFiltersChange, this.onFiltersKeyDown)}
      <p part="status" role="status">${this.#statusText(s)}</p>
      <div part="results" id="results" role="listbox" aria-label=${t.results} ?hidden=${results.length === 0} @click=${this.onResultClick}>
        ${repeat(results, (r) => r.message.id, (r, i) => html`
          <div part="result${i === this.active ? ' active' : ''}" role="option" id="r${i}" data-index=${i} aria-selected=${i === this.active ? 'true' : 'false'}>
            <span class="meta">
              <bdi part="result-sender">${r.message.sender === me ? t.you : r.message.senderProfile.name || r.message.sender}</bdi>
              ${this.conversation || r.message.conversationId === `p2p:${r.message.sender}` ? nothing : html`<bdi part="result-conversation">${names.get(r.message.conversationId) || r.message.conversationId.slice(r.message.conversationId.indexOf(':') + 1)}</bdi>`}
              <time part="result-time" datetime=${new Date(r.message.time).toISOString()}>${formatShortTime(r.message.time)}</time>
            </span>
            ${r.snippet.text ? html`<bdi part="snippet">${marked(r)}</bdi>` : nothing}${this.#media(r)}
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
