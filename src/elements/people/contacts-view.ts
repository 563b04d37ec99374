import { LitElement, html, nothing } from 'lit';
import { consume } from '@lit/context';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { FriendActions, FriendRequests } from '../../client/friend-actions.js';
import type { ChatClient, Profile } from '../../client/types.js';
import type { FriendEntry } from '../../protocol/frames.js';
import type { ChatError } from '../../protocol/error-codes.js';
import { ID_PATTERN, p2pConversation, parseConversationId } from '../../protocol/ids.js';
import { chatClientContext } from '../context.js';
import { StoreController } from '../controllers/store-controller.js';
import { ModalDialog } from '../dialog-focus.js';
import { ConversationSelectEvent } from '../events/conversation-select.js';
import { forwardTargets } from '../forward/forward-targets.js';
import { groupDialogStyles } from '../groups/group-dialog.styles.js';
import { LocaleController } from '../i18n/localize.js';
import { peopleErrorText, peopleStrings } from '../i18n/people.js';
import { loadFriends, standingChanged, standingOf } from './friends.js';
import { PresenceController } from './presence-controller.js';
import { presenceStyles, renderPresence } from './presence-label.js';
import { presenceToggleStyles, renderPresenceToggle } from './presence-toggle.js';
import { NameLookup } from '../names.js';

/**
 * Open it with `show()`; `<conversation-list contacts>` opens its own one from its Contacts
 * button. Friends (`client.friends()`, kept current on every device) come first, with Remove;
 * then friend requests received, with Accept and Decline, and sent, with Cancel. People are the
 * user's 1:1 contacts and people met in groups who are not friends; typing a user id offers that person too, each
 * with Add friend (a request where the site has friend requests on). Picking a friend or a
 * person starts (or opens) the 1:1 chat (`conversation-select`). The search filters friends
 * and people alike. The blocklist follows `client.$blocked` on every device; Unblock calls
 * `client.unblock`. Esc or Close closes it and focus returns to where it was.
 *
 * Each friend shows online (a dot) or "last seen", the client's presence tracker watching every
 * friend while the friends list is loaded; under the friends, the user's own "Show when I am
 * online" checkbox (the same as on their own `<profile-card>`). `hide-presence` turns both off.
 *
 * @summary The user's contacts: friends, friend requests, people to chat with (search, or any user id) and the blocklist with Unblock.
 * @tag contacts-view
 *
 * @fires {ConversationSelectEvent} conversation-select - Chat with the person picked.
 *
 * @csspart dialog - The native `<dialog>`.
 * @csspart search - Filters the people (or names a user id).
 * @csspart friends - The list of friends.
 * @csspart friend - A friend: a button that starts the chat.
 * @csspart presence - Beside a friend's name: "online" (also `online`, with a dot) or "last seen 5 minutes ago"; not with `hide-presence`.
 * @csspart presence-toggle - The user's own "Show when I am online" checkbox and its label, under the friends (not with `hide-presence`).
 * @csspart remove-friend-button - Ends a friendship.
 * @csspart incoming - Friend requests received (shown when there are any).
 * @csspart request - One request, received or sent.
 * @csspart accept-button - Accepts a request.
 * @csspart decline-button - Declines a request.
 * @csspart outgoing - Friend requests sent (shown when there are any).
 * @csspart cancel-request-button - Withdraws a request sent.
 * @csspart add-friend-button - Adds a person as a friend (or asks them).
 * @csspart people - The list of people.
 * @csspart person - One of them: a button that starts the chat.
 * @csspart blocked - The blocklist.
 * @csspart blocked-user - One blocked user.
 * @csspart unblock-button - Unblocks them.
 * @csspart status - What the last action did.
 * @csspart close-button - Closes the view.
 *
 * @cssproperty [--chat-group-dialog-width=min(28rem, 100vw - 1rem)] - Width of the view.
 * @cssproperty [--chat-presence-online-color=light-dark(#15803d, #4ade80)] - Colour of a friend's online dot.
 */
export class ContactsView extends LitElement {
  static override styles = [...groupDialogStyles, presenceStyles, presenceToggleStyles];

  #locale = new LocaleController(this);
  #modal = new ModalDialog(this);
  #blocked = new StoreController<string[]>(this, () => this.client?.$blocked, []);
  #me = new StoreController<Profile | undefined>(this, () => this.client?.$me, undefined);
  #names = new NameLookup(this);
  #friendList = new StoreController<FriendEntry[]>(this, () => this.friends?.$friends, []);
  #requests = new StoreController<FriendRequests>(this, () => this.friends?.$friendRequests, { incoming: [], outgoing: [] });
  #presence = new PresenceController(this, () => this.client, () => !this.hidePresence && this.open);

  /** The client, from the nearest `<chat-session>`; or set it directly. */
  @consume({ context: chatClientContext, subscribe: true })
  @property({ attribute: false })
  accessor client: ChatClient | undefined = undefined;

  /** Hides whether friends are online (and the user's own visibility checkbox). */
  @property({ type: Boolean, attribute: 'hide-presence' }) accessor hidePresence = false;

  /** Whether the view is open (read-only; use `show()` and `close()`). */
  @property({ type: Boolean, reflect: true }) accessor open = false;

  @state() private accessor queryText = '';
  @state() private accessor status = '';
  @state() private accessor failed = false;
  /** The client's friend actions, once loaded (the friend sections wait for them). */
  @state() private accessor friends: FriendActions | undefined = undefined;
  @state() private accessor busy = false;

