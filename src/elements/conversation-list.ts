import { LitElement, html, nothing } from 'lit';
import { consume } from '@lit/context';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { MuteState } from '../client/mutes.js';
import type { ChatClient, ChatMessage, ConnectionState, Conversation, Profile } from '../client/types.js';
import { parseConversationId, type ConversationId } from '../protocol/ids.js';
import type { Message } from '../protocol/message.js';
import { plainText } from '../protocol/plain-text.js';
import { chatClientContext } from './context.js';
import { DraftsController } from './controllers/drafts-controller.js';
import { StoreController } from './controllers/store-controller.js';
import { ConversationSelectEvent } from './events/conversation-select.js';
import { formatShortTime } from './format.js';
import { changeStrings } from './i18n/changes.js';
import { describeElemText } from './i18n/elems.js';
import { listStrings } from './i18n/list.js';
import { formatNumber, LocaleController } from './i18n/localize.js';
import { uiStrings } from './i18n/ui.js';
import { SearchToggle, searchToggleStyles } from './search/search-toggle.js';
import { styles } from './conversation-list.styles.js';
import { renderAvatar } from './avatar.js';
import { loadGroupElements } from './groups/load-groups.js';
import { withName } from './thread/changes/row-changes.js';
import { PresenceController } from './people/presence-controller.js';
import { presenceStrings } from './i18n/presence.js';
import { deliveryOf, renderClock } from './thread/delivery.js';

/**
 * With `create-group`, a New group button above the list opens `<group-create-dialog>` (loaded
 * the first time it opens); the group created is selected.
 *
 * @summary The user's conversations, most recent first, with previews and unread counts.
 * @tag conversation-list
 *
 * @slot empty - Shown when there are no conversations yet.
 *
 * @csspart list - The listbox.
 * @csspart item - One conversation (an option of the listbox); also `selected` for the selected one.
 * @csspart avatar - The conversation's picture or initials.
 * @csspart unread-badge - Number of unread messages; also `muted` in a muted conversation (shown quietly).
 * @csspart muted-icon - Shown on a muted conversation (or all of them under do-not-disturb).
 * @csspart presence-dot - On a 1:1 conversation's avatar while the person is online (not with `hide-presence`).
 * @csspart new-group-button - Opens the create-a-group dialog (with `create-group`).
 * @csspart search-bar - The bar over the list holding `search-button`, and `search` when open.
 * @csspart search-button - Opens and closes the search of all conversations (`aria-expanded`).
 * @csspart search - The `<chat-search>` of all conversations.
 * @csspart contacts-button - Opens `<contacts-view>` (with `contacts`).
 * @csspart draft - "Draft:" before the text of a half-written message, shown instead of the last message.
 * @csspart preview-status - Before the preview of an own message not sent yet (newer than the last sent one): a clock while it is
 *   being sent or waits for the connection (also `sending` or `waiting`), "Not sent" when it needs the user (also `failed`).
 *
 * @cssproperty [--chat-conversation-list-item-padding=0.625rem 0.75rem] - Padding of an item.
 * @cssproperty [--chat-conversation-list-gap=2px] - Space between items.
 * @cssproperty [--chat-conversation-list-selected-color=accent at 14%] - Background of the selected item.
 * @cssproperty [--chat-avatar-size=2.5rem] - Size of avatars.
 * @cssproperty [--chat-presence-online-color=light-dark(#15803d, #4ade80)] - Colour of the online dot (also in `<chat-thread>` and `<profile-card>`).
 *
 * @fires {ConversationSelectEvent} conversation-select - The user picked a conversation, or created a group (cancelable).
 * @fires {SearchResultSelectEvent} search-result-select - The user opened a search result: open its conversation and call the thread's `jumpTo(messageId)` (`<chat-widget>` does).
 */
export class ConversationList extends LitElement {
  static override styles = [styles, searchToggleStyles];

  #conversations = new StoreController<Conversation[]>(this, () => this.client?.$conversations, []);
  #me = new StoreController<Profile | undefined>(this, () => this.client?.$me, undefined);
  #mutes = new StoreController<MuteState | undefined>(this, () => this.client?.$mutes, undefined);
  // Whether an unsent message shows as waiting for the connection or being sent.
  #connection = new StoreController<ConnectionState | undefined>(this, () => this.client?.$connection, undefined);
  #drafts = new DraftsController(this, () => this.client);
  #locale = new LocaleController(this);
  // Dots only (on 1:1 chats: loaded once the list holds one): no last seen to keep true, so no re-render every half minute.
  #presence = new PresenceController(this, () => this.client, () => !this.hidePresence && this.#conversations.value.some((c) => c.id.startsWith('p2p:')), false);

  /** The highlighted conversation. Set by the user's pick unless the event is cancelled. */
  @property({ reflect: true }) accessor selected = '';

  /** Accessible name of the list; empty uses "Conversations" in the element's language. */
  @property() accessor label = '';

  /** Shows a New group button that creates a group (SPEC §13). */
  @property({ type: Boolean, attribute: 'create-group' }) accessor createGroup = false;

  /** Shows a Contacts button: people to chat with and the blocklist (SPEC §13). */
  @property({ type: Boolean }) accessor contacts = false;

  /** Hides who is online (the dots on 1:1 avatars, and in its `<contacts-view>`); presence is not even loaded. */
  @property({ type: Boolean, attribute: 'hide-presence' }) accessor hidePresence = false;

  /** The client, from the nearest `<chat-session>`; or set it directly. */
  @consume({ context: chatClientContext, subscribe: true })
  @property({ attribute: false })
  accessor client: ChatClient | undefined = undefined;

