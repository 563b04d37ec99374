import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { property, state } from 'lit/decorators.js';
import { ref } from 'lit/directives/ref.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import { messageKey, type ChatClient, type ChatMessage, type Conversation } from '../client/types.js';
import { describeElem } from '../protocol/elems.js';
import { isConversationId, type ConversationId } from '../protocol/ids.js';
import { chatClientContext } from './context.js';
import { StoreController } from './controllers/store-controller.js';
import { formatDay, formatTime, hueOf, initials, sameDay } from './format.js';
import { linkify } from './linkify.js';
import { styles } from './chat-thread.styles.js';

/** How close to the bottom (px) still counts as "at the bottom". */
const BOTTOM_SLACK = 32;
/** Consecutive messages of one sender closer than this are grouped under one name. */
const RUN_GAP_MS = 5 * 60_000;

/**
 * @summary Shows a conversation's messages, newest at the bottom.
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
 * @csspart jump-button - Scrolls down to new messages.
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

  #atBottom = true;
  #lastScrollTop = 0;
  #unseen = false;
  #scrollBefore: { height: number; top: number } | undefined;
  #firstKey = '';
  #lastKey = '';
  #shownConversation = '';
  #markedRead = '';
  #olderObserver: IntersectionObserver | undefined;
  #olderButton: Element | undefined;
  #observedOlderButton: Element | undefined;
  #visibilityObserver: IntersectionObserver | undefined;
  #resizeObserver: ResizeObserver | undefined;
  #observedSizes: Element[] = [];

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.onVisibilityChange);
    this.#visibilityObserver = new IntersectionObserver((entries) => {
      this.visible = entries.some((e) => e.isIntersecting);
    });
    this.#visibilityObserver.observe(this);
    // Content and viewport change size after render (fonts, images, the page's layout); a
    // thread that was at the bottom stays there.
    this.#resizeObserver = new ResizeObserver(() => {
      const log = this.log;
      if (log && this.#atBottom) this.#stickToBottom(log);
    });
    if (this.hasUpdated) this.#observeSizes();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    this.#visibilityObserver?.disconnect();
    this.#resizeObserver?.disconnect();
    this.#observedSizes = [];
    this.#olderObserver?.disconnect();
    this.#olderObserver = undefined;
    this.#observedOlderButton = undefined;
  }

  protected override update(changed: PropertyValues): void {
    // Stores are current here (controllers ran), the DOM is not yet: note what the change does
    // to the scroll position.
    const messages = this.#messages.value;
    const first = messages[0] ? messageKey(messages[0]) : '';
    const last = messages.at(-1) ? messageKey(messages.at(-1)!) : '';
    const log = this.log;
    if (this.conversation !== this.#shownConversation) {
      this.#atBottom = true;
      this.#unseen = false;
      this.#scrollBefore = undefined;
    } else if (log && first !== this.#firstKey && last === this.#lastKey) {
      this.#scrollBefore = { height: log.scrollHeight, top: log.scrollTop };
    } else if (last !== this.#lastKey && !this.#atBottom && messages.at(-1)?.isSelf === false) {
      this.#unseen = true;
    }
    super.update(changed);
  }

  protected override updated(): void {
    const messages = this.#messages.value;
    const log = this.log;
    const lastMessage = messages.at(-1);
    const ownSendArrived = lastMessage?.isSelf && lastMessage.status === 'sending' && messageKey(lastMessage) !== this.#lastKey;
    if (log) {
      if (this.#scrollBefore) {
        // Older messages were prepended: keep the same messages in view.
        log.scrollTop = this.#scrollBefore.top + (log.scrollHeight - this.#scrollBefore.height);
        this.#lastScrollTop = log.scrollTop;
        this.#scrollBefore = undefined;
      } else if (this.#atBottom || ownSendArrived) {
        this.#stickToBottom(log);
        this.#atBottom = true;
        this.#unseen = false;
      }
    }
    this.#shownConversation = this.conversation;
    this.#firstKey = messages[0] ? messageKey(messages[0]) : '';
    this.#lastKey = lastMessage ? messageKey(lastMessage) : '';
    this.#observeSizes();
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
    if (atBottom && distance > BOTTOM_SLACK) this.#stickToBottom(log);
    if (atBottom === this.#atBottom) return;
    this.#atBottom = atBottom;
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

  #stickToBottom(log: HTMLElement): void {
    log.scrollTop = log.scrollHeight;
    this.#lastScrollTop = log.scrollTop;
  }

  #observeSizes(): void {
    const targets = [this.log, this.renderRoot.querySelector('.content')].filter((e): e is HTMLElement => !!e);
    if (targets.length === this.#observedSizes.length && targets.every((t, i) => t === this.#observedSizes[i])) return;
    this.#resizeObserver?.disconnect();
    this.#observedSizes = targets;
    for (const t of targets) this.#resizeObserver?.observe(t);
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

  #resend(m: ChatMessage): void {
    // The outcome shows in the thread (the message turns sent, or failed again).
    this.client?.resend(m.clientMsgId).catch(() => {});
  }

  #discard(m: ChatMessage): void {
    this.client?.discard(m.clientMsgId).catch(() => {});
  }

  /** Loads the page of messages before the oldest one shown. Resolves when it arrived. */
  async loadOlder(): Promise<void> {
    const target = this.#target;
    if (!target || !this.client || this.loadingOlder || !this.#hasOlder.value) return;
    this.loadingOlder = true;
    try {
      await this.client.loadOlder(target);
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
    if (this.log) this.#stickToBottom(this.log);
    this.requestUpdate();
  }

  override render() {
    if (!this.#target) {
      return html`<slot name="empty"><p class="note">Choose a conversation to start chatting.</p></slot>`;
    }
    const messages = this.#messages.value;
    const summary = this.#conversations.value.find((c) => c.id === this.conversation);
    const peerReadSeq = summary?.peerReadSeq ?? 0;
    return html`
      <div part="log" role="log" aria-live="polite" aria-label=${this.label} tabindex="0" @scroll=${this.onScroll}>
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
        ${repeat(messages, messageKey, (m, i) => this.#renderMessage(m, messages[i - 1], peerReadSeq))}
        </div>
      </div>
      ${this.#unseen ? html`<button part="jump-button" @click=${this.onJumpClick}>New messages ↓</button>` : nothing}
    `;
  }

  #renderMessage(m: ChatMessage, prev: ChatMessage | undefined, peerReadSeq: number) {
    const time = m.time || Date.now();
    const newDay = !prev || !sameDay(prev.time || Date.now(), time);
    const day = newDay ? html`<div part="day" role="separator">${formatDay(time)}</div>` : nothing;
    if (m.elem.type === 'system') {
      return html`${day}
        <div part="message system" class="system">
          <div part="bubble">${m.elem.text}</div>
        </div>`;
    }
    const self = m.isSelf;
    const continued =
      !newDay && prev !== undefined && prev.sender === m.sender && prev.elem.type !== 'system' && time - (prev.time || time) < RUN_GAP_MS;
    const name = m.senderProfile.name || m.sender;
    const side = self ? 'self' : 'other';
    return html`${day}
      <div part="message ${side} ${m.status}" class="${side} ${m.status}${continued ? ' continued' : ''}" data-key=${messageKey(m)}>
        ${self ? nothing : continued ? html`<span class="avatar-space"></span>` : this.#renderAvatar(m, name)}
        <div class="body">
          ${!self && !continued ? html`<span part="sender">${name}</span>` : nothing}
          ${self ? nothing : html`<span class="visually-hidden">${name}:</span>`}
          <div part="bubble">${this.#renderContent(m)}</div>
          <div class="meta">
            ${m.time ? html`<time datetime=${new Date(m.time).toISOString()}>${formatTime(m.time)}</time>` : nothing}
            ${self ? this.#renderStatus(m, peerReadSeq) : nothing}
          </div>
          ${m.status === 'failed' ? this.#renderFailure(m) : nothing}
        </div>
      </div>`;
  }

  #renderAvatar(m: ChatMessage, name: string) {
    const avatar = m.senderProfile.avatar;
    return avatar
      ? html`<img part="avatar" src=${avatar} alt="" />`
      : html`<span part="avatar" aria-hidden="true" style=${styleMap({ '--_hue': String(hueOf(m.sender)) })}>${initials(name)}</span>`;
  }

  #renderContent(m: ChatMessage) {
    if (m.elem.type !== 'text') return html`<span class="fallback">${describeElem(m.elem)}</span>`;
    return linkify(m.elem.text).map((part) =>
      part.href ? html`<a href=${part.href} target="_blank" rel="noopener noreferrer">${part.text}</a>` : part.text,
    );
  }

  #renderStatus(m: ChatMessage, peerReadSeq: number) {
    if (m.status === 'sending') return html`<span part="status sending">Sending…</span>`;
    if (m.status === 'failed') return html`<span part="status failed">Not sent</span>`;
    const read = m.seq > 0 && m.seq <= peerReadSeq;
    return read ? html`<span part="status read" class="read">Read</span>` : html`<span part="status sent">Sent</span>`;
  }

  #renderFailure(m: ChatMessage) {
    return html`<div part="failure" role="group" aria-label="Message not sent">
      <span part="error">${m.error?.message ?? 'The message could not be sent.'}</span>
      <button part="resend-button" @click=${() => this.#resend(m)}>Resend</button>
      <button part="discard-button" @click=${() => this.#discard(m)}>Discard</button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-thread': ChatThread;
  }
}
