import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { ComposerStrings } from '../i18n/composer.js';
import { emojiPickerStrings, type EmojiPickerStrings } from '../i18n/emoji-picker.js';
import { getLocale } from '../i18n/localize.js';
import { overStrings } from '../i18n/ui.js';
import { adoptLazyStyles } from '../styles/lazy-styles.js';
import type { Emoji, EmojiCategory } from './emoji-data.js';
import { emojiPickerStyles } from './emoji-picker.styles.js';
import { EMOJI_PICKER_ID } from './load-emoji-picker.js';

/** A developer-defined sticker: sent as a face elem `{type: 'face', index, data: key}`. */
export interface Sticker {
  /** What the face elem carries as `data`; the thread resolves it to an image. */
  key: string;
  /** Image shown in the picker. */
  url: string;
  /** Accessible name and tooltip. */
  label: string;
}

/** What the picker needs from the composer that hosts it. */
export interface EmojiDelegate {
  /** The stickers to offer (the composer's `stickers`). */
  stickers(): readonly Sticker[];
  /** Inserts the emoji at the text area's caret and gives it focus back. */
  insertEmoji(char: string): void;
  /** Sends the sticker at `index` of `stickers`. */
  sendSticker(index: number): void;
  /** Moves focus back to the text area. */
  focusInput(): void;
  /** The button that opens the picker (a press on it is not "outside"); default the host's `emoji-button`. */
  button?(): Element | null;
}

type Item = { sticker?: undefined; emoji: Emoji } | { sticker: Sticker; index: number; emoji?: undefined };

const STICKERS = 'stickers';
const EMOJI_COLUMNS = 8;
const STICKER_COLUMNS = 4;
const optionId = (i: number) => `emoji-${i}`;

/**
 * The composer's emoji and sticker popover: a non-modal `dialog` with a search field, category
 * tabs and a `listbox` grid. The emoji list is a module of its own, imported the first time the
 * picker opens. Keys: ArrowDown from the search field enters the grid; arrows move in two
 * dimensions, Home/End jump, Enter or Space picks, typing goes back to the search; Escape
 * closes, and focus returns to the text area. Its hosts load it the first time a picker opens
 * (`./load-emoji-picker.ts`); it brings its styles into the host's shadow root then.
 */
export class EmojiPicker implements ReactiveController {
  readonly #host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };
  readonly #delegate: EmojiDelegate;
  #open = false;
  #query = '';
  #tab = '';
  #active = 0;
  #data: EmojiCategory[] | undefined;
  #loading: Promise<void> | undefined;
  #failed = false;
  #scroll = false;

