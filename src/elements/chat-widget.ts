import { LitElement, adoptStyles, html, nothing, type PropertyValues } from 'lit';
import type { ChatClient, Conversation } from '../client/types.js';
import { isConversationId } from '../protocol/ids.js';
import { StoreController } from './controllers/store-controller.js';
import type { ConversationSelectEvent } from './events/conversation-select.js';
import { localeController } from './i18n/core-locale.js';
import { widgetStrings } from './i18n/widget.js';
import { loadPanel, panelDefined, panelView } from './widget/load-panel.js';
import { whenIdle } from './idle.js';
import { createWidgetClient } from './widget/widget-client.js';
import { closeOwnClient } from './own-client.js';
import { styles } from './chat-widget.styles.js';

const STORAGE_PREFIX = 'natter:widget-open:';

/** Launcher corners: `bottom-end`/`bottom-start` follow the page's direction, the others are physical. */
export const WIDGET_POSITIONS = ['bottom-end', 'bottom-start', 'bottom-right', 'bottom-left'] as const;
export type WidgetPosition = (typeof WIDGET_POSITIONS)[number];

/**
 * Attribute `formatting="off"` (read when the panel renders) shows text messages as written and
 * turns the composer's formatting shortcuts off; by default they are formatted (bold, lists, code …).
 *
 * While the page is hidden, new messages from others in conversations that are not muted raise
 * the unread count in the document title and, once the person turned notifications on (the
 * panel's prompt), show a system notification that opens the conversation (`quiet` turns all of
 * this off; `sound` adds a chime). Of several tabs of the site, one announces each message.
 *
 * The `hide-groups` attribute (set before the panel opens) turns off group actions: the list's New
 * group button and the Group info panel of a group's thread (SPEC §13); `hide-profiles` turns off
 * the profile cards that members' names open there; `hide-contacts` the list's Contacts view;
 * `hide-presence` who is online (the list's dots, the thread's "last seen", the profile cards').
 *
 * Give it `server` and `token` (or `token-url`) and it connects by itself, or put it inside a
 * `<chat-session>`. Open or closed is remembered per widget `id` in localStorage. Esc closes the
 * panel and puts focus back on the launcher. A panel at least 600px wide shows list and thread side
 * by side; a narrower one switches between them (with a back button). Below 480px of viewport
 * the panel is full-screen.
 *
 * The panel's elements (`<chat-session>`, `<conversation-list>`, `<chat-thread>`,
 * `<message-composer>`) are registered by the widget itself when they are not yet: it loads them
 * (`import()`) when it first opens, when the page is idle after the launcher shows, or as soon as
 * the launcher is pointed at or focused; `<broadcast-banner>` once the user has a broadcast, and
 * `<forward-dialog>` and the group and people views on first use. With `natter/define` they are
 * there from the start.
 *
 * @summary A launcher bubble with an unread badge that opens a chat panel: conversations, thread, composer and broadcasts.
 * @tag chat-widget
 *
 * @csspart launcher - The round button that opens and closes the panel.
 * @csspart badge - Total unread messages, on the launcher.
 * @csspart panel - The chat panel (a non-modal dialog).
 * @csspart header - Top bar of the panel: back button, title, close button.
 * @csspart title - The panel's title (the open conversation on narrow panels).
 * @csspart back-button - Goes from the thread back to the conversation list on narrow panels.
 * @csspart mute-button - Mutes or unmutes the open conversation (`aria-pressed` when muted).
 * @csspart dnd-button - Do-not-disturb on or off for the user, the same on every device (`aria-pressed` while on): every conversation quiet.
 * @csspart close-button - Closes the panel.
 * @csspart notify-prompt - The small prompt in the panel that offers to turn on notifications; its buttons are `notify-allow` and `notify-dismiss`.
 * @csspart broadcast-banner - The inner `<broadcast-banner>`.
 * @csspart conversation-list - The inner `<conversation-list>`; its `item`, `unread-badge` and `presence-dot` are exported as `conversation-item`, `conversation-unread-badge` and `conversation-presence-dot`.
 * @csspart thread - The inner `<chat-thread>`; exported as they are: its `message`, `self`, `other`, `bubble`, `resend-button`, `edit-text-button`, `copy-text-button`, and the parts of changes to sent messages (`actions-button`, `menu`, `menu-item` with `reply`/`edit`/`pin`/`unpin`/`recall`/`hide`/`report`/`react`/`react-more`, `reply-quote`, `reply-quote-sender`, `reply-quote-excerpt`, `reactions`, `reaction`, `mine`, `reaction-count`, `reactors-button`, `reactors`, `reactors-list`, `reactor`, `reactors-more-button`, `edited`, `recalled`, `edit-again-button`, `change-pending`, `change-failure`, `change-retry-button`, `change-edit-button`, `change-discard-button`, `pinned-bar`, `pinned-label`, `pinned-sender`, `pinned-excerpt`; a sender's `avatar-button` and `sender-button`, which open their profile card (not with `hide-profiles`); the report dialog's `report-dialog`, `report-reason`, `report-note`, `report-status`, `report-error`, `report-send-button`, `report-cancel-button`, `report-close-button`) and `presence` (a 1:1 chat's "online" / "last seen"); its reaction picker's `emoji-picker`, `emoji-search`, `emoji-tabs`, `emoji-tab`, `emoji-grid`, `emoji-status` as `reaction-picker`, `reaction-picker-search`, `reaction-picker-tabs`, `reaction-picker-tab`, `reaction-picker-grid`, `reaction-picker-status`.
 * @csspart composer - The inner `<message-composer>`; exported as they are: its `input`, `send-button`, and the reply and edit bars (`reply-preview`, `reply-preview-sender`, `reply-preview-excerpt`, `cancel-reply-button`, `edit-bar`, `edit-label`, `cancel-edit-button`), and the notice shown instead while the user is muted there (`mute-notice`, `mute-text`, `mute-reason`).
 * @csspart thread-header - Above a group's thread: its Group info button (not with `hide-groups`); above a 1:1 thread: the `profile-button` (not with `hide-profiles`).
 * @csspart profile-button - A 1:1 thread's header: the peer's name, a button that opens their `<profile-card>` (the thread's, through its `showProfile()`; not with `hide-profiles`).
 * @csspart group-info-button - Opens `<group-panel>`: the group's members, roles and settings.
 * @csspart left-notice - Instead of the composer in a group the user is no longer in.
 *
 * @cssproperty [--chat-widget-width=380px] - Width of the panel (capped by the viewport).
 * @cssproperty [--chat-widget-height=600px] - Height of the panel (capped by the viewport).
 * @cssproperty [--chat-widget-offset-x=1.25rem] - Distance of launcher and panel from the side edge (left or right).
 * @cssproperty [--chat-widget-offset-y=1.25rem] - Distance of launcher and panel from the bottom edge.
 * @cssproperty [--chat-widget-launcher-size=3.5rem] - Diameter of the launcher.
 * @cssproperty [--chat-widget-z-index=2147483000] - Stacking level over the host page.
 */
