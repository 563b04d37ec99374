import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { property, query } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { messageKey, type ChatClient, type ChatMessage, type ConnectionState, type Conversation } from '../client/types.js';
import { isConversationId, type ConversationId } from '../protocol/ids.js';
import { LIMITS } from '../protocol/limits.js';
import { chatClientContext, chatStickersContext, type StickerSet } from './context.js';
import { StoreController } from './controllers/store-controller.js';
import { ForwardRequestEvent } from './events/forward-request.js';
import { formatDuration, warmFormats } from './format.js';
import { prefetchExtras } from './thread/prefetch-extras.js';
import { whenIdle } from './idle.js';
import type { ForwardDialog } from './forward-dialog.js';
import { loadForwardDialog } from './forward/load-forward.js';
import { LocaleController } from './i18n/localize.js';
import { uiStrings } from './i18n/ui.js';
import { ThreadPins } from './thread/changes/pins.js';
import { MessageActions } from './thread/message-actions.js';
import { renderRow } from './thread/message-row.js';
import { LiveRegion } from './thread/live-region.js';
import { waitingIn } from './thread/delivery.js';
import { findById, firstAfter, jumpTo, jumpToId, mentions, type JumpDeps, type JumpTarget } from './thread/jump.js';
import { RowHighlight } from './thread/highlight.js';
import { MediaOpener } from './thread/media-opener.js';
import { ProfileOpener } from './thread/profile-opener.js';
import type { ProfileCard } from './people/profile-card.js';
import { OlderLoader } from './thread/older-loader.js';
import { ReadMarker } from './thread/read-marker.js';
import { rowContext } from './thread/row-context.js';
import { mergeTitle } from './thread/merge-title.js';
import { ThreadExtras } from './thread/thread-extras.js';
import { renderTypingRow } from './thread/typing-row.js';
import { VirtualList } from './thread/virtual-list.js';
import { SearchToggle, searchToggleStyles } from './search/search-toggle.js';
import { styles } from './chat-thread.styles.js';
import { PresenceController } from './people/presence-controller.js';
import { presenceStyles, renderPresence } from './people/presence-label.js';

/** How close to the bottom (px) still counts as "at the bottom". */
const BOTTOM_SLACK = 32;

