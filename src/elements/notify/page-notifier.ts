/**
 * Reaching someone whose page is in the background (SPEC §10): while `document.hidden`, each new
 * message from someone else in a conversation that is not muted raises the unread count in the
 * document title (restored when the page is visible again) and, with the person's permission,
 * shows a system notification whose click focuses the page and opens the conversation; with
 * `sound`, a chime. Of several tabs of the site, one announces each message (Web Locks). It comes
 * in the script tag's extras chunk, fetched as soon as the panel is in (`../widget/panel.ts`), not in the first paint;
 * on a connection that asks to save data, with the first message from someone else while the page is hidden
 * (handed to it, with those that came while it loaded, to count or not).
 */
import type { ChatClient, ChatMessage } from '../../client/types.js';
import type { ConversationId } from '../../protocol/ids.js';
import { describeElemText } from '../i18n/elems.js';
import { notifyStrings } from '../i18n/notify.js';
import { safeMediaUrl } from '../thread/elems/safe-url.js';
import { chime, claim } from './claim.js';
import { loadPushSubscribe } from './load-push-subscribe.js';

/** What the notifier needs of `<chat-widget>`. */
export interface NotifierHost {
  readonly client: ChatClient | undefined;
  /** No title count, no notification, no sound. */
  readonly quiet: boolean;
  readonly sound: boolean;
  /** The site's service worker (`natter-sw.js`), for Web Push; empty: none. */
  readonly serviceWorker: string;
  /** A widget taken off the page stays silent. */
  readonly isConnected: boolean;
  /** Messages heard while the page was hidden before the notifier was in (taken, counted, then `undefined`). */
  heard: Event[] | undefined;
  /** Opens the panel on a conversation. */
  openConversation(id: ConversationId): void;
}

const OPEN_HASH = '#natter-open=';
const notifiers = new WeakMap<NotifierHost, PageNotifier>();

/** Starts the notifier of `host` (once), which counts the client's `message` events the host heard before it was in. */
export function attachNotifier(host: NotifierHost): void {
  if (!notifiers.has(host)) notifiers.set(host, new PageNotifier(host));
}

class PageNotifier {
  readonly #host: NotifierHost;
  #client: ChatClient | undefined;
  #count = 0;
  /** The page's own title, and the one we put there (to tell whether the page changed it since). */
  #base = '';
  #ours: string | undefined;

  constructor(host: NotifierHost) {
    this.#host = host;
    document.addEventListener('visibilitychange', this.#onVisibility);
    navigator.serviceWorker?.addEventListener('message', this.#onWorkerMessage);
    this.#follow();
    if (location.hash.startsWith(OPEN_HASH)) {
      const id = decodeURIComponent(location.hash.slice(OPEN_HASH.length)) as ConversationId;
      history.replaceState(history.state, '', location.pathname + location.search);
      host.openConversation(id);
    }
    // A subscription renewed by the browser, or made on another visit: stored with the server again.
    this.#resubscribe();
    const heard = host.heard;
    host.heard = undefined;
    heard?.forEach(this.#onMessage);
  }

  /** Listens to the host's current client (it may be replaced). */
  #follow(): void {
    const client = this.#host.client;
    if (client === this.#client) return;
    this.#client?.removeEventListener('message', this.#onMessage);
    this.#client = client;
    client?.addEventListener('message', this.#onMessage);
  }

  #resubscribe(): void {
    const { client, serviceWorker } = this.#host;
    if (client && serviceWorker && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      void loadPushSubscribe()
        .then(({ subscribePush }) => subscribePush(client, serviceWorker))
        .catch((err: unknown) => console.warn('[natter] push subscription failed:', err));
    }
  }

  #onVisibility = () => {
    this.#follow();
    if (document.hidden) return;
    this.#count = 0;
    if (this.#ours !== undefined && document.title === this.#ours) document.title = this.#base;
    this.#ours = undefined;
  };

  #onWorkerMessage = (e: MessageEvent) => {
    const data = e.data as { type?: string; conversationId?: string } | null;
    if (data?.type === 'natter:open' && typeof data.conversationId === 'string') this.#host.openConversation(data.conversationId as ConversationId);
    if (data?.type === 'natter:resubscribe') this.#resubscribe();
  };

  #onMessage = (e: Event) => {
    const m = (e as CustomEvent<ChatMessage>).detail;
    const client = this.#client;
    if (!document.hidden || this.#host.quiet || !this.#host.isConnected || !client) return;
    // Own messages (another device), online-only signals, changes and muted conversations never count.
    if (m.isSelf || m.seq === 0 || m.isExcludedFromUnreadCount || client.isMuted(m.conversationId)) return;
    this.#count++;
    if (document.title !== this.#ours) this.#base = document.title;
    this.#ours = notifyStrings().titleWithUnread(this.#count, this.#base);
    document.title = this.#ours;
    void this.#announce(client, m);
  };

  async #announce(client: ChatClient, m: ChatMessage): Promise<void> {
    const permitted = typeof Notification !== 'undefined' && Notification.permission === 'granted';
    if (!permitted && !this.#host.sound) return;
    if (!(await claim(`${client.$me.get()?.id ?? ''}:${m.id}`))) return;
    if (this.#host.sound) chime();
    if (!permitted) return;
    const conversation = client.$conversations.get().find((c) => c.id === m.conversationId);
    const who = m.senderProfile.name || m.sender;
    const group = m.conversationId.startsWith('group:');
    const text = describeElemText(m.elem) || notifyStrings().newMessage;
    // The conversation's picture as the conversation list shows it (http(s) or same-origin only).
    const icon = safeMediaUrl(conversation?.avatar);
    const n = new Notification(group ? conversation?.name || who : who, {
      body: group ? `${who}: ${text}` : text,
      tag: `natter:${m.conversationId}`,
      ...(icon && { icon }),
    });
    n.onclick = () => {
      window.focus();
      this.#host.openConversation(m.conversationId);
      n.close();
    };
  }
}
