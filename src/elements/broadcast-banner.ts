import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { property, state } from 'lit/decorators.js';
import type { ChatClient, Profile } from '../client/types.js';
import type { Broadcast } from '../protocol/frames.js';
import { dismissalKey, loadDismissed, saveDismissed } from './broadcast-dismissals.js';
import { chatClientContext } from './context.js';
import { StoreController } from './controllers/store-controller.js';
import { BroadcastDismissEvent } from './events/broadcast-dismiss.js';
import { formatDateTime, formatShortTime } from './format.js';
import { bannerStrings } from './i18n/banner.js';
import { LocaleController } from './i18n/localize.js';
import { uiStrings } from './i18n/ui.js';
import { linkify } from './linkify.js';
import { styles } from './broadcast-banner.styles.js';

/**
 * Dismissals are remembered on the device per user (localStorage), so a dismissed broadcast
 * never comes back after a reload. New broadcasts are announced politely to screen readers.
 * Dismissing the last one gives focus back to where it was before it entered the banner.
 * Renders nothing while there is nothing to show.
 *
 * @summary Shows the newest announcement from the site (a server broadcast) until the user dismisses it.
 * @tag broadcast-banner
 *
 * @csspart broadcast - The banner around the shown broadcast.
 * @csspart icon - The megaphone.
 * @csspart content - The broadcast's text.
 * @csspart meta - Sender and time.
 * @csspart sender - Who it is from.
 * @csspart time - When it was sent.
 * @csspart pager - Previous/next controls and the count, when there are several.
 * @csspart previous-button - Shows the next newer broadcast.
 * @csspart next-button - Shows the next older broadcast.
 * @csspart count - "2 of 3".
 * @csspart dismiss-button - Dismisses the shown broadcast.
 *
 * @cssproperty [--chat-broadcast-banner-color=accent at 10%] - Background of the banner.
 * @cssproperty [--chat-broadcast-banner-text-color=text colour] - Text colour of the banner.
 * @cssproperty [--chat-broadcast-banner-border-color=accent at 35%] - Border of the banner.
 * @cssproperty [--chat-broadcast-banner-padding=0.625rem 0.75rem] - Padding of the banner.
 * @cssproperty [--chat-broadcast-banner-max-height=7.5rem] - Height past which long text scrolls.
 *
 * @fires {BroadcastDismissEvent} broadcast-dismiss - The user dismissed a broadcast (cancelable: it then stays).
 */
export class BroadcastBanner extends LitElement {
  static override styles = styles;

  #broadcasts = new StoreController<Broadcast[]>(this, () => this.client?.$broadcasts, []);
  #me = new StoreController<Profile | undefined>(this, () => this.client?.$me, undefined);
  #locale = new LocaleController(this);

  /** Accessible name of the banner; empty uses "Announcements" in the element's language. */
  @property() accessor label = '';

  /** Name shown for broadcasts sent without a `from`; empty uses "Announcement" in the element's language. */
  @property({ attribute: 'default-sender' }) accessor defaultSender = '';

  /** The client, from the nearest `<chat-session>`; or set it directly. */
  @consume({ context: chatClientContext, subscribe: true })
  @property({ attribute: false })
  accessor client: ChatClient | undefined = undefined;

  /** Id of the shown broadcast; the newest when unset or gone. */
  @state() private accessor currentId = '';
  /** Text of the polite live region (made at render time, so it is in the active locale). */
  @state() private accessor announcement: () => string = () => '';