/**
 * The log is virtualized: only the rows near the viewport exist in the DOM, so it stays smooth
 * with tens of thousands of messages. It opens at the newest message, stays there while new ones
 * arrive, and keeps the messages in view still when older ones load above. Every elem type has
 * its own look (pictures sized before they load, native audio/video players, file and location
 * cards, stickers, host-page renderers for custom types); own uploads show progress and a cancel
 * button; who is typing shows under the last message; own messages show read receipts.
 *
 * @summary Shows a conversation's messages, newest at the bottom.
 *
 * @tag chat-thread
 *
 * @slot empty - Shown when no conversation is chosen.
 * @slot header - The start of `header`: what names the conversation (a title, a back button), so a 1:1 chat's `presence` follows the name.
 *
 * @csspart log - The scrolling message log (a polite live region).
 * @csspart message - One message row; also `self`, `other` or `system`, and its status (`sending`, `waiting`, `failed`, `sent`).
 * @csspart avatar - Picture or initials of the sender of others' messages.
 * @csspart sender - Sender name above others' messages (also `sender-button` where it opens their profile card).
 * @csspart avatar-button - Holds a sender's `avatar` and opens their `<profile-card>` (not with `hide-profiles`); the `sender-button` beside it is the same action for the keyboard.
 * @csspart bubble - The message content.
 * @csspart status - Delivery state of an own message (sending, waiting, sent, read, not sent); `waiting` is a clock: the message goes out by itself when the connection returns.
 * @csspart waiting-notice - One line under the log while own messages wait for the connection (a polite status).
 * @csspart failure - Box under a failed message: reason and actions.
 * @csspart error - Why a message failed.
 * @csspart resend-button - Sends a failed message again; only where a resend can succeed (the connection, a rate limit, the server, an upload: `isResendable`), never after a refusal that would only come back (not a member, blocked, too large, rejected …).
 * @csspart edit-text-button - On a text the server refused for what it says (too long, rejected by the site or its word list, a quote gone): puts it back in the composer as a new draft and removes the failed message.
 * @csspart copy-text-button - On a refused text: copies it ("Copied" for a moment once done), to send elsewhere or later.
 * @csspart discard-button - Removes a failed message.
 * @csspart load-older-button - Loads older messages.
 * @csspart day - Date heading between days.
 * @csspart jump-button - Scrolls down to new messages (shown when one arrives while scrolled up).
 * @csspart actions-button - Opens a message's action menu (Forward, Select; Resend, Delete when failed).
 * @csspart menu - A message's action menu; its items are `menu-item` (also `forward`, `select`, `reply`, `edit`, `pin`, `unpin`, `recall`, `hide` (delete for me), `report` (others' messages), `react` (the quick reactions), `react-more` (+: the full emoji picker), `resend`, `delete`).
 * @csspart report-dialog - The modal dialog of "Report" (a message to the site's moderators): `report-title`, `report-reasons` (a radio group of `report-reason`), `report-note`, `report-status`, `report-error` and its buttons.
 * @csspart report-title - "Report message".
 * @csspart report-reasons - The reasons (a fieldset of radios).
 * @csspart report-reason - One reason (a label around its radio).
 * @csspart report-note - The optional note.
 * @csspart report-status - "Reported. Thanks" once the server took the report (a polite status).
 * @csspart report-error - Why the report failed (an alert); the dialog stays open to try again.
 * @csspart report-send-button - Sends the report.
 * @csspart report-cancel-button - Closes the dialog without reporting.
 * @csspart report-close-button - Closes the dialog after "Reported. Thanks".
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
 * @csspart link - A link in message text (http, https and mailto only).
 * @csspart link-preview - The card of a text's link preview (its site, title and description: `link-preview-site`, `link-preview-title`, `link-preview-description`, `link-preview-image`).
 * @csspart link-preview-site - The site's name.
 * @csspart link-preview-title - The page's title.
 * @csspart link-preview-description - The page's description.
 * @csspart link-preview-image - The page's picture (only when the server keeps pictures).
 * @csspart code - Inline `code` in formatted text.
 * @csspart code-block - A fenced code block (a monospace box) with its `copy-button`.
 * @csspart copy-button - Copies a code block's text ("Copied" for a moment once done).
 * @csspart quote - A `> quote` in formatted text.
 * @csspart list - A bulleted or numbered list in formatted text.
 * @csspart mention - An `@name` token in the text of a message that @mentions someone.
 * @csspart mentioned - Added to `message` when the message @mentions the user (or @all).
 * @csspart image-link - Link around an image preview; opens `<media-viewer>` at it (with a modifier key: the full image in a new tab).
 * @csspart expand-button - On a video: opens `<media-viewer>` at it.
 * @csspart image - An image preview (width and height known before it loads).
 * @csspart audio - The audio player of a voice message.
 * @csspart video - The video player (the snapshot is its poster).
 * @csspart duration - Length of a voice message or video.
 * @csspart file - A file card; holds `file-icon`, `file-name`, `file-size` and `download-link`.
 * @csspart file-icon - The extension badge of a file card.
 * @csspart file-name - Name of a file.
 * @csspart file-size - Size of a file, in the reader's locale.
 * @csspart download-link - Downloads a file.
 * @csspart location - A location card linking to OpenStreetMap; holds `location-icon`, `location-description`, `location-coordinates`.
 * @csspart location-icon - The pin of a location card.
 * @csspart location-description - Description of a location.
 * @csspart location-coordinates - Latitude and longitude of a location.
 * @csspart emoji - A face message's emoji, shown large.
 * @csspart sticker - A face message drawn as a sticker from `stickers`.
 * @csspart sticker-fallback - A face message whose sticker is unknown.
 * @csspart custom - Box around what a registered custom renderer drew.
 * @csspart custom-fallback - Description of a custom message without a renderer.
 * @csspart call - A call event.
 * @csspart upload - Progress and cancel button of an own file message while it uploads.
 * @csspart progress - The upload progress bar (`role="progressbar"`); its fill is `progress-bar`.
 * @csspart progress-bar - The filled share of `progress`.
 * @csspart cancel-upload-button - Cancels an upload (the message turns failed, to resend or discard).
 * @csspart typing - The row under the last message saying who is typing (a polite live region).
 * @csspart receipts-button - "Read by n of m" of an own group message that asked for receipts (also `status`); opens `receipts`.
 * @csspart receipts - Who read an own group message and who did not (`readers-list`, `unread-list`, each of `reader`).
 * @csspart readers-list - Members who read the message.
 * @csspart unread-list - Members who have not read it yet.
 * @csspart reader - One member in `readers-list` or `unread-list`.
 * @csspart reply-quote - The quote of a reply (sender, one-line excerpt; also `recalled` when the original was recalled); activating it jumps to the original. Holds `reply-quote-sender` and `reply-quote-excerpt`.
 * @csspart reply-quote-sender - Who wrote the quoted message.
 * @csspart reply-quote-excerpt - One line of the quoted message, or "Message recalled".
 * @csspart reactions - The reaction chips under a message.
 * @csspart reaction - One emoji's chip (also `mine` when the user reacted with it; `aria-pressed`); clicking toggles the user's reaction; its title says who reacted.
 * @csspart reaction-count - How many reacted with that emoji.
 * @csspart reactors-button - "Who reacted" after the chips: opens `reactors`.
 * @csspart reactors - Everyone who reacted, per emoji (`reactors-list` of `reactor`), loaded a page at a time; Escape closes it.
 * @csspart reactors-list - Who reacted with one emoji.
 * @csspart reactor - One person in `reactors-list`.
 * @csspart reactors-more-button - Loads the next page of who reacted with an emoji (or retries a failed one).
 * @csspart emoji-picker - The reaction picker ("More reactions"): the composer's emoji picker over the thread; holds `emoji-search`, `emoji-tabs`, `emoji-tab` (+ `selected`), `emoji-grid`, `emoji` (+ `active`), `emoji-status`.
 * @csspart emoji-search - The reaction picker's search field.
 * @csspart emoji-tabs - The reaction picker's category tabs.
 * @csspart emoji-tab - One category tab of the reaction picker.
 * @csspart emoji-grid - The reaction picker's grid (listbox).
 * @csspart emoji-status - Loading, failure or "no match" line of the reaction picker.
 * @csspart edited - "edited" beside the time of an edited message.
 * @csspart recalled - Added to `message` (with `system`) for a recalled message: "Alice recalled a message" / "You recalled a message".
 * @csspart edit-again-button - On an own text recalled from this page: puts its text back in the composer.
 * @csspart change-pending - A change of this device to the message not saved yet (quiet); an edit, recall or delete for me already shows (the new text, the recalled line, the message gone) and is kept across a reload.
 * @csspart change-failure - A change the server refused: why (`error`), `change-retry-button`, `change-edit-button`, `change-discard-button`; the message shows as the server has it again.
 * @csspart change-retry-button - Sends a failed change again (only where a retry can succeed, as `resend-button`).
 * @csspart change-edit-button - On an edit refused for its text (too long, rejected by the site) ("Edit again"): puts that text back in the composer, editing the message again.
 * @csspart change-discard-button - Drops a failed change.
 * @csspart header - The bar over the log holding the `header` slot, `presence` (1:1 chats) beside it, `search-button`, and `search` when open.
 * @csspart presence - In `header` of a 1:1 chat: "online" (also `online`, with a dot) or "last seen 5 minutes ago"; not with `hide-presence`.
 * @csspart search-bar - Inside `header`: the search button and, when open, the search.
 * @csspart search-button - Opens and closes the search of this conversation (`aria-expanded`).
 * @csspart search - The `<chat-search>` of this conversation (a result opened jumps to its message, highlighted).
 * @csspart pinned-bar - The bar over the log showing the latest pin (`pinned-label`, `pinned-sender`, `pinned-excerpt`); activating it jumps to that message and moves on to the next pin.
 * @csspart pinned-label - "Pinned message" (n of m) in the pinned bar.
 * @csspart pinned-sender - Who wrote the pinned message shown.
 * @csspart pinned-excerpt - One line of the pinned message.
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
 * @cssproperty [--chat-thread-media-max-width=16rem] - Widest an image or video preview is shown (aspect ratio kept).
 * @cssproperty [--chat-thread-media-max-height=20rem] - Tallest an image or video preview is shown (aspect ratio kept).
 * @cssproperty [--chat-thread-sticker-size=7.5rem] - Size of stickers.
 * @cssproperty [--chat-thread-emoji-size=3rem] - Font size of a face message's emoji.
 * @cssproperty [--chat-thread-card-color=color-mix(in srgb, currentColor 8%, transparent)] - Background of file and location cards.
 * @cssproperty [--chat-thread-mention-color=color-mix(in srgb, var(--chat-color-accent) 12%, transparent)] - Background of a message that @mentions the user.
 * @cssproperty [--chat-thread-mention-text-color=var(--chat-color-accent)] - Colour of `@name` tokens in others' messages.
 * @cssproperty [--chat-thread-progress-color=currentColor] - Fill of the upload progress bar.
 * @cssproperty [--chat-presence-online-color=light-dark(#15803d, #4ade80)] - Colour of the online dot in the header.
 */
