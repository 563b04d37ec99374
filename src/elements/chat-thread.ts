import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { property, query, state } from 'lit/decorators.js';
import { ref } from 'lit/directives/ref.js';
import { repeat } from 'lit/directives/repeat.js';
import { messageKey, type ChatClient, type ChatMessage, type Conversation } from '../client/types.js';
import { isConversationId, type ConversationId } from '../protocol/ids.js';
import { LIMITS } from '../protocol/limits.js';
import { chatClientContext } from './context.js';
import { StoreController } from './controllers/store-controller.js';
import { ForwardRequestEvent } from './events/forward-request.js';
import type { ForwardDialog } from './forward-dialog.js';
import { resolveLocale } from './i18n/locale.js';
import { uiStrings } from './i18n/ui.js';
import { MessageActions } from './thread/message-actions.js';
import { announcementOf, renderRow, type RowContext } from './thread/message-row.js';
import { findById, firstAfter, mentions, type JumpTarget } from './thread/jump.js';
import { mergeTitle, renderSelectionBar } from './thread/selection-bar.js';
import { VirtualList } from './thread/virtual-list.js';
import { styles } from './chat-thread.styles.js';

/** How close to the bottom (px) still counts as "at the bottom". */
const BOTTOM_SLACK = 32;
/** Messages asked for per `loadOlder()`. */
const OLDER_PAGE = 100;

/**
 * @summary Shows a conversation's messages, newest at the bottom.
 *
 * The log is virtualized: only the rows near the viewport exist in the DOM, so it stays smooth
 * with tens of thousands of messages. It opens at the newest message, stays there while new ones
 * arrive, and keeps the messages in view still when older ones load above.
 *
 * @tag chat-thread
 *
 * @slot empty - Shown when no conversation is chosen.
 *
 * @csspart log - The scrolling message log (a polite live region).
 * @csspart message - One message row; also `self`, `other` or `system`, and its status.
 * @csspart avatar - Picture or initials of the sender of others' messages.
 * @csspart sender - Sender name above others' messages.
 * @csspart bubble - The message content.
 * @csspart status - Delivery state of an own message (sending, sent, read, not sent).
 * @csspart failure - Box under a failed message: reason and actions.
 * @csspart error - Why a message failed.
 * @csspart resend-button - Sends a failed message again.
 * @csspart discard-button - Removes a failed message.
 * @csspart load-older-button - Loads older messages.
 * @csspart day - Date heading between days.
 * @csspart jump-button - Scrolls down to new messages (shown when one arrives while scrolled up).
 * @csspart actions-button - Opens a message's action menu (Forward, Select; Resend, Delete when failed).
 * @csspart menu - A message's action menu; its items are `menu-item` (also `forward`, `select`, `resend`, `delete`).
 * @csspart select-checkbox - Picks a message in multi-select mode.
 * @csspart selection-bar - Bar of multi-select mode: count, forward one by one, forward merged, cancel.
 * @csspart forward-each-button - Forwards the selected messages one by one.
 * @csspart forward-merged-button - Forwards the selected messages as one merged message.
 * @csspart cancel-selection-button - Leaves multi-select mode.
 * @csspart forwarded-from - "Forwarded from …" line of a forwarded message.
 * @csspart merger - A merged forward (title, abstract, original messages).
 * @csspart merger-title - Title of a merged forward.
 * @csspart merger-messages - The original messages of an opened merged forward.
 * @csspart merger-open-button - Shows or hides the original messages of a merged forward.
 * @csspart forward-dialog - The built-in `<forward-dialog>` (its parts are exported as `forward-dialog-<part>`, e.g. `forward-dialog-confirm-button`).
 *
 * @fires {ForwardRequestEvent} forward-request - The user asked to forward messages; cancel it to replace the built-in dialog.
 *
 * @cssproperty [--chat-thread-gap=0.5rem] - Space between messages.
 * @cssproperty [--chat-thread-padding=1rem] - Padding of the log.
 * @cssproperty [--chat-thread-bubble-max-width=min(75%, 42rem)] - Widest a bubble gets.
 * @cssproperty [--chat-thread-self-color=var(--chat-color-accent)] - Background of own bubbles.
 * @cssproperty [--chat-thread-self-text-color=var(--chat-color-on-accent)] - Text of own bubbles.
 * @cssproperty [--chat-thread-other-color=var(--chat-color-surface-raised)] - Background of others' bubbles.
 * @cssproperty [--chat-avatar-size=2rem] - Size of avatars.
 */
export class ChatThread extends LitElement {
  static override styles = styles;