export class ChatWidget extends LitElement {
  static override styles = styles;

  #conversations = new StoreController<Conversation[]>(this, () => this.client?.$conversations, []);
  #mutes = new StoreController<unknown>(this, () => this.client?.$mutes, undefined);
  #locale = localeController(this);

  /**
   * The reactive properties, declared without decorators (see the fields below for what each
   * is): a decorated accessor costs the launcher's first paint the decorators' run-time helpers
   * and a getter, a setter and a private field per property; Lit makes the same accessors from
   * this table, and the panel's elements, in their own chunk, bring the helpers.
   */
  static override properties = {
    open: { type: Boolean, reflect: true },
    server: {},
    token: {},
    tokenUrl: { attribute: 'token-url' },
    conversation: {},
    theme: { reflect: true },
    position: { reflect: true },
    quiet: { type: Boolean },
    sound: { type: Boolean },
    serviceWorker: { attribute: 'service-worker' },
    label: {},
    client: { attribute: false },
    // Internal state (`attribute: false` is implied by `state`; said for the manifest's analyzer).
    selected: { state: true, attribute: false },
    view: { state: true, attribute: false },
    panelReady: { state: true, attribute: false },
  };

  /** Whether the panel is open. */
  declare open: boolean;

  /** WebSocket URL of the server (`wss://chat.example.com/ws`; `https://…` and `/ws` are mapped to it). */
  declare server: string;

  /** The user's token, signed by the host site's backend. */
  declare token: string;

  /** URL answering the user's token (text or JSON `{token}`), fetched with cookies before every connect. */
  declare tokenUrl: string;

  /** Conversation to open in the panel, `p2p:<user>` or `group:<id>`; empty starts on the list. */
  declare conversation: string;

  /** `light` or `dark` forces a colour scheme; empty follows the user's preference. */
  declare theme: 'light' | 'dark' | '';

  /**
   * Corner of the viewport. `bottom-end` (default) and `bottom-start` follow the page's direction
   * (`bottom-end` is bottom right in left-to-right pages, bottom left in right-to-left ones);
   * `bottom-right` and `bottom-left` stay put whatever the direction.
   */
  declare position: WidgetPosition;