  #search = new SearchToggle(this, {
    client: () => this.client,
    scope: () => '',
    // Bubbles on to the page (or <chat-widget>), which opens the conversation at the message.
    opened: () => undefined,
  });

  /** The item that takes Tab focus (roving tabindex). */
  @state() private accessor focusId = '';
  /** Which dialogs were opened (loaded and rendered from then on). */
  @state() private accessor opened: readonly string[] = [];

  async #open(tag: 'group-create-dialog' | 'contacts-view'): Promise<void> {
    await loadGroupElements();
    if (!this.opened.includes(tag)) this.opened = [...this.opened, tag];
    await this.updateComplete;
    await this.renderRoot.querySelector(tag)?.show();
  }

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
    const tools = html`<div class="tools">${this.createGroup ? html`<button part="new-group-button" type="button" @click=${() => void this.#open('group-create-dialog')}>${t.newGroup}</button>` : nothing}
      ${this.contacts ? html`<button part="contacts-button" type="button" @click=${() => void this.#open('contacts-view')}>${t.contacts}</button>` : nothing}
      ${this.opened.includes('group-create-dialog') ? html`<group-create-dialog .client=${this.client}></group-create-dialog>` : nothing}
      ${this.opened.includes('contacts-view') ? html`<contacts-view ?hide-presence=${this.hidePresence} .client=${this.client}></contacts-view>` : nothing}${this.#search.render()}</div>`;
    if (items.length === 0) {
      return html`${tools}<slot name="empty"><p class="empty">${t.empty}</p></slot>`;
    }
    const ids = items.map((c) => c.id as string);
    const tabStop = [this.focusId, this.selected].find((id) => ids.includes(id)) ?? ids[0];
    return html`
      ${tools}
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
    // A system notification speaks for itself: no "system:" before it. A text alone is the line's
    // (`dir="auto"`): in its own direction, it is cut at its end, not its start, in a page of the other.
    const who = !last || last.elem.type === 'system' ? '' : last.sender === me ? t.you : type === 'group' ? last.senderProfile.name ?? last.sender : '';
    const said = (by: unknown, m: Message) => (by ? html`<bdi>${by}</bdi>${uiStrings().saidSeparator}<bdi>${describeElemText(m.elem)}</bdi>` : describeElemText(m.elem, me));
    const draft = this.#drafts.value[c.id];
    const out = c.outgoing;
    const preview = draft
      ? html`<span part="draft">${t.draft}</span> <bdi>${oneLine(draft.text)}</bdi>`
      : out
        ? html`${this.#unsentStatus(out)} ${said(t.you, out)}`
        : !last
          ? ''
          : last.recalled || last.elem.type === 'recalled'
            ? recalledLine(last, me)
            : said(who, last);
    const time = (out ?? last)?.time;
    const unread = c.unread > 0;
    const muted = this.#mutes.value !== undefined && this.client?.isMuted(c.id) === true;
    return html`
      <div
        part="item${c.id === this.selected ? ' selected' : ''}"
        class=${[unread ? 'unread' : '', muted ? 'muted' : ''].join(' ').trim()}
        role="option"
        data-id=${c.id}
        tabindex=${tabStop ? 0 : -1}
        aria-selected=${c.id === this.selected ? 'true' : 'false'}
      >
        ${renderAvatar(c.avatar, target, name)}
        ${type === 'p2p' && this.#presence.of(target)?.online
          ? html`<span part="presence-dot" aria-hidden="true"></span><span class="visually-hidden">${presenceStrings().online}</span>`
          : nothing}
        <span class="name">${name}${muted ? html` <svg part="muted-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6V11c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 0 0-3 0v.7c-.5.1-.9.3-1.3.5L18 15.1V16zM4.3 3 3 4.3l3.2 3.2C6.1 8.6 6 9.8 6 11v5l-2 2v1h13.7l2 2 1.3-1.3z" /></svg><span class="visually-hidden">${t.muted}</span>` : nothing}${c.left ? html` <span class="muted">${t.left}</span>` : nothing}${c.mentioned ? html` <span class="mention" aria-hidden="true">@</span><span class="visually-hidden">${t.mentionsYou}</span>` : nothing}</span>
        <span class="time">${time ? html`<time datetime=${new Date(time).toISOString()}>${formatShortTime(time)}</time>` : nothing}</span>
        <span class="preview" dir="auto">${preview}</span>
        ${unread
          ? html`<span part="unread-badge${muted ? ' muted' : ''}" aria-label=${t.unread(c.unread)}>${c.unread > 99 ? `${formatNumber(99)}+` : formatNumber(c.unread)}</span>`
          : nothing}
      </div>
    `;
  }

  /** How an own message not sent yet shows before its preview: as its bubble's status does in the thread. */
  #unsentStatus(m: ChatMessage) {
    const ui = uiStrings();
    const delivery = deliveryOf(m, this.#connection.value);
    return delivery === 'failed'
      ? html`<span part="preview-status failed">${ui.statusFailed}</span>`
      : renderClock(`preview-status ${delivery}`, delivery === 'waiting' ? ui.waitingForConnection : ui.sending);
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

/** The preview of a recalled last message: "You recalled a message" or "Alice recalled a message". */
function recalledLine(m: Message, me: string | undefined): unknown {
  const s = changeStrings();
  const by = m.recalled?.by ?? m.sender;
  return by === me ? s.youRecalled : withName(s.recalledBy, by === m.sender ? m.senderProfile.name || by : by);
}
