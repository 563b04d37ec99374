import { html, nothing, type ReactiveControllerHost } from 'lit';
import type { ChatClient, Member } from '../../client/types.js';
import { AT_ALL, isConversationId, type ConversationId } from '../../protocol/ids.js';
import { StoreController } from '../controllers/store-controller.js';
import { adoptLazyStyles } from '../styles/lazy-styles.js';
import { mentionListStrings } from '../i18n/mention-list.js';
import { MENTIONS_ID } from './load-mention-list.js';
import { mentionListStyles } from './mention-list.styles.js';
import { mentionOptions, mentionQueryAt, type MentionQuery } from './mention-options.js';
import type { Mention, MentionOption } from './mention-suggest.js';

/** What the list needs from the composer that hosts it. */
export interface MentionDelegate {
  client(): ChatClient | undefined;
  conversation(): string;
  /** Puts a picked mention in place of the `@query` (`[start, end)` of the draft). */
  insertMention(start: number, end: number, mention: Mention): void;
}

const optionId = (i: number) => `mention-${i}`;

/**
 * The @mention autocomplete of a group composer: watches the text at the caret for an `@`,
 * lists matching members (loaded on the first `@`), and is driven by the text area's keys
 * (ArrowUp/ArrowDown move, Enter or Tab insert, Escape dismisses). Focus never leaves the text
 * area: the list is a `listbox` tied to it by `aria-controls` and `aria-activedescendant`.
 */
export class MentionList {
  readonly #host: ReactiveControllerHost;
  readonly #delegate: MentionDelegate;
  readonly #members: StoreController<Member[] | undefined>;
  #query: MentionQuery | undefined;
  /** The `@` the user dismissed with Escape: stays closed until another one is typed. */
  #dismissed = -1;
  #requested = new Set<string>();
  #active = 0;

  constructor(host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment }, delegate: MentionDelegate) {
    this.#host = host;
    this.#delegate = delegate;
    // After the composer's own sheets, where these were when they came with it.
    adoptLazyStyles(host.renderRoot, mentionListStyles, 'end');
    this.#members = new StoreController(host, () => (this.#isGroup() ? delegate.client()!.members(delegate.conversation() as ConversationId) : undefined), undefined);
  }

  #isGroup(): boolean {
    const id = this.#delegate.conversation();
    return !!this.#delegate.client() && isConversationId(id) && id.startsWith('group:');
  }

  /** Whether the list is showing. */
  get open(): boolean {
    return !!this.#query && this.#query.start !== this.#dismissed;
  }

  /** The suggestions for what is typed now. */
  options(): MentionOption[] {
    if (!this.open) return [];
    return mentionOptions(this.#members.value, this.#delegate.client()?.$me.get()?.id, this.#query!.query, mentionListStrings().mentionAll);
  }

  /** Whether members are still being fetched for the open list. */
  get loading(): boolean {
    return this.open && this.#members.value === undefined;
  }

  /** What the composer's status line says of the open list: that members are loading, or how many suggestions there are. */
  status(): string {
    const t = mentionListStrings();
    return this.loading ? t.mentionLoading : t.suggestions(this.options().length);
  }

  /** Attributes for the text area while the list is open. */
  activeDescendant(): string | undefined {
    const count = this.options().length;
    return count > 0 ? optionId(Math.min(this.#active, count - 1)) : undefined;
  }

  /** Follows the caret: call on every input, click and caret move of the text area. */
  sync(input: HTMLTextAreaElement): void {
    const caret = input.selectionStart;
    const query = this.#isGroup() && caret === input.selectionEnd ? mentionQueryAt(input.value, caret) : undefined;
    if (query?.start !== this.#query?.start || query?.query !== this.#query?.query) this.#active = 0;
    if (!query) this.#dismissed = -1;
    this.#query = query;
    if (this.open) this.#load();
    this.#host.requestUpdate();
  }

  /** Closes the list (the conversation changed, the draft was sent). */
  reset(): void {
    this.#query = undefined;
    this.#dismissed = -1;
    this.#active = 0;
    this.#host.requestUpdate();
  }

  #load(): void {
    const id = this.#delegate.conversation() as ConversationId;
    if (this.#members.value !== undefined || this.#requested.has(id)) return;
    this.#requested.add(id);
    // A failure leaves only `@all` to pick; the next conversation switch may try again.
    this.#delegate.client()!.loadMembers(id).catch(() => this.#requested.delete(id));
  }

  /** Handles a key of the text area; returns whether it did (the caller then stops). */
  keydown(e: KeyboardEvent): boolean {
    const options = this.options();
    if (options.length === 0 || e.isComposing) return false;
    if (e.key === 'Escape') {
      this.#dismissed = this.#query!.start;
      this.#host.requestUpdate();
      return true;
    }
    const active = Math.min(this.#active, options.length - 1);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      this.#active = (active + (e.key === 'ArrowDown' ? 1 : -1) + options.length) % options.length;
      this.#host.requestUpdate();
      return true;
    }
    if ((e.key === 'Enter' && !e.shiftKey) || (e.key === 'Tab' && !e.shiftKey)) {
      this.pick(options[active]!);
      return true;
    }
    return false;
  }

  /** Inserts `@label ` for the option in place of the `@query`. */
  pick(option: MentionOption): void {
    const q = this.#query;
    if (!q) return;
    this.#query = undefined;
    this.#delegate.insertMention(q.start, q.start + 1 + q.query.length, option);
  }

  /** The listbox, or nothing while closed. */
  render() {
    if (!this.open) return nothing;
    const t = mentionListStrings();
    const options = this.options();
    if (options.length === 0) return nothing;
    const active = Math.min(this.#active, options.length - 1);
    return html`<div id=${MENTIONS_ID} part="mentions" role="listbox" aria-label=${t.mentions}>
      ${options.map(
        (o, i) => html`<div
          id=${optionId(i)}
          part=${i === active ? 'mention active' : 'mention'}
          role="option"
          aria-selected=${i === active ? 'true' : 'false'}
          @pointerdown=${(e: PointerEvent) => e.preventDefault()}
          @click=${() => this.pick(o)}
        >
          <span class="mention-label"><bdi>@${o.label}</bdi></span>
          <span class="mention-detail">${o.id === AT_ALL ? t.mentionAllHint : o.label === o.id ? nothing : html`<bdi>${o.id}</bdi>`}</span>
        </div>`,
      )}
    </div>`;
  }
}