  constructor(host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment }, delegate: EmojiDelegate) {
    this.#host = host;
    this.#delegate = delegate;
    adoptLazyStyles(host.renderRoot, emojiPickerStyles, 'start');
    host.addController(this);
  }

  get open(): boolean {
    return this.#open;
  }

  hostDisconnected(): void {
    if (this.#open) this.close(false);
  }

  hostUpdated(): void {
    if (!this.#scroll) return;
    this.#scroll = false;
    this.#root()?.querySelector(`#${optionId(this.#active)}`)?.scrollIntoView({ block: 'nearest' });
  }

  #root(): HTMLElement | null {
    return this.#host.renderRoot.querySelector<HTMLElement>(`#${EMOJI_PICKER_ID}`);
  }

  #part(name: string): HTMLElement | null {
    return this.#root()?.querySelector<HTMLElement>(`[part~="${name}"]`) ?? null;
  }

  #load(): void {
    this.#failed = false;
    // Its own chunk: the list costs nothing until someone opens the picker.
    this.#loading ??= import('./emoji-data.js').then(
      (m) => {
        this.#data = m.categories;
        this.#host.requestUpdate();
      },
      () => {
        this.#failed = true;
        this.#loading = undefined;
        this.#host.requestUpdate();
      },
    );
  }

  /** Opens the picker (focus goes to its search field) or closes it (focus returns). */
  toggle(): void {
    if (this.#open) this.close(true);
    else void this.show();
  }

  async show(): Promise<void> {
    this.#open = true;
    this.#query = '';
    this.#active = 0;
    this.#load();
    document.addEventListener('pointerdown', this.#onOutside, true);
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    this.#part('emoji-search')?.focus();
  }

  close(returnFocus: boolean): void {
    if (!this.#open) return;
    this.#open = false;
    document.removeEventListener('pointerdown', this.#onOutside, true);
    this.#host.requestUpdate();
    if (returnFocus) this.#delegate.focusInput();
  }

  #onOutside = (e: PointerEvent) => {
    const path = e.composedPath();
    const root = this.#root();
    const button = this.#delegate.button ? this.#delegate.button() : this.#host.renderRoot.querySelector('[part~="emoji-button"]');
    if ((root && path.includes(root)) || (button && path.includes(button))) return;
    this.close(false);
  };

  #tabs(): string[] {
    return [...(this.#data ?? []).map((c) => c.id), ...(this.#delegate.stickers().length > 0 ? [STICKERS] : [])];
  }

  #currentTab(): string {
    const tabs = this.#tabs();
    return tabs.includes(this.#tab) ? this.#tab : (tabs[0] ?? '');
  }

  #items(): Item[] {
    const tab = this.#currentTab();
    if (tab === STICKERS && !this.#query) return this.#delegate.stickers().map((sticker, index) => ({ sticker, index }));
    const data = this.#data ?? [];
    const q = this.#query.trim().toLowerCase();
    if (q) {
      const words = q.split(/\s+/);
      return data.flatMap((c) => c.emoji).filter((e) => words.every((w) => e.name.split(' ').some((n) => n.startsWith(w)))).map((emoji) => ({ emoji }));
    }
    return (data.find((c) => c.id === tab)?.emoji ?? []).map((emoji) => ({ emoji }));
  }

  #columns(): number {
    return this.#currentTab() === STICKERS && !this.#query ? STICKER_COLUMNS : EMOJI_COLUMNS;
  }

  #pick(item: Item): void {
    this.close(false);
    if (item.sticker) this.#delegate.sendSticker(item.index);
    else this.#delegate.insertEmoji(item.emoji.char);
  }

  #setActive(i: number): void {
    this.#active = i;
    this.#scroll = true;
    this.#host.requestUpdate();
  }

  #selectTab(id: string, focus: boolean): void {
    this.#tab = id;
    this.#query = '';
    this.#active = 0;
    this.#host.requestUpdate();
    if (focus) void this.#host.updateComplete.then(() => this.#root()?.querySelector<HTMLElement>(`[part~="emoji-tab"][aria-selected="true"]`)?.focus());
  }

  #onKeydown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    // Handled here: an enclosing widget must not close its panel too.
    e.preventDefault();
    e.stopPropagation();
    this.close(true);
  };

  #onSearchInput = (e: Event) => {
    this.#query = (e.target as HTMLInputElement).value;
    this.#active = 0;
    this.#host.requestUpdate();
  };

  #onSearchKeydown = (e: KeyboardEvent) => {
    if (e.isComposing) return;
    const items = this.#items();
    if (e.key === 'ArrowDown' && items.length > 0) {
      e.preventDefault();
      this.#part('emoji-grid')?.focus();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const item = items[Math.min(this.#active, items.length - 1)];
      if (item) this.#pick(item);
    }
  };

  /** +1 for ArrowRight, -1 for ArrowLeft, mirrored in right-to-left text. */
  #step(key: string): number {
    const step = key === 'ArrowRight' ? 1 : key === 'ArrowLeft' ? -1 : 0;
    const root = this.#root();
    return root && getComputedStyle(root).direction === 'rtl' ? -step : step;
  }

  #onTabKeydown = (e: KeyboardEvent) => {
    const tabs = this.#tabs();
    const i = tabs.indexOf(this.#currentTab());
    const next = { ArrowRight: i + this.#step(e.key), ArrowLeft: i + this.#step(e.key), Home: 0, End: tabs.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    this.#selectTab(tabs[(next + tabs.length) % tabs.length]!, true);
  };

  #onGridKeydown = (e: KeyboardEvent) => {
    const items = this.#items();
    if (items.length === 0) return;
    const cols = this.#columns();
    const active = Math.min(this.#active, items.length - 1);
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.#pick(items[active]!);
      return;
    }
    if (e.key === 'ArrowUp' && active < cols) {
      e.preventDefault();
      this.#part('emoji-search')?.focus();
      return;
    }
    const moves: Record<string, number> = {
      ArrowRight: active + this.#step(e.key),
      ArrowLeft: active + this.#step(e.key),
      ArrowDown: active + cols,
      ArrowUp: active - cols,
      Home: 0,
      End: items.length - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      this.#setActive(Math.max(0, Math.min(items.length - 1, moves[e.key]!)));
      return;
    }
    // Typing in the grid searches: focus moves before the key lands, so the character goes there.
    if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) this.#part('emoji-search')?.focus();
  };

  #onFocusout = (e: FocusEvent) => {
    const to = e.relatedTarget as Node | null;
    // Tab or Shift+Tab out of the picker closes it; a click on nothing focusable keeps it.
    if (to && !this.#root()?.contains(to)) this.close(false);
  };

  /** The popover, or nothing while closed. */
  render(labels: ComposerStrings) {
    if (!this.#open) return nothing;
    const t: EmojiPickerStrings = overStrings(labels, emojiPickerStrings);
    const tab = this.#currentTab();
    const stickers = this.#delegate.stickers();
    return html`<div
      id=${EMOJI_PICKER_ID}
      part="emoji-picker"
      role="dialog"
      aria-label=${t.emoji}
      @keydown=${this.#onKeydown}
      @focusout=${this.#onFocusout}
    >
      <input
        part="emoji-search"
        type="search"
        aria-label=${t.emojiSearch}
        placeholder=${t.emojiSearch}
        aria-controls="emoji-panel"
        autocomplete="off"
        enterkeyhint="done"
        .value=${this.#query}
        @input=${this.#onSearchInput}
        @keydown=${this.#onSearchKeydown}
      />
      ${this.#data || stickers.length > 0
        ? html`<div part="emoji-tabs" role="tablist" aria-label=${t.emojiCategories} @keydown=${this.#onTabKeydown}>
            ${this.#tabs().map((id) => {
              const selected = id === tab;
              const label = id === STICKERS ? t.stickers : (t.category(id) ?? id);
              const icon = id === STICKERS ? html`<img src=${stickers[0]!.url} alt="" referrerpolicy="no-referrer" />` : this.#data!.find((c) => c.id === id)!.emoji[0]!.char;
              return html`<button
                type="button"
                role="tab"
                part=${selected ? 'emoji-tab selected' : 'emoji-tab'}
                aria-selected=${selected ? 'true' : 'false'}
                aria-controls="emoji-panel"
                tabindex=${selected ? 0 : -1}
                aria-label=${label}
                title=${label}
                @click=${() => this.#selectTab(id, false)}
              >
                <span aria-hidden="true">${icon}</span>
              </button>`;
            })}
          </div>`
        : nothing}
      <div id="emoji-panel" role="tabpanel" aria-label=${this.#query ? t.emojiResults : tab === STICKERS ? t.stickers : (t.category(tab) ?? t.emoji)}>
        ${this.#renderGrid(t)}
      </div>
    </div>`;
  }

  #renderGrid(t: EmojiPickerStrings) {
    const english = getLocale() === 'en';
    const sticker = this.#currentTab() === STICKERS && !this.#query;
    if (!sticker && !this.#data) {
      return this.#failed
        ? html`<p part="emoji-status" role="alert">${t.emojiFailed}</p>`
        : html`<p part="emoji-status" role="status">${t.emojiLoading}</p>`;
    }
    const items = this.#items();
    if (items.length === 0) return html`<p part="emoji-status" role="status">${t.emojiNone}</p>`;
    const active = Math.min(this.#active, items.length - 1);
    return html`<div
      part="emoji-grid"
      role="listbox"
      tabindex="0"
      aria-label=${this.#query ? t.emojiResults : sticker ? t.stickers : (t.category(this.#currentTab()) ?? t.emoji)}
      aria-activedescendant=${optionId(active)}
      style="--_columns: ${this.#columns()}"
      @keydown=${this.#onGridKeydown}
    >
      ${items.map((item, i) => {
        const current = i === active;
        if (item.sticker) {
          return html`<div
            id=${optionId(i)}
            part=${current ? 'sticker active' : 'sticker'}
            role="option"
            aria-selected=${current ? 'true' : 'false'}
            title=${item.sticker.label}
            @click=${() => this.#pick(item)}
          >
            <img src=${item.sticker.url} alt=${item.sticker.label} loading="lazy" draggable="false" referrerpolicy="no-referrer" />
          </div>`;
        }
        // The names are English: in other languages the emoji is its own name (screen readers say it).
        return html`<div
          id=${optionId(i)}
          part=${current ? 'emoji active' : 'emoji'}
          role="option"
          aria-selected=${current ? 'true' : 'false'}
          aria-label=${english ? item.emoji.name : nothing}
          title=${english ? item.emoji.name : nothing}
          @click=${() => this.#pick(item)}
        >
          ${item.emoji.char}
        </div>`;
      })}
    </div>`;
  }
}