  /** No document-title count, no system notification, no notifications prompt while the page is hidden. */
  declare quiet: boolean;

  /** A short chime with each notification (one tab of the site plays it). */
  declare sound: boolean;

  /** URL of the site's service worker (`natter-sw.js`, served from the site's origin): turning notifications on then subscribes this device to Web Push. */
  declare serviceWorker: string;

  /** Accessible name of the panel and its title; empty uses "Chat" in the element's language. */
  declare label: string;

  /**
   * The client: from the nearest `<chat-session>`, or set it, or the one `server` + `token`/`token-url` created.
   * (The session's is asked for once the panel's elements, `<chat-session>` among them, are registered.)
   */
  declare client: ChatClient | undefined;

  /** The conversation shown in the thread. */
  declare private selected: string;
  /** What a narrow panel shows; a wide one shows both. */
  declare private view: 'list' | 'thread';
  /** Whether the panel's elements are registered (else the panel is `aria-busy` until they are). */
  declare private panelReady: boolean;

  constructor() {
    super();
    this.open = false;
    this.server = '';
    this.token = '';
    this.tokenUrl = '';
    this.conversation = '';
    this.theme = '';
    this.position = 'bottom-end';
    this.quiet = false;
    this.sound = false;
    this.serviceWorker = '';
    this.label = '';
    this.client = undefined;
    this.selected = '';
    this.view = 'list';
    this.panelReady = panelDefined();
  }

  /**
   * Messages heard while the page was hidden, before the notifier (in a lazy chunk) was in: it
   * counts them when it comes, so a tab hidden right after it loaded still counts them.
   * @internal
   */
  heard: Event[] | undefined = [];
  #hear = (e: Event) => void (document.hidden && this.heard?.push(e));

  /** The client this element created itself (and so must close), and from what. */
  #ownClient: ChatClient | undefined;
  #ownClientFor = '';

  get #storageKey(): string {
    return STORAGE_PREFIX + (this.id || 'default');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const stored = readStorage(this.#storageKey);
    if (stored !== undefined) this.open = stored === 'open';
    this.#consumeSession();
    this.#ensureClient();
  }

  /** Whether this element asks the nearest `<chat-session>` for its client (see `consumeSessionClient`). */
  #consuming = false;

  /**
   * Takes the client of the nearest `<chat-session>`, now and whenever it changes, once the panel's
   * code is in (a session is one of its elements, so none can be on the page before); a client
   * this element created itself gives way to it.
   */
  #consumeSession(): void {
    const view = panelView();
    if (this.#consuming || !view) return;
    this.#consuming = true;
    view.consumeSessionClient(this, (client) => {
      if (client !== this.#ownClient) this.#ownClient = closeOwnClient(this, this.#ownClient);
      this.client = client;
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Moving the element (remove + insert in one task) must not drop the connection.
    queueMicrotask(() => {
      if (!this.isConnected) this.#ownClient = closeOwnClient(this, this.#ownClient);
    });
  }

  /** Whether the panel view's styles are adopted by this element's shadow root. */
  #viewStyled = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('server') || changed.has('token') || changed.has('tokenUrl')) {
      if (this.#ownClientFor !== this.#wanted()) this.#ownClient = closeOwnClient(this, this.#ownClient);
      this.#ensureClient();
    }
    if (changed.has('client')) {
      changed.get('client')?.removeEventListener('message', this.#hear);
      this.client?.addEventListener('message', this.#hear);
    }
    if (changed.has('conversation') && isConversationId(this.conversation)) {
      this.selected = this.conversation;
      this.view = 'thread';
    }
  }

  protected override firstUpdated(): void {
    // The launcher is on screen: fetch the panel while nobody waits for it.
    if (!this.panelReady) whenIdle(() => void this.#loadPanel(), 2000);
    else panelView()?.attachNotifier(this);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('open') && this.open) void this.#loadPanel();
    // The first render only reflects what was set or restored; later changes are remembered.
    if (changed.has('open') && changed.get('open') !== undefined) writeStorage(this.#storageKey, this.open ? 'open' : 'closed');
  }

  /** Loads and registers the panel's elements; resolves false when they could not be loaded (offline). */
  #loadPanel(): Promise<boolean> {
    if (this.panelReady) return Promise.resolve(true);
    return loadPanel().then(
      // The page's notifier (title count, notifications) comes with the panel, fetched on idle.
      () => {
        this.#consumeSession();
        this.panelReady = true;
        panelView()?.attachNotifier(this);
        return true;
      },
      () => false,
    );
  }

  #ensureClient(): void {
    if (this.client || !this.isConnected) return;
    this.#ownClient = createWidgetClient({ server: this.server, token: this.token, tokenUrl: this.tokenUrl });
    this.#ownClientFor = this.#wanted();
    this.client = this.#ownClient;
  }

  #wanted(): string {
    return `${this.server}\n${this.token}\n${this.tokenUrl}`;
  }

  /** Pointing at or focusing the launcher fetches the panel before the click. */
  private onLauncherIntent = () => void this.#loadPanel();

  private onLauncherClick = () => {
    if (this.open) this.hide();
    else void this.show();
  };

  private onPanelKeydown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    // A modal dialog inside (the thread's forward dialog) handles its own Esc.
    if (e.composedPath().some((n) => n instanceof HTMLDialogElement && n.open)) return;
    e.preventDefault();
    this.hide();
  };

  private onSelect = (e: ConversationSelectEvent) => {
    this.selected = e.detail.conversationId;
    this.view = 'thread';
    void this.#focusInside();
  };

  private onClose = () => this.hide();

  private onBack = () => {
    this.view = 'list';
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('conversation-list')?.focus());
  };

