import { LitElement, html, nothing } from 'lit';
import { consume } from '@lit/context';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatClient, Profile } from '../../client/types.js';
import type { ChatError } from '../../protocol/error-codes.js';
import { ID_PATTERN, p2pConversation, parseConversationId } from '../../protocol/ids.js';
import { chatClientContext } from '../context.js';
import { StoreController } from '../controllers/store-controller.js';
import { ModalDialog } from '../dialog-focus.js';
import { ConversationSelectEvent } from '../events/conversation-select.js';
import { forwardTargets } from '../forward/forward-targets.js';
import { groupDialogStyles } from '../groups/group-dialog.styles.js';
import { groupErrorText } from '../i18n/groups.js';
import { LocaleController } from '../i18n/localize.js';
import { peopleStrings } from '../i18n/people.js';
import { NameLookup } from '../names.js';

/**
 * @summary The user's contacts: people to chat with (search, or any user id) and the blocklist with Unblock.
 * @tag contacts-view
 *
 * Open it with `show()`; `<conversation-list contacts>` opens its own one from its Contacts
 * button. People are the user's 1:1 contacts and people met in groups; typing a user id offers
 * that person too. Picking one starts (or opens) the 1:1 chat (`conversation-select`). The
 * blocklist follows `client.$blocked` on every device; Unblock calls `client.unblock`. Esc or
 * Close closes it and focus returns to where it was. (Friends and friend requests: not yet.)
 *
 * @fires {ConversationSelectEvent} conversation-select - Chat with the person picked.
 *
 * @csspart dialog - The native `<dialog>`.
 * @csspart search - Filters the people (or names a user id).
 * @csspart people - The list of people.
 * @csspart person - One of them: a button that starts the chat.
 * @csspart blocked - The blocklist.
 * @csspart blocked-user - One blocked user.
 * @csspart unblock-button - Unblocks them.
 * @csspart status - What the last action did.
 * @csspart close-button - Closes the view.
 *
 * @cssproperty [--chat-group-dialog-width=min(28rem, 100vw - 1rem)] - Width of the view.
 */
export class ContactsView extends LitElement {
  static override styles = groupDialogStyles;

  #locale = new LocaleController(this);
  #modal = new ModalDialog(this);
  #blocked = new StoreController<string[]>(this, () => this.client?.$blocked, []);
  #me = new StoreController<Profile | undefined>(this, () => this.client?.$me, undefined);
  #names = new NameLookup(this);

  /** The client, from the nearest `<chat-session>`; or set it directly. */
  @consume({ context: chatClientContext, subscribe: true })
  @property({ attribute: false })
  accessor client: ChatClient | undefined = undefined;

  /** Whether the view is open (read-only; use `show()` and `close()`). */
  @property({ type: Boolean, reflect: true }) accessor open = false;

  @state() private accessor queryText = '';
  @state() private accessor status = '';
  @state() private accessor failed = false;

  #chat(userId: string): void {
    this.close();
    this.dispatchEvent(new ConversationSelectEvent(p2pConversation(userId)));
  }

  async #unblock(userId: string): Promise<void> {
    try {
      await this.client?.unblock(userId);
      this.failed = false;
      this.status = peopleStrings().unblocked;
    } catch (error) {
      this.failed = true;
      this.status = groupErrorText(error as ChatError);
    }
  }

  /** Opens the view. */
  async show(): Promise<void> {
    this.queryText = this.status = '';
    await this.#modal.show('[part~="search"]');
  }

  /** Closes the view; focus returns to the element that had it when it opened. */
  close(): void {
    this.#modal.close();
  }

  override render() {
    return html`<dialog part="dialog" aria-labelledby="title" @cancel=${this.#modal.onCancel} @keydown=${this.#modal.onKeydown}>
      ${this.open ? this.#renderBody() : nothing}
    </dialog>`;
  }

  #renderBody() {
    const t = peopleStrings();
    const client = this.client;
    const me = this.#me.value?.id;
    const name = (id: string) => this.#names.nameOf(client, id) ?? id;
    const people = client
      ? forwardTargets(client, this.queryText, (id) => this.#names.nameOf(client, id))
          .filter((p) => p.kind !== 'group')
          .map((p) => ({ id: parseConversationId(p.id).target, label: p.label }))
          .filter((p) => p.id !== me && ID_PATTERN.test(p.id))
      : [];
    const blocked = this.#blocked.value;
    return html`<h2 id="title">${t.contacts}</h2>
      <input part="search" type="search" aria-label=${t.search} placeholder=${t.search} autocomplete="off" spellcheck="false" .value=${this.queryText}
        @input=${(e: Event) => (this.queryText = (e.target as HTMLInputElement).value)} />
      <ul part="people" class="list" aria-label=${t.people}>
        ${repeat(people, (p) => p.id, (p) => html`<li class="row">
          <button part="person" class="who link" type="button" aria-label=${t.chatWith(p.label)} @click=${() => this.#chat(p.id)}><bdi>${p.label}</bdi></button>
        </li>`)}
        ${people.length === 0 ? html`<li class="empty">${t.noPeople}</li>` : nothing}
      </ul>
      <h3 id="blocked-title">${t.blockedTitle}</h3>
      <ul part="blocked" class="list" aria-labelledby="blocked-title">
        ${repeat(blocked, (id) => id, (id) => html`<li part="blocked-user" class="row">
          <bdi class="who">${name(id)}</bdi>
          <button part="unblock-button" type="button" aria-label=${t.about(t.unblock, name(id))} @click=${() => void this.#unblock(id)}>${t.unblock}</button>
        </li>`)}
        ${blocked.length === 0 ? html`<li class="empty">${t.noneBlocked}</li>` : nothing}
      </ul>
      <p part="status" role="status" ?data-error=${this.failed}>${this.status}</p>
      <div class="buttons"><button part="close-button" type="button" @click=${() => this.close()}>${t.close}</button></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'contacts-view': ContactsView;
  }
}