  #messages = new StoreController<ChatMessage[]>(this, () => this.#target && this.client?.messages(this.#target), []);
  #hasOlder = new StoreController<boolean>(this, () => this.#target && this.client?.hasOlder(this.#target), false);
  #conversations = new StoreController<Conversation[]>(this, () => this.client?.$conversations, []);

  /** Conversation to show, `p2p:<user>` or `group:<id>`. */
  @property() accessor conversation = '';

  /** Accessible name of the message log. */
  @property() accessor label = 'Messages';

  /** The client, from the nearest `<chat-session>`; or set it directly. */
  @consume({ context: chatClientContext, subscribe: true })
  @property({ attribute: false })
  accessor client: ChatClient | undefined = undefined;

  @state() private accessor loadingOlder = false;
  @state() private accessor visible = false;

  @query('forward-dialog') private accessor forwardDialog!: ForwardDialog | null;

  #actions = new MessageActions(this, {
    client: () => this.client,
    messages: () => this.#messages.value,
    forward: (ids, options) => this.forward(ids, options),
  });
  #lastScrollTop = 0;
  #unseen = false;
  #lastKey = '';
  #knownEmpty = false;
  /** Keys of the shown messages, recomputed when the store's array changes. */
  #keys: string[] = [];
  #keysOf: ChatMessage[] | undefined;
  /** What the live region said lately (rows come and go as the log scrolls, so they stay silent). */
  #announcements: { key: string; text: string }[] = [];
  /** The conversation's read position when it was opened: where "first unread" starts. */
  #unreadFrom: number | undefined;
  #list = new VirtualList({
    elements: () => {
      const root = this.renderRoot;
      const scroller = this.log;
      const rows = root.querySelector<HTMLElement>('.rows');
      const before = root.querySelector<HTMLElement>('.spacer.before');
      const after = root.querySelector<HTMLElement>('.spacer.after');
      return scroller && rows && before && after ? { scroller, rows, before, after } : undefined;
    },
    requestUpdate: () => this.requestUpdate(),
    onProgrammaticScroll: (top) => (this.#lastScrollTop = top),
  });
  #shownConversation = '';
  #markedRead = '';
  #olderObserver: IntersectionObserver | undefined;
  #olderButton: Element | undefined;
  #observedOlderButton: Element | undefined;
  #visibilityObserver: IntersectionObserver | undefined;

  get #atBottom(): boolean {
    return this.#list.pinned;
  }

  set #atBottom(pinned: boolean) {
    this.#list.pinned = pinned;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.onVisibilityChange);
    this.#visibilityObserver = new IntersectionObserver((entries) => {
      this.visible = entries.some((e) => e.isIntersecting);
    });
    this.#visibilityObserver.observe(this);
    // Rows and the viewport change size after render (fonts, images, the page's layout): the
    // list re-measures, and keeps the bottom or the row in view where it was.
    this.#list.connect();
    if (this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    this.#visibilityObserver?.disconnect();
    this.#list.disconnect();
    this.#olderObserver?.disconnect();
    this.#olderObserver = undefined;
    this.#observedOlderButton = undefined;
  }

  protected override update(changed: PropertyValues): void {
    // Stores are current here (controllers ran), the DOM is not yet: note what the change does
    // to the scroll position, and let the list choose the rows to render.
    const messages = this.#messages.value;
    if (messages !== this.#keysOf) {
      this.#keysOf = messages;
      this.#keys = messages.map(messageKey);
    }
    const keys = this.#keys;
    const last = keys.at(-1) ?? '';
    // A scroll the user made since the last scroll event counts before anything moves.
    if (this.log && this.log.scrollTop !== this.#lastScrollTop) this.onScroll();
    if (this.conversation !== this.#shownConversation) {
      this.#actions.reset();
      this.#list.reset();
      this.#unseen = false;
      this.#announcements = [];
      this.#unreadFrom = undefined;
    } else if (last !== this.#lastKey) {
      // Appended after the last message shown (not a reset, not the first load), or the first
      // messages of a thread known to be empty: news.
      const from = this.#lastKey ? keys.lastIndexOf(this.#lastKey) : this.#knownEmpty ? -1 : keys.length;
      const added = this.#lastKey && from === -1 ? [] : messages.slice(from + 1);
      const own = added.find((m) => m.isSelf && m.status === 'sending');
      const news = added.filter((m) => !m.isSelf);
      // Sending a message brings the thread back to the bottom, where it shows.
      if (own) this.#atBottom = true;
      if (news.length > 0 && !this.#atBottom) this.#unseen = true;
      if (news.length > 0) this.#announcements = [...this.#announcements, ...news.map((m) => ({ key: messageKey(m), text: announcementOf(m) }))].slice(-3);
    }
    this.#unreadFrom ??= this.#conversations.value.find((c) => c.id === this.conversation)?.readSeq;
    this.#list.prepare(keys);
    super.update(changed);
  }

  protected override updated(): void {
    this.#list.settle();
    if (this.#atBottom) this.#unseen = false;
    this.#shownConversation = this.conversation;
    this.#lastKey = this.#keys.at(-1) ?? '';
    // Synced with nothing here and nothing older: whatever comes next is news.
    this.#knownEmpty = this.#keys.length === 0 && !this.#hasOlder.value && this.client?.$sync.get() === 'synced';
    this.#observeOlderButton();
    // markRead updates the stores we render from: let this update finish first.
    queueMicrotask(() => this.#markReadIfSeen());
  }

  private onScroll = () => {
    const log = this.log;
    if (!log) return;
    const top = log.scrollTop;
    const distance = log.scrollHeight - top - log.clientHeight;
    // Layout changes (fonts, the page resizing us) also fire scroll events; only a move up
    // means the user left the bottom.
    const atBottom = distance <= BOTTOM_SLACK ? true : top < this.#lastScrollTop ? false : this.#atBottom;
    this.#lastScrollTop = top;
    const changed = atBottom !== this.#atBottom;
    this.#atBottom = atBottom;
    // Still at the bottom but not quite there (the content grew): the next settle sticks to it.
    if (atBottom && distance > BOTTOM_SLACK) this.requestUpdate();
    this.#list.onScroll();
    if (!changed) return;
    if (atBottom && this.#unseen) {
      this.#unseen = false;
      this.requestUpdate();
    }
    this.#markReadIfSeen();
  };

  private onVisibilityChange = () => this.#markReadIfSeen();

  private onLoadOlderClick = () => void this.loadOlder();

  private onJumpClick = () => this.scrollToBottom();

  private onOlderButton = (el: Element | undefined) => {
    this.#olderButton = el;
  };

  private get log(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('[part~="log"]');
  }

  get #target(): ConversationId | undefined {
    return isConversationId(this.conversation) ? this.conversation : undefined;
  }

  /** Auto-loads older messages when the "Load older" button scrolls into view. */
  #observeOlderButton(): void {
    const el = this.#olderButton;
    if (el === this.#observedOlderButton) return;
    this.#olderObserver?.disconnect();
    this.#observedOlderButton = el;
    if (!el || !this.log) return;
    if (this.#olderObserver?.root !== this.log) this.#olderObserver = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void this.loadOlder();
      },
      { root: this.log, rootMargin: '200px 0px 0px 0px' },
    );
    this.#olderObserver.observe(el);
  }

  #markReadIfSeen(): void {
    const target = this.#target;
    if (!target || !this.client || !this.visible || !this.#atBottom || document.visibilityState !== 'visible') return;
    const summary = this.#conversations.value.find((c) => c.id === target);
    if (!summary || (summary.unread === 0 && summary.readSeq >= summary.lastSeq)) return;
    const mark = `${target}@${summary.lastSeq}`;
    if (mark === this.#markedRead) return;
    this.#markedRead = mark;
    this.client.markRead(target);
  }

  /**
   * Forwards messages of this conversation: fires `forward-request` and, unless a listener
   * cancels it, opens the built-in `<forward-dialog>`. Resolves with whether the request went ahead.
   */
  async forward(messageIds: string[], options: { merge?: boolean } = {}): Promise<boolean> {
    const conversationId = this.#target;
    if (!conversationId || messageIds.length === 0) return false;
    const merge = options.merge === true;
    const request = new ForwardRequestEvent({ conversationId, messageIds: [...messageIds], merge });
    if (!this.dispatchEvent(request)) return true;
    await this.updateComplete;
    const title = mergeTitle(uiStrings(resolveLocale(this)), this.#messages.value, messageIds);
    await this.forwardDialog?.show({ conversationId, messageIds: merge ? messageIds.slice(0, LIMITS.mergerMessages) : messageIds, merge, title });
    return true;
  }

  /** Loads the page of messages before the oldest one shown. Resolves when it arrived. */
  async loadOlder(): Promise<void> {
    const target = this.#target;
    if (!target || !this.client || this.loadingOlder || !this.#hasOlder.value) return;
    this.loadingOlder = true;
    try {
      await this.client.loadOlder(target, OLDER_PAGE);
    } catch {
      // Shown as the button staying there; the user can try again.
    } finally {
      this.loadingOlder = false;
    }
  }

  /** Scrolls to the newest message. */
  scrollToBottom(): void {
    this.#atBottom = true;
    this.#unseen = false;
    this.requestUpdate();
  }

  /**
   * Scrolls the message with this id (server id, or client id of one not yet acked) into view,
   * loading older pages until it is held. Resolves with whether it was found.
   */
  scrollToMessage(id: string): Promise<boolean> {
    return this.#jump((messages) => {
      const found = findById(messages, id);
      return { found, complete: found !== undefined };
    });
  }

  /** Scrolls to the first message that was unread when the conversation opened. Resolves with whether there was one. */
  jumpToFirstUnread(): Promise<boolean> {
    const readSeq = this.#unreadFrom ?? this.#readSeq();
    return this.#jump((messages) => firstAfter(messages, readSeq));
  }

  /** Scrolls to the first unread message (as of opening) that @mentions the user. Resolves with whether there was one. */
  jumpToMention(): Promise<boolean> {
    const readSeq = this.#unreadFrom ?? this.#readSeq();
    const me = this.client?.$me.get()?.id;
    return this.#jump((messages) => firstAfter(messages, readSeq, (m) => mentions(m, me)));
  }

  #readSeq(): number {
    return this.#conversations.value.find((c) => c.id === this.conversation)?.readSeq ?? 0;
  }

  /** Loads older pages until `pick` is sure of its message, then scrolls it into view (a third down the log). */
  async #jump(pick: (messages: readonly ChatMessage[]) => JumpTarget): Promise<boolean> {
    if (!this.#target || !this.client) return false;
    let { found, complete } = pick(this.#messages.value);
    while (!complete && this.#hasOlder.value) {
      const held = this.#messages.value.length;
      await this.loadOlder();
      await this.updateComplete;
      // Nothing arrived (offline, an error): settle for what is held.
      if (this.#messages.value.length === held) break;
      ({ found, complete } = pick(this.#messages.value));
    }
    if (!found) return false;
    await this.updateComplete;
    if (!this.#list.scrollToKey(messageKey(found), (this.log?.clientHeight ?? 0) / 3)) return false;
    this.#unseen = false;
    await this.updateComplete;
    return true;
  }

  override render() {
    if (!this.#target) {
      return html`<slot name="empty"><p class="note">Choose a conversation to start chatting.</p></slot>`;
    }
    const messages = this.#messages.value;
    const summary = this.#conversations.value.find((c) => c.id === this.conversation);
    const locale = resolveLocale(this);
    const t = uiStrings(locale);
    const actions = this.#actions;
    const ctx: RowContext = { t, locale, peerReadSeq: summary?.peerReadSeq ?? 0, actions };
    const { start, end } = this.#list;
    // Rows come and go as the log scrolls: they sit in a silent region, and arriving messages
    // are announced by the visually hidden one beside it.
    return html`
      <div part="log" role="log" aria-live="polite" aria-label=${this.label} tabindex="0" @scroll=${this.onScroll}>
        <div class="visually-hidden">${repeat(this.#announcements, (a) => a.key, (a) => html`<p>${a.text}</p>`)}</div>
        <div class="content">
        ${this.#hasOlder.value
          ? html`<button
              part="load-older-button"
              aria-busy=${this.loadingOlder ? 'true' : 'false'}
              @click=${this.onLoadOlderClick}
              ${ref(this.onOlderButton)}
            >
              ${this.loadingOlder ? 'Loading…' : 'Load older messages'}
            </button>`
          : messages.length > 0
            ? html`<p class="beginning">This is the beginning of the conversation.</p>`
            : html`<p class="note">No messages yet. Say hello!</p>`}
          <div class="rows" aria-live="off">
            <div class="spacer before"></div>
            ${repeat(messages.slice(start, end), (_m, i) => this.#keys[start + i]!, (m, i) => renderRow(ctx, m, messages[start + i - 1]))}
            <div class="spacer after"></div>
          </div>
        </div>
      </div>
      ${this.#unseen ? html`<button part="jump-button" @click=${this.onJumpClick}>New messages ↓</button>` : nothing}
      ${actions.selecting
        ? renderSelectionBar(t, actions.selected.length, { forward: (merge) => actions.forwardSelected(merge), cancel: () => actions.cancelSelection() })
        : nothing}
      <forward-dialog
        part="forward-dialog"
        exportparts="dialog:forward-dialog-dialog, title:forward-dialog-title, preview:forward-dialog-preview, search:forward-dialog-search, targets:forward-dialog-targets, target:forward-dialog-target, selected:forward-dialog-selected, note:forward-dialog-note, results:forward-dialog-results, result:forward-dialog-result, error:forward-dialog-error, resend-button:forward-dialog-resend-button, cancel-button:forward-dialog-cancel-button, confirm-button:forward-dialog-confirm-button, close-button:forward-dialog-close-button"
        .client=${this.client}
      ></forward-dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-thread': ChatThread;
  }
}
