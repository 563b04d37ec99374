import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { ChatClient, ChatMessage } from '../../../client/types.js';
import { isConversationId } from '../../../protocol/ids.js';
import { reactorStrings } from '../../i18n/reactors.js';
import { adoptLazyStyles } from '../../styles/lazy-styles.js';
import { whoListsStyles } from '../who-lists.styles.js';

/** Names asked for at a time in the list of who reacted ("Show more" asks for the next). */
export const REACTORS_PAGE = 20;

interface Page {
  users: string[];
  count: number;
  hasMore: boolean;
  loading: boolean;
  failed: boolean;
}

interface ReactorsHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/**
 * Who reacted to a message, on demand: the `reactors-button` under the chips opens a list per
 * emoji, loaded with `client.reactions` a page at a time (the chips only know the first few
 * names); "Show more" loads the next page. Escape closes it and gives focus back to the button.
 * One list is open at a time; opening it again loads afresh.
 */
export class Reactors {
  /** Key of the message whose list is open. */
  openFor = '';
  #pages = new Map<string, Page>();
  readonly #host: ReactorsHost;
  readonly #client: () => ChatClient | undefined;
  readonly #conversation: () => string;

  constructor(host: ReactorsHost, client: () => ChatClient | undefined, conversation: () => string) {
    this.#host = host;
    this.#client = client;
    this.#conversation = conversation;
    adoptLazyStyles(host.renderRoot, whoListsStyles, 'end');
  }

  reset(): void {
    this.openFor = '';
    this.#pages.clear();
  }

  toggle(m: ChatMessage, key: string): void {
    this.#pages.clear();
    this.openFor = this.openFor === key ? '' : key;
    if (this.openFor) for (const r of m.reactions ?? []) this.more(m, r.emoji);
    this.#host.requestUpdate();
  }

  close(key: string): void {
    this.openFor = '';
    this.#host.requestUpdate();
    void this.#host.updateComplete.then(() =>
      this.#host.renderRoot.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"] [part~="reactors-button"]`)?.focus(),
    );
  }

  /** Loads the next page of who reacted with `emoji` (the first when none is held). */
  more(m: ChatMessage, emoji: string): void {
    const client = this.#client();
    const conversation = this.#conversation();
    if (!client || !isConversationId(conversation)) return;
    const id = `${m.id}|${emoji}`;
    const held = this.#pages.get(id);
    if (held?.loading) return;
    const page: Page = { users: held?.users ?? [], count: held?.count ?? 0, hasMore: held?.hasMore ?? false, loading: true, failed: false };
    this.#pages.set(id, page);
    client.reactions(conversation, m.id, emoji, page.users.at(-1), REACTORS_PAGE).then(
      (next) => this.#settle(id, page, { users: [...page.users, ...next.users], count: next.count, hasMore: next.hasMore, loading: false, failed: false }),
      () => this.#settle(id, page, { ...page, loading: false, failed: true }),
    );
    this.#host.requestUpdate();
  }

  #settle(id: string, asked: Page, next: Page): void {
    // Closed or reopened meanwhile: that answer is not for the list shown.
    if (this.#pages.get(id) !== asked) return;
    this.#pages.set(id, next);
    this.#host.requestUpdate();
  }

  /** The open list under a message's chips, or nothing. */
  render(m: ChatMessage, key: string, nameOf: (id: string) => string): TemplateResult | typeof nothing {
    if (this.openFor !== key || !m.reactions?.length) return nothing;
    const s = reactorStrings();
    const onKeydown = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      this.close(key);
    };
    return html`<div part="reactors" class="reactors" id="reactors-${key}" role="group" aria-label=${s.whoReacted} @keydown=${onKeydown}>
      ${m.reactions.map((r) => {
        const page = this.#pages.get(`${m.id}|${r.emoji}`);
        // Until the first page arrives, the first names the message carries.
        const users = page && page.users.length > 0 ? page.users : r.users;
        return html`<div class="reactors-section">
          <span class="reactors-heading">${s.reactorsOf(r.emoji, page?.count || r.count)}</span>
          <ul part="reactors-list">${users.map((u) => html`<li part="reactor"><bdi>${nameOf(u)}</bdi></li>`)}</ul>
          ${page?.loading
            ? html`<span class="reactors-note" role="status">${s.reactorsLoading}</span>`
            : page?.failed
              ? html`<button part="reactors-more-button" type="button" @click=${() => this.more(m, r.emoji)}>${s.reactorsFailed} ${s.retry}</button>`
              : page?.hasMore
                ? html`<button part="reactors-more-button" type="button" @click=${() => this.more(m, r.emoji)}>${s.showMore}</button>`
                : nothing}
        </div>`;
      })}
    </div>`;
  }
}