export class ChatThread extends LitElement {
  static override styles = [styles, searchToggleStyles, presenceStyles];

  /**
   * Runs once, when the tag is defined: the date formatters get built while the page is idle,
   * not by the first render, and what opens on first use is fetched then (so it opens offline).
   * @internal
   */
  protected static override finalize(): void {
    super.finalize();
    whenIdle(() => {
      warmFormats();
      prefetchExtras();
    });
  }

  #messages = new StoreController<ChatMessage[]>(this, () => this.#target && this.client?.messages(this.#target), []);
  #hasOlder = new StoreController<boolean>(this, () => this.#target && this.client?.hasOlder(this.#target), false);
  #conversations = new StoreController<Conversation[]>(this, () => this.client?.$conversations, []);
  #connection = new StoreController<ConnectionState | undefined>(this, () => this.client?.$connection, undefined);
  /** File tickets arriving (or falling due) re-render the rows, whose file URLs carry them. Guarded: a stand-in client may lack it. */
  #fileTickets = new StoreController<number>(this, () => this.client?.$fileTickets, 0);
  #locale = new LocaleController(this);
  #presence = new PresenceController(this, () => this.client, () => !this.hidePresence && this.conversation.startsWith('p2p:'));

  /** Conversation to show, `p2p:<user>` or `group:<id>`. */
  @property() accessor conversation = '';