  #chat(userId: string): void {
    this.close();
    this.dispatchEvent(new ConversationSelectEvent(p2pConversation(userId)));
  }

  async #unblock(userId: string): Promise<void> {
    await this.#run(async () => {
      await this.client?.unblock(userId);
      return peopleStrings().unblocked;
    });
  }

  private onVisibleChange = (e: Event) => {
    const box = e.target as HTMLInputElement;
    const tracker = this.#presence.tracker!;
    // The checkbox shows only with a tracker. A refusal puts the box back (its sentence from the shared error table: the toggle shows only where presence is on).
    void this.#run(() => tracker.setVisible(box.checked).then(() => '', (error: unknown) => {
      box.checked = !box.checked;
      throw error;
    }));
  };

  /** Runs one action and says what it did (or why it failed) in the status line. */
  async #run(action: () => Promise<string>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      this.status = await action();
      this.failed = false;
    } catch (error) {
      this.failed = true;
      this.status = peopleErrorText(error as ChatError);
    } finally {
      this.busy = false;
    }
  }

  #friendAction(userId: string, act: 'add' | 'remove' | 'accept' | 'decline' | 'cancel'): void {
    const friends = this.friends;
    if (!friends) return;
    const t = peopleStrings();
    void this.#run(async () => {
      await friends[act](userId);
      if (act === 'add') return (await standingChanged(friends, userId, 'none')) === 'friend' ? t.friendAdded : t.requestSent;
      return { remove: t.friendRemoved, accept: t.friendAdded, decline: t.requestDeclined, cancel: t.requestCancelled }[act];
    });
  }

  /** Opens the view. */
  async show(): Promise<void> {
    this.queryText = this.status = '';
    const client = this.client;
    if (client && !this.friends) {
      loadFriends(client).then(
        (f) => (this.friends = f),
        () => undefined,
      );
    }
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
          // Friends are listed above, once.
          .filter((p) => p.id !== me && ID_PATTERN.test(p.id) && standingOf(this.friends, p.id) !== 'friend')
      : [];
    const blocked = this.#blocked.value;
    const friends = this.friends;
    const query = this.queryText.trim().toLocaleLowerCase();
    const label = (e: FriendEntry) => e.name || this.#names.nameOf(client, e.id) || e.id;
    const friendList = this.#friendList.value.filter((f) => !query || label(f).toLocaleLowerCase().includes(query) || f.id.toLocaleLowerCase().includes(query));
    const { incoming, outgoing } = this.#requests.value;
    return html`<h2 id="title">${t.contacts}</h2>
      <input part="search" type="search" aria-label=${t.search} placeholder=${t.search} autocomplete="off" spellcheck="false" .value=${this.queryText}
        @input=${(e: Event) => (this.queryText = (e.target as HTMLInputElement).value)} />
      ${friends ? this.#renderFriends(friendList, incoming, outgoing, label) : nothing}
      <h3 id="people-title">${t.people}</h3>
      <ul part="people" class="list" aria-labelledby="people-title">
        ${repeat(people, (p) => p.id, (p) => html`<li class="row">
          <button part="person" class="who link" type="button" aria-label=${t.chatWith(p.label)} @click=${() => this.#chat(p.id)}><bdi>${p.label}</bdi></button>
          ${friends && standingOf(friends, p.id) === 'none' && !blocked.includes(p.id)
            ? html`<button part="add-friend-button" type="button" ?disabled=${this.busy} aria-label=${t.about(t.addFriend, p.label)} @click=${() => this.#friendAction(p.id, 'add')}>${t.addFriend}</button>`
            : nothing}
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

  #renderFriends(friendList: FriendEntry[], incoming: FriendEntry[], outgoing: FriendEntry[], label: (e: FriendEntry) => string) {
    const t = peopleStrings();
    const button = (part: string, text: string, e: FriendEntry, act: 'remove' | 'accept' | 'decline' | 'cancel') =>
      html`<button part=${part} type="button" ?disabled=${this.busy} aria-label=${t.about(text, label(e))} @click=${() => this.#friendAction(e.id, act)}>${text}</button>`;
    return html`<h3 id="friends-title">${t.friends}</h3>
      <ul part="friends" class="list" aria-labelledby="friends-title">
        ${repeat(friendList, (f) => f.id, (f) => html`<li class="row">
          <span class="who">
            <button part="friend" class="link" type="button" aria-label=${t.chatWith(label(f))} @click=${() => this.#chat(f.id)}><bdi>${label(f)}</bdi></button>
            ${renderPresence(this.#presence.of(f.id))}
          </span>
          ${button('remove-friend-button', t.removeFriend, f, 'remove')}
        </li>`)}
        ${friendList.length === 0 ? html`<li class="empty">${t.noFriends}</li>` : nothing}
      </ul>
      ${renderPresenceToggle(this.#presence.tracker, this.busy, this.onVisibleChange)}
      ${incoming.length === 0 ? nothing : html`<h3 id="incoming-title">${t.incoming}</h3>
        <ul part="incoming" class="list" aria-labelledby="incoming-title">
          ${repeat(incoming, (r) => r.id, (r) => html`<li part="request" class="row">
            <span class="who"><bdi>${label(r)}</bdi>${r.message ? html`<br /><bdi class="muted">${r.message}</bdi>` : nothing}</span>
            ${button('accept-button', t.accept, r, 'accept')} ${button('decline-button', t.decline, r, 'decline')}
          </li>`)}
        </ul>`}
      ${outgoing.length === 0 ? nothing : html`<h3 id="outgoing-title">${t.outgoing}</h3>
        <ul part="outgoing" class="list" aria-labelledby="outgoing-title">
          ${repeat(outgoing, (r) => r.id, (r) => html`<li part="request" class="row">
            <bdi class="who">${label(r)}</bdi>
            ${button('cancel-request-button', t.cancelRequest, r, 'cancel')}
          </li>`)}
        </ul>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'contacts-view': ContactsView;
  }
}