  async #focusInside(): Promise<void> {
    await this.updateComplete;
    const target =
      this.view === 'thread' && this.selected
        ? this.renderRoot.querySelector<HTMLElement>('message-composer')
        : this.renderRoot.querySelector<HTMLElement>('conversation-list');
    target?.focus();
  }

  /** Opens the panel and moves focus into it (the composer of the open conversation, else the list). */
  async show(): Promise<void> {
    this.open = true;
    await this.#loadPanel();
    await this.#focusInside();
  }

  /** Opens the panel on a conversation (`p2p:<user>` or `group:<id>`), as a notification's click does. */
  openConversation(id: string): void {
    if (!isConversationId(id)) return;
    this.selected = id;
    this.view = 'thread';
    void this.show();
  }

  /** Closes the panel; focus goes back to the launcher. */
  hide(): void {
    this.open = false;
    const launcher = this.renderRoot.querySelector<HTMLElement>('[part~="launcher"]');
    launcher?.focus();
    // On a small screen the open panel hid the launcher: focus it once it shows again.
    if (launcher && this.shadowRoot?.activeElement !== launcher) void this.updateComplete.then(() => launcher.focus());
  }

  override render() {
    const t = widgetStrings();
    const title = this.label || t.title;
    const conversations = this.#conversations.value;
    // Muted conversations count unread in the list only, never on the launcher (SPEC §10).
    const unread = conversations.reduce((sum, c) => sum + (this.#mutes.value && this.client?.isMuted(c.id) ? 0 : c.unread), 0);
    const view = this.panelReady ? panelView() : undefined;
    if (view && !this.#viewStyled && this.renderRoot instanceof ShadowRoot) {
      this.#viewStyled = true;
      adoptStyles(this.renderRoot, [...ChatWidget.elementStyles, view.panelStyles]);
    }
    // Until the panel's chunk is in, the open panel is its empty frame, busy, named by the title.
    return html`
      <button
        part="launcher"
        type="button"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="panel"
        aria-label=${unread > 0 ? t.openWithUnread(unread) : t.open}
        @click=${this.onLauncherClick}
        @pointerenter=${this.onLauncherIntent}
        @focus=${this.onLauncherIntent}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" /></svg>
        ${unread > 0 ? html`<span part="badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>` : nothing}
      </button>
      <section
        part="panel"
        id="panel"
        role="dialog"
        aria-labelledby=${view ? 'title' : nothing}
        aria-label=${view ? nothing : title}
        aria-busy=${view ? 'false' : 'true'}
        ?hidden=${!this.open}
        @keydown=${this.onPanelKeydown}
      >
        ${view?.renderPanel({
          host: this,
          client: this.client,
          title,
          selected: this.selected,
          current: conversations.find((c) => c.id === this.selected),
          inThread: this.view === 'thread' && !!this.selected,
          onSelect: this.onSelect,
          onBack: this.onBack,
          onClose: this.onClose,
          groups: !this.hasAttribute('hide-groups'),
          profiles: !this.hasAttribute('hide-profiles'),
          contacts: !this.hasAttribute('hide-contacts'),
          presence: !this.hasAttribute('hide-presence'),
        })}
      </section>
    `;
  }
}

function readStorage(key: string): string | undefined {
  try {
    return globalThis.localStorage?.getItem(key) ?? undefined;
  } catch {
    return undefined; // Storage can be blocked (third-party frames, privacy modes): then nothing is remembered.
  }
}

function writeStorage(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // See readStorage.
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-widget': ChatWidget;
  }
}