  /** Accessible name of the message log; empty uses "Messages" in the element's language. */
  @property() accessor label = '';

  /** `off` shows text messages as written (markers and all) instead of formatted (bold, lists, code blocks …). */
  @property() accessor formatting: 'on' | 'off' = 'on';

  /** Hides whether the person of a 1:1 chat is online (and when last seen) in the header, and in the profile cards it opens. */
  @property({ type: Boolean, attribute: 'hide-presence' }) accessor hidePresence = false;
  /** Senders' pictures and names stay plain: no profile card opens from them (the site turned profiles off). */
  @property({ type: Boolean, attribute: 'hide-profiles' }) accessor hideProfiles = false;

  /** Stickers for face messages, `{ [key]: imageUrl }` or `[{ key, url, label? }]`; from the nearest `<chat-session>`, or set it directly. */
  @consume({ context: chatStickersContext, subscribe: true })
  @property({ attribute: false })
  accessor stickers: StickerSet | undefined = undefined;

  /** The client, from the nearest `<chat-session>`; or set it directly. */
  @consume({ context: chatClientContext, subscribe: true })
  @property({ attribute: false })
  accessor client: ChatClient | undefined = undefined;

  @query('forward-dialog') private accessor forwardDialog!: ForwardDialog | null;

  #actions = new MessageActions(this, {
    client: () => this.client,
    messages: () => this.#messages.value,
    forward: (ids, options) => this.forward(ids, options),
    conversation: () => this.conversation,
  });
  #pins = new ThreadPins(this, {
    client: () => this.client,
    conversation: () => this.conversation,
    messages: () => this.#messages.value,
    online: () => this.#connection.value === 'online',
    jumpTo: (id) => void this.jumpTo(id),
    nameOf: (id) => this.#extras.nameOf(id, this.#messages.value),
    me: () => this.#extras.me?.id,
  });
  #search = new SearchToggle(this, {
    client: () => this.client,
    scope: () => this.conversation,
    opened: (e) => void this.jumpTo(e.detail.messageId),
  });
  #lastScrollTop = 0;
  #unseen = false;
  #lastKey = '';
  #knownEmpty = false;
  /** Keys of the shown messages, recomputed when the store's array changes. */
  #keys: string[] = [];
  #keysOf: ChatMessage[] | undefined;
  /** What the log's live region says (arriving messages, others' changes). */
  #live = new LiveRegion();
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
  #older = new OlderLoader(this, {
    client: () => this.client,
    target: () => this.#target,
    hasOlder: () => this.#hasOlder.value,
    log: () => this.log,
    button: () => this.renderRoot.querySelector('[part~="load-older-button"]'),
    online: () => this.#connection.value === 'online',
  });
  #reads = new ReadMarker(this, {
    client: () => this.client,
    target: () => this.#target,
    atBottom: () => this.#atBottom,
    conversations: () => this.#conversations.value,
  });
  #extras = new ThreadExtras(this, { client: () => this.client, target: () => this.#target });
  #highlight = new RowHighlight(this);
  #media = new MediaOpener(this, {
    messages: () => this.#messages.value,
    fileUrl: (url) => this.client?.fileUrl?.(url) ?? url,
    root: () => this.renderRoot,
    labels: () => ({ image: uiStrings().image, video: (m) => uiStrings().videoMessage(formatDuration(m.elem.type === 'video' ? m.elem.duration : 0)) }),
  });
  #profiles = new ProfileOpener(this, { messages: () => this.#messages.value, client: () => this.client, root: () => this.renderRoot, hidePresence: () => this.hidePresence });

  get #atBottom(): boolean {
    return this.#list.pinned;
  }

  set #atBottom(pinned: boolean) {
    this.#list.pinned = pinned;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Rows and the viewport change size after render (fonts, images, the page's layout): the
    // list re-measures, and keeps the bottom or the row in view where it was.
    this.#list.connect();
    if (this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#list.disconnect();
  }

  protected override update(changed: PropertyValues): void {
    // Stores are current here (controllers ran), the DOM is not yet: note what the change does
    // to the scroll position, and let the list choose the rows to render.
    const messages = this.#messages.value;
    if (messages !== this.#keysOf) {
      // Changes are read out too (the rows themselves are silent): others' reactions, edits and recalls, every pin.
      if (this.conversation === this.#shownConversation && this.#keysOf) {
        this.#live.changes(this.#keysOf, messages, this.#extras.me?.id, (id) => this.#extras.nameOf(id, messages));
      }
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
      this.#live.reset();
      this.#unreadFrom = undefined;
      this.#pins.reset();
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
      this.#live.messages(news);
    }
    this.#unreadFrom ??= this.#conversations.value.find((c) => c.id === this.conversation)?.readSeq;
    this.#list.prepare(keys);
    // A message recalled or deleted from its menu re-renders without its focused ⋯: focus stays
    // in the thread, on its log, instead of falling to <body>.
    const focused = this.shadowRoot?.activeElement;
    super.update(changed);
    if (focused && !focused.isConnected) this.log?.focus({ preventScroll: true });
  }

  protected override updated(): void {
    this.#list.settle();
    if (this.#atBottom) this.#unseen = false;
    this.#shownConversation = this.conversation;
    this.#lastKey = this.#keys.at(-1) ?? '';
    // Synced with nothing here and nothing older: whatever comes next is news.
    this.#knownEmpty = this.#keys.length === 0 && !this.#hasOlder.value && this.client?.$sync.get() === 'synced';
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
    this.#reads.check();
  };

  /**
   * Home and End on the log itself go to the first and the newest message at once, and the list
   * holds them there (a smooth scroll's end would otherwise be moved by the rows measured on
   * the way). Keys meant for a control inside a row (a menu) are left alone.
   */
  private onLogKeydown = (e: KeyboardEvent) => {
    const log = this.log;
    if (!log || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (e.target !== log) return this.#actions.rowKey(e);
    if (e.key === 'End') {
      e.preventDefault();
      this.scrollToBottom();
    } else if (e.key === 'Home') {
      e.preventDefault();
      log.scrollTop = 0;
      this.onScroll();
    }
  };

  private onLoadOlderClick = () => void this.loadOlder();

  private onJumpClick = () => this.scrollToBottom();

  private get log(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('[part~="log"]');
  }

  get #target(): ConversationId | undefined {
    return isConversationId(this.conversation) ? this.conversation : undefined;
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
    await Promise.all([this.updateComplete, loadForwardDialog()]);
    const title = mergeTitle(uiStrings(), this.#messages.value, messageIds);
    await this.forwardDialog?.show({ conversationId, messageIds: merge ? messageIds.slice(0, LIMITS.mergerMessages) : messageIds, merge, title });
    return true;
  }

  /** Loads the page of messages before the oldest one shown. Resolves when it arrived. */
  loadOlder(): Promise<void> {
    return this.#older.load();
  }

  /** Scrolls to the newest message. */
  /**
   * Opens the `<profile-card>` of `userId` (`<chat-widget>`'s 1:1 header does, for the peer),
   * with `profile` until the client knows better; focus returns to where it was once it closes.
   */
  showProfile(userId: string, profile?: { name?: string; avatar?: string }): Promise<ProfileCard> {
    return this.#profiles.open(userId, profile);
  }

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

  /**
   * Jumps to a message by id (server id, or client id of one not yet acked): loads it and what
   * lies between when it is not held (the page around it, from the device cache or the server:
   * `client.loadAround`), scrolls it into view a third down the log and highlights it for a
   * moment; when focus is in the thread, the message takes it. For reply quotes, search results
   * and notifications. Resolves with whether it got there.
   */
  jumpTo(messageId: string): Promise<boolean> {
    const conversationId = this.#target;
    const client = this.client;
    if (!conversationId || !client) return Promise.resolve(false);
    return jumpToId(messageId, {
      ...this.#jumpDeps(),
      loadAround: (id) => client.loadAround(conversationId, id),
      highlight: (key) => this.#highlight.show(key),
      row: (key) => this.renderRoot.querySelector<HTMLElement>(`[data-row="${CSS.escape(key)}"] [part~="message"]`),
      focusWithin: () => this.matches(':focus-within'),
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
  #jump(pick: (messages: readonly ChatMessage[]) => JumpTarget): Promise<boolean> {
    if (!this.#target || !this.client) return Promise.resolve(false);
    return jumpTo(pick, this.#jumpDeps());
  }

  /** A jump scrolls its message a third down the log. */
  #jumpDeps(): JumpDeps {
    return {
      messages: () => this.#messages.value,
      hasOlder: () => this.#hasOlder.value,
      loadOlder: () => this.loadOlder(),
      rendered: () => this.updateComplete,
      scrollTo: (found) => {
        const ok = this.#list.scrollToKey(messageKey(found), (this.log?.clientHeight ?? 0) / 3);
        if (ok) this.#unseen = false;
        return ok;
      },
    };
  }

  override render() {
    const t = uiStrings();
    const header = html`<div part="header"><slot name="header"></slot>${this.#target?.startsWith('p2p:') ? renderPresence(this.#presence.of(this.#target.slice(4))) : nothing}${this.#target ? this.#search.render() : nothing}</div>`;
    if (!this.#target) {
      return html`${header}<slot name="empty"><p class="note">${t.chooseConversation}</p></slot>`;
    }
    const messages = this.#messages.value;
    const summary = this.#conversations.value.find((c) => c.id === this.conversation);
    const actions = this.#actions;
    void this.#fileTickets.value; // subscribed for its changes only: rowContext asks client.fileUrl
    const ctx = rowContext({
      client: this.client, target: this.#target, t, summary, actions, extras: this.#extras, stickers: this.stickers, messages, jumpTo: (id) => void this.jumpTo(id),
      formatting: this.formatting !== 'off', profiles: !this.hideProfiles, host: this,
    });
    const { start, end } = this.#list;
    // Rows come and go as the log scrolls: they sit in a silent region, and arriving messages
    // are announced by the visually hidden one beside it.
    return html`
      ${header}
      ${this.#pins.render()}
      <div part="log" role="log" aria-live="polite" aria-label=${this.label || t.messages} tabindex="0" @scroll=${this.onScroll} @keydown=${this.onLogKeydown}>
        ${this.#live.render()}
        <div class="content">
        ${this.#hasOlder.value
          ? html`<button
              part="load-older-button"
              aria-busy=${this.#older.loading ? 'true' : 'false'}
              @click=${this.onLoadOlderClick}
            >
              ${this.#older.loading ? t.loading : t.loadOlder}
            </button>`
          : messages.length > 0
            ? html`<p class="beginning">${t.beginning}</p>`
            : html`<p class="note">${t.noMessages}</p>`}
          <div class="rows" aria-live="off">
            <div class="spacer before"></div>
            ${repeat(messages.slice(start, end), (_m, i) => this.#keys[start + i]!, (m, i) => renderRow(ctx, m, messages[start + i - 1]))}
            <div class="spacer after"></div>
          </div>
          ${renderTypingRow(t, this.#extras.typing.map((id) => this.#extras.nameOf(id, messages, summary?.name)))}
        </div>
      </div>
      <div class="waiting-status" role="status">${waitingIn(messages, this.#connection.value) ? html`<p part="waiting-notice">${t.waitingNotice}</p>` : nothing}</div>
      ${this.#unseen ? html`<button part="jump-button" @click=${this.onJumpClick}>${t.newMessages}</button>` : nothing}
      ${actions.menu?.renderOverlays()}
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
