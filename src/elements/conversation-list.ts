import { LitElement, html, nothing } from 'lit';
import { consume } from '@lit/context';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { ChatClient, Conversation, Profile } from '../client/types.js';
import { parseConversationId, type ConversationId } from '../protocol/ids.js';
import { plainText } from '../protocol/plain-text.js';
import { chatClientContext } from './context.js';
import { DraftsController } from './controllers/drafts-controller.js';
import { StoreController } from './controllers/store-controller.js';
import { ConversationSelectEvent } from './events/conversation-select.js';
import { formatShortTime, hueOf, initials } from './format.js';
import { describeElemText } from './i18n/elems.js';
import { listStrings } from './i18n/list.js';
import { formatNumber, LocaleController } from './i18n/localize.js';
import { uiStrings } from './i18n/ui.js';
import { styles } from './conversation-list.styles.js';
import { safeMediaUrl } from './thread/elems/safe-url.js';

/**
 * @summary The user's conversations, most recent first, with previews and unread counts.
 * @tag conversation-list
 *
 * @slot empty - Shown when there are no conversations yet.
 *
 * @csspart list - The listbox.
 * @csspart item - One conversation (an option of the listbox); also `selected` for the selected one.
 * @csspart avatar - The conversation's picture or initials.
 * @csspart unread-badge - Number of unread messages.
 * @csspart draft - "Draft:" before the text of a half-written message, shown instead of the last message.
 *
 * @cssproperty [--chat-conversation-list-item-padding=0.625rem 0.75rem] - Padding of an item.
 * @cssproperty [--chat-conversation-list-gap=2px] - Space between items.
 * @cssproperty [--chat-conversation-list-selected-color=accent at 14%] - Background of the selected item.
 * @cssproperty [--chat-avatar-size=2.5rem] - Size of avatars.
 *
 * @fires {ConversationSelectEvent} conversation-select - The user picked a conversation (cancelable).
 */
export class ConversationList extends LitElement {
  static override styles = styles;

  #conversations = new StoreController<Conversation[]>(this, () => this.client?.$conversations, []);
  #me = new StoreController<Profile | undefined>(this, () => this.client?.$me, undefined);
  #drafts = new DraftsController(this, () => this.client);
  #locale = new LocaleController(this);

  /** The highlighted conversation. Set by the user's pick unless the event is cancelled. */
  @property({ reflect: true }) accessor selected = '';

  /** Accessible name of the list; empty uses "Conversations" in the element's language. */
  @property() accessor label = '';

  /** The client, from the nearest `<chat-session>`; or set it directly. */
  @consume({ context: chatClientContext, subscribe: true })
  @property({ attribute: false })
  accessor client: ChatClient | undefined = undefined;

  /** The item that takes Tab focus (roving tabindex). */
  @state() private accessor focusId = '';

  private onClick = (e: MouseEvent) => {
    const id = this.#idOf(e.target);
    if (id) this.#pick(id);
  };

  private onKeyDown = (e: KeyboardEvent) => {
    const ids = this.#conversations.value.map((c) => c.id);
    const current = this.#idOf(e.target);
    if (!current || ids.length === 0) return;
    const at = ids.indexOf(current);
    let next: string | undefined;
    switch (e.key) {
      case 'ArrowDown': next = ids[Math.min(at + 1, ids.length - 1)]; break;
      case 'ArrowUp': next = ids[Math.max(at - 1, 0)]; break;
      case 'Home': next = ids[0]; break;
      case 'End': next = ids[ids.length - 1]; break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        this.#pick(current as ConversationId);
        return;
      default:
        return;
    }
    e.preventDefault();
    if (next) void this.#focusItem(next);
  };

