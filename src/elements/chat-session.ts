import { LitElement, html } from 'lit';
import { property } from 'lit/decorators.js';
import { provide } from '@lit/context';
import { createChatClient } from '../client/index.js';
import type { ChatClient } from '../client/types.js';
import { chatClientContext, chatStickersContext, type StickerSet } from './context.js';
import { closeOwnClient } from './own-client.js';
import { styles } from './chat-session.styles.js';

/**
 * Either set `client` to a client you created, or give `server` and `token` and the session
 * creates one (and closes it when the session leaves the page).
 *
 * @summary Provides one chat client to every Natter element inside it.
 * @tag chat-session
 *
 * @slot - The chat UI: `<conversation-list>`, `<chat-thread>`, `<message-composer>` …
 *
 * @cssproperty [--chat-color-scheme=light dark] - Colour scheme of the elements inside; set by `theme`.
 */
export class ChatSession extends LitElement {
  static override styles = styles;

  /** The client the elements inside use. Set it, or let `server` + `token` create one. */
  @provide({ context: chatClientContext })
  @property({ attribute: false })
  accessor client: ChatClient | undefined = undefined;

  /** WebSocket URL of the server (`wss://chat.example.com/ws`), used with `token`. */
  @property() accessor server = '';

  /** The user's token, signed by the host site's backend, used with `server`. */
  @property() accessor token = '';

  /** Stickers of the host page, `{ [key]: imageUrl }` or `[{ key, url, label? }]`: the thread draws face messages with a key as its image. */
  @provide({ context: chatStickersContext })
  @property({ attribute: false })
  accessor stickers: StickerSet | undefined = undefined;

  /** `light` or `dark` forces a colour scheme; empty follows the user's preference. */
  @property({ reflect: true }) accessor theme: 'light' | 'dark' | '' = '';

  /** The client this element created itself (and so must close), and from what. */
  #ownClient: ChatClient | undefined;
  #ownClientFor = '';

  override connectedCallback(): void {
    super.connectedCallback();
    this.#ensureClient();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Moving the element (remove + insert in one task) must not drop the connection.
    queueMicrotask(() => {
      if (!this.isConnected) this.#ownClient = closeOwnClient(this, this.#ownClient);
    });
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('server') || changed.has('token')) {
      if (this.#ownClientFor !== this.#wanted()) this.#ownClient = closeOwnClient(this, this.#ownClient);
      this.#ensureClient();
    }
  }

  #ensureClient(): void {
    if (this.client || !this.isConnected || !this.server || !this.token) return;
    this.#ownClient = createChatClient({ url: this.server, token: this.token });
    this.#ownClientFor = this.#wanted();
    this.client = this.#ownClient;
  }

  #wanted(): string {
    return `${this.server}\n${this.token}`;
  }

  override render() {
    return html`<slot></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-session': ChatSession;
  }
}