  #dismissed = new Set<string>();
  #dismissedFor: string | undefined;
  /** Time of the newest broadcast shown so far: a newer one is an arrival. */
  #newestTime = -Infinity;
  /** What had focus before it entered the banner: it goes back there when the last broadcast is dismissed. */
  #focusBefore: HTMLElement | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('storage', this.onStorage);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('storage', this.onStorage);
  }

  // update(), not willUpdate(): the store controllers pick up a newly provided client in
  // hostUpdate, which runs between the two. Properties set here cause no extra update.
  protected override update(changed: PropertyValues): void {
    const userId = this.#me.value?.id;
    if (userId !== this.#dismissedFor) {
      this.#dismissedFor = userId;
      this.#dismissed = userId === undefined ? new Set() : loadDismissed(userId);
    }
    // A new arrival takes the stage and is announced; a dismissal or withdrawal only reveals
    // an older one, which is not news.
    const newest = this.#visible()[0];
    if (newest && newest.time > this.#newestTime) {
      this.#newestTime = newest.time;
      this.currentId = '';
      this.announcement = () => this.#describe(newest);
    }
    super.update(changed);
  }

  // A live region is heard when its text changes, not when it appears with its text: a banner
  // registered or connected with a broadcast already there (the widget loads it when the first one
  // arrives) renders the region empty first, then says it.
  protected override firstUpdated(): void {
    if (this.announcement()) this.requestUpdate();
  }

  /** Another tab of this user dismissed something. */
  private onStorage = (e: StorageEvent) => {
    if (this.#dismissedFor !== undefined && e.key === dismissalKey(this.#dismissedFor)) {
      this.#dismissed = loadDismissed(this.#dismissedFor);
      this.requestUpdate();
    }
  };

  private onFocusIn = (e: FocusEvent) => {
    const from = e.relatedTarget;
    // A move inside the banner (a pager button to Dismiss) keeps where focus came from.
    if (from instanceof Node && this.renderRoot.contains(from)) return;
    this.#focusBefore = from instanceof HTMLElement ? from : undefined;
  };

  private onPrevious = () => this.#step(-1);
  private onNext = () => this.#step(1);

  private onDismiss = () => {
    const list = this.#visible();
    const shown = this.#shown(list);
    if (!shown) return;
    if (!this.dispatchEvent(new BroadcastDismissEvent(shown.broadcast))) return;
    this.#dismissed.add(shown.broadcast.id);
    if (this.#dismissedFor !== undefined) saveDismissed(this.#dismissedFor, this.#dismissed);
    // Stay at the same place in the list: the next older one, or the newer one at the end.
    const rest = list.filter((b) => b.id !== shown.broadcast.id);
    this.currentId = rest[Math.min(shown.index, rest.length - 1)]?.id ?? '';
    const hadFocus = (this.renderRoot as ShadowRoot).activeElement !== null;
    this.requestUpdate();
    // Keep a keyboard user in the banner while there is more to read. After the last one the
    // banner is gone, and the focused button with it: focus would fall to <body> (a screen reader
    // then says nothing, and Tab starts over at the top of the page), so it goes back where it came from.
    if (rest.length > 0) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part~="dismiss-button"]')?.focus());
    else if (hadFocus) {
      const back = this.#focusBefore;
      this.#focusBefore = undefined;
      void this.updateComplete.then(() => {
        if (back?.isConnected) back.focus();
      });
    }
  };

  #step(delta: number): void {
    const list = this.#visible();
    const shown = this.#shown(list);
    if (!shown || list.length < 2) return;
    const next = list[(shown.index + delta + list.length) % list.length]!;
    this.currentId = next.id;
    const page = ((shown.index + delta + list.length) % list.length) + 1;
    this.announcement = () => bannerStrings().paged(page, list.length, this.#describe(next));
  }

  #visible(): Broadcast[] {
    const now = Date.now();
    return this.#broadcasts.value.filter((b) => !this.#dismissed.has(b.id) && (b.expiresAt === undefined || b.expiresAt > now));
  }

  #shown(list: Broadcast[]): { broadcast: Broadcast; index: number } | undefined {
    const at = list.findIndex((b) => b.id === this.currentId);
    const index = at < 0 ? 0 : at;
    const broadcast = list[index];
    return broadcast && { broadcast, index };
  }

  #sender(b: Broadcast): string {
    return b.from ?? (this.defaultSender || bannerStrings().defaultSender);
  }

  #describe(b: Broadcast): string {
    return uiStrings().said(this.#sender(b), b.content);
  }

  override render() {
    const list = this.#visible();
    const shown = this.#shown(list);
    return html`
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.hasUpdated ? this.announcement() : ''}</div>
      ${shown ? this.#renderBroadcast(shown.broadcast, shown.index, list.length) : nothing}
    `;
  }

  #renderBroadcast(b: Broadcast, index: number, total: number) {
    const t = bannerStrings();
    return html`
      <section part="broadcast" aria-label=${this.label || t.label} data-id=${b.id} @focusin=${this.onFocusIn}>
        <svg part="icon" viewBox="0 0 24 24" aria-hidden="true">
          <path d="M3 10v4a1 1 0 0 0 1 1h2l5 4V5L6 9H4a1 1 0 0 0-1 1zm13.5 2A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z" />
        </svg>
        <div class="body">
          <p part="content">${linkify(b.content).map((p) => (p.href ? html`<a href=${p.href} target="_blank" rel="noopener noreferrer">${p.text}</a>` : p.text))}</p>
          <p part="meta">
            <span part="sender">${this.#sender(b)}</span>
            <span aria-hidden="true">·</span>
            <time part="time" datetime=${new Date(b.time).toISOString()} title=${formatDateTime(b.time)}>${formatShortTime(b.time)}</time>
          </p>
        </div>
        ${total > 1
          ? html`<div part="pager" role="group" aria-label=${t.browse}>
              <button part="previous-button" type="button" aria-label=${t.newer} @click=${this.onPrevious}>‹</button>
              <span part="count" aria-label=${t.countLabel(index + 1, total)}>${t.count(index + 1, total)}</span>
              <button part="next-button" type="button" aria-label=${t.older} @click=${this.onNext}>›</button>
            </div>`
          : nothing}
        <button part="dismiss-button" type="button" aria-label=${t.dismiss} @click=${this.onDismiss}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z" /></svg>
        </button>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'broadcast-banner': BroadcastBanner;
  }
}