  #idOf(target: EventTarget | null): ConversationId | undefined {
    const item = (target as Element | null)?.closest?.('[role="option"]');
    return (item?.getAttribute('data-id') as ConversationId | null) ?? undefined;
  }

  #pick(id: ConversationId): void {
    this.focusId = id;
    const event = new ConversationSelectEvent(id);
    if (this.dispatchEvent(event)) this.selected = id;
  }

  async #focusItem(id: string): Promise<void> {
    this.focusId = id;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"]`)?.focus();
  }

  /** Moves keyboard focus to the selected conversation (or the first one). */
  override focus(options?: FocusOptions): void {
    const item =
      this.renderRoot.querySelector<HTMLElement>('[role="option"][tabindex="0"]') ??
      this.renderRoot.querySelector<HTMLElement>('[role="option"]');
    if (item) item.focus(options);
    else super.focus(options);
  }

  override render() {
    const items = this.#conversations.value;
    const t = listStrings();
    if (items.length === 0) {
      return html`<slot name="empty"><p class="empty">${t.empty}</p></slot>`;
    }
    const ids = items.map((c) => c.id as string);
    const tabStop = [this.focusId, this.selected].find((id) => ids.includes(id)) ?? ids[0];
    return html`
      <div part="list" role="listbox" aria-label=${this.label || t.label} @click=${this.onClick} @keydown=${this.onKeyDown}>
        ${repeat(items, (c) => c.id, (c) => this.#renderItem(c, c.id === tabStop))}
      </div>
    `;
  }

  #renderItem(c: Conversation, tabStop: boolean) {
    const { type, target } = parseConversationId(c.id);
    const name = c.name || target;
    const last = c.lastMessage;
    const me = this.#me.value?.id;
    const t = listStrings();
    // Names and text are isolated (<bdi>), so a right-to-left override in one cannot reorder the other.
    // A system notification speaks for itself: no "system:" before it.
    const who = !last || last.elem.type === 'system' ? '' : last.sender === me ? t.you : type === 'group' ? last.senderProfile.name ?? last.sender : '';
    const what = last ? describeElemText(last.elem) : '';
    const draft = this.#drafts.value[c.id];
    const preview = draft
      ? html`<span part="draft">${t.draft}</span> <bdi>${oneLine(draft.text)}</bdi>`
      : !last ? '' : html`${who ? html`<bdi>${who}</bdi>${uiStrings().saidSeparator}` : ''}<bdi>${what}</bdi>`;
    const unread = c.unread > 0;
    const avatar = safeMediaUrl(c.avatar);
    return html`
      <div
        part="item${c.id === this.selected ? ' selected' : ''}"
        class=${unread ? 'unread' : ''}
        role="option"
        data-id=${c.id}
        tabindex=${tabStop ? 0 : -1}
        aria-selected=${c.id === this.selected ? 'true' : 'false'}
      >
        ${avatar
          ? html`<img part="avatar" src=${avatar} alt="" referrerpolicy="no-referrer" />`
          : html`<span part="avatar" aria-hidden="true" style=${styleMap({ '--_hue': String(hueOf(target)) })}>${initials(name)}</span>`}
        <span class="name">${name}${c.mentioned ? html` <span class="mention" aria-hidden="true">@</span><span class="visually-hidden">${t.mentionsYou}</span>` : nothing}</span>
        <span class="time">${last ? html`<time datetime=${new Date(last.time).toISOString()}>${formatShortTime(last.time)}</time>` : nothing}</span>
        <span class="preview">${preview}</span>
        ${unread
          ? html`<span part="unread-badge" aria-label=${t.unread(c.unread)}>${c.unread > 99 ? `${formatNumber(99)}+` : formatNumber(c.unread)}</span>`
          : nothing}
      </div>
    `;
  }
}

/** The start of a draft on one line, without formatting markers (the preview is cut by CSS; this only bounds the work). */
function oneLine(text: string): string {
  return plainText(text.slice(0, 200)).replace(/\s+/g, ' ').trim();
}

declare global {
  interface HTMLElementTagNameMap {
    'conversation-list': ConversationList;
  }
}
