import { LitElement, html, nothing } from 'lit';
import { consume } from '@lit/context';
import { property, state } from 'lit/decorators.js';
import type { FriendActions, FriendRequests } from '../../client/friend-actions.js';
import type { ChatClient, Profile } from '../../client/types.js';
import type { FriendEntry } from '../../protocol/frames.js';
import type { ChatError } from '../../protocol/error-codes.js';
import { p2pConversation } from '../../protocol/ids.js';
import { chatClientContext } from '../context.js';
import { StoreController } from '../controllers/store-controller.js';
import { ModalDialog } from '../dialog-focus.js';
import { ConversationSelectEvent } from '../events/conversation-select.js';
import { groupDialogStyles } from '../groups/group-dialog.styles.js';
import { LocaleController } from '../i18n/localize.js';
import { peopleErrorText, peopleStrings } from '../i18n/people.js';
import { loadFriends, standingChanged, standingOf } from './friends.js';
import { NameLookup } from '../names.js';
import { renderAvatar } from '../avatar.js';
import { presenceErrorText } from '../i18n/presence-toggle.js';
import { PresenceController } from './presence-controller.js';
import { presenceStyles, renderPresence } from './presence-label.js';
import { presenceToggleStyles, renderPresenceToggle } from './presence-toggle.js';
import { profileCardStyles } from './profile-card.styles.js';

/**
 * Open it with `show(userId, profile?)`; `<group-panel>` opens its own one from a member's name,
 * `<chat-thread>` from a sender's picture or name. Send a message selects the 1:1 conversation
 * (`conversation-select`) and closes the card. Add friend befriends them, or sends a request
 * where the site has friend requests on (then Cancel request; a request from them shows Accept
 * and Decline); Remove friend ends it (`client.friends()`). Block and Unblock change the user's
 * blocklist on every device (`client.block` / `client.unblock`); the card follows
 * `client.$blocked` and the friend lists. Esc or Close closes it and focus returns to where it was.
 *
 * On the user's own card, a checkbox shows or hides their presence to everyone (stored on the
 * server, the same on every device); hidden, they also see no one's last seen, as in WhatsApp.
 *
 * @summary A person's card: name, picture and id, with Send a message, Add / Remove friend and Block / Unblock.
 * @tag profile-card
 *
 * @fires {ConversationSelectEvent} conversation-select - Send a message: open the 1:1 chat.
 *
 * @csspart dialog - The native `<dialog>`.
 * @csspart avatar - The picture or initials.
 * @csspart name - The person's name.
 * @csspart user-id - Their user id.
 * @csspart standing - "Friend" or "Request pending", when so.
 * @csspart message-button - Opens the 1:1 chat.
 * @csspart friend-button - Add friend; also `friend`: Remove friend, `pending`: Cancel request, `incoming`: Accept.
 * @csspart decline-button - Declines their friend request (shown with Accept).
 * @csspart block-button - Blocks them (also `blocked`: Unblock).
 * @csspart status - What the last action did.
 * @csspart presence - Under the name: "online" (also `online`, with a dot) or "last seen 5 minutes ago"; not with `hide-presence`.
 * @csspart presence-toggle - On the user's own card: the "Show when I am online" checkbox and its label (SPEC §13).
 * @csspart close-button - Closes the card: a × at the top end corner, labelled "Close".
 *
 * @cssproperty [--chat-group-dialog-width=min(28rem, 100vw - 1rem)] - Width of the card.
 * @cssproperty [--chat-presence-online-color=light-dark(#15803d, #4ade80)] - Colour of the online dot.
 */
export class ProfileCard extends LitElement {
  static override styles = [
    ...groupDialogStyles,
    presenceStyles,
    presenceToggleStyles,
    profileCardStyles,
  ];

  #locale = new LocaleController(this);
  #modal = new ModalDialog(this);
  #blocked = new StoreController<string[]>(this, () => this.client?.$blocked, []);
  #me = new StoreController<Profile | undefined>(this, () => this.client?.$me, undefined);
  #names = new NameLookup(this);
  #presence = new PresenceController(this, () => this.client, () => !this.hidePresence && this.open);
  // Followed so the card changes as soon as a friend change lands (from any device).
  #friendList = new StoreController<FriendEntry[]>(this, () => this.friends?.$friends, []);
  #requests = new StoreController<FriendRequests | undefined>(this, () => this.friends?.$friendRequests, undefined);

  /** The client, from the nearest `<chat-session>`; or set it directly. */
  @consume({ context: chatClientContext, subscribe: true })
  @property({ attribute: false })
  accessor client: ChatClient | undefined = undefined;

  /** The person shown (set by `show()`). */
  @property({ attribute: 'user-id' }) accessor userId = '';

  /** Hides whether the person is online (and the own card's visibility checkbox). */
  @property({ type: Boolean, attribute: 'hide-presence' }) accessor hidePresence = false;

  /** Whether the card is open (read-only; use `show()` and `close()`). */
  @property({ type: Boolean, reflect: true }) accessor open = false;

  @state() private accessor profile: { name?: string; avatar?: string } = {};
  @state() private accessor status = '';
  @state() private accessor failed = false;
  @state() private accessor busy = false;
  /** The client's friend actions, once loaded (no friend buttons before, nor where loading failed). */
  @state() private accessor friends: FriendActions | undefined = undefined;

  private onMessage = () => {
    const id = p2pConversation(this.userId);
    this.close();
    this.dispatchEvent(new ConversationSelectEvent(id));
  };

  private onBlock = () => {
    const client = this.client;
    if (!client) return;
    const blocked = this.#blocked.value.includes(this.userId);
    void this.#run(async () => {
      await (blocked ? client.unblock(this.userId) : client.block(this.userId));
      return blocked ? peopleStrings().unblocked : peopleStrings().blocked;
    });
  };

  private onVisibleChange = (e: Event) => {
    const box = e.target as HTMLInputElement;
    // The checkbox shows only with a tracker. A refusal puts the box back.
    void this.#run(() => this.#presence.tracker!.setVisible(box.checked).then(() => '', (error: unknown) => {
      box.checked = !box.checked;
      throw error;
    }), presenceErrorText);
  };

  override updated(): void {
    // A friend without a 1:1 chat is watched while their card is open (the server refuses strangers).
    if (this.open && this.userId && this.userId !== this.#me.value?.id) this.#presence.tracker?.watch([this.userId]);
  }

  /** Runs one action and says what it did (or why it failed: `errorText`) in the status line. */
  async #run(action: () => Promise<string>, errorText: (error: ChatError) => string = peopleErrorText): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      this.status = await action();
      this.failed = false;
    } catch (error) {
      this.failed = true;
      this.status = errorText(error as ChatError);
    } finally {
      this.busy = false;
    }
  }

  /** Runs one friend action and says what it did. */
  #friendAction(act: (f: FriendActions, id: string) => Promise<void>, done: () => string | Promise<string>): Promise<void> {
    const friends = this.friends;
    return friends ? this.#run(async () => (await act(friends, this.userId), done())) : Promise.resolve();
  }

  private onFriend = () => {
    const t = peopleStrings();
    const id = this.userId;
    switch (standingOf(this.friends, id)) {
      case 'friend': return void this.#friendAction((f) => f.remove(id), () => t.friendRemoved);
      case 'out': return void this.#friendAction((f) => f.cancel(id), () => t.requestCancelled);
      case 'in': return void this.#friendAction((f) => f.accept(id), () => t.friendAdded);
      default: return void this.#friendAction((f) => f.add(id), async () => ((await standingChanged(this.friends!, id, 'none')) === 'friend' ? t.friendAdded : t.requestSent));
    }
  };

  private onDecline = () => void this.#friendAction((f, id) => f.decline(id), () => peopleStrings().requestDeclined);

  /** Opens the card of `userId`; `profile` is what the opener knows of them (else the client's names). */
  async show(userId: string, profile: { name?: string; avatar?: string } = {}): Promise<void> {
    this.userId = userId;
    this.profile = profile;
    this.status = '';
    const client = this.client;
    if (client && !this.friends) {
      loadFriends(client).then(
        (f) => (this.friends = f),
        () => undefined,
      );
    }
    // Send a message on someone's card; the × on one's own, which has no other button.
    await this.#modal.show(this.userId === this.#me.value?.id ? '[part~="close-button"]' : '[part~="message-button"]');
  }

  /** Closes the card; focus returns to the element that had it when it opened. */
  close(): void {
    this.#modal.close();
  }

  override render() {
    return html`<dialog part="dialog" aria-labelledby="name" @cancel=${this.#modal.onCancel} @keydown=${this.#modal.onKeydown}>
      ${this.open ? this.#renderCard() : nothing}
    </dialog>`;
  }

  #renderCard() {
    const t = peopleStrings();
    const id = this.userId;
    const name = this.profile.name || this.#names.nameOf(this.client, id) || id;
    const self = id === this.#me.value?.id;
    const blocked = this.#blocked.value.includes(id);
    // Read so the card re-renders when the lists change; standingOf reads the stores themselves.
    void this.#friendList.value, this.#requests.value;
    const standing = this.friends ? standingOf(this.friends, id) : undefined;
    return html`<div class="who">
        ${renderAvatar(this.profile.avatar, id, name)}
        <div>
          <h2 id="name" part="name"><bdi>${name}</bdi></h2>
          <p part="user-id" class="muted">${t.userId(id)}</p>
          ${self ? nothing : renderPresence(this.#presence.of(id))}
          ${standing === 'friend' || standing === 'out' ? html`<p part="standing" class="muted">${standing === 'friend' ? t.friend : t.pending}</p>` : nothing}
        </div>
        <button part="close-button" type="button" aria-label=${t.close} title=${t.close} @click=${() => this.close()}>×</button>
      </div>
      ${self ? renderPresenceToggle(this.#presence.tracker, this.busy, this.onVisibleChange) : nothing}
      <p part="status" role="status" ?data-error=${this.failed}>${this.status}</p>
      ${self
        ? nothing
        : html`<div class="buttons">
            ${standing === undefined ? nothing : this.#renderFriendButtons(standing)}
            <button part="block-button${blocked ? ' blocked' : ''}" class="danger" type="button" ?disabled=${this.busy} @click=${this.onBlock}>${blocked ? t.unblock : t.block}</button>
            <button part="message-button" class="primary" type="button" @click=${this.onMessage}>${t.message}</button>
          </div>`}`;
  }

  #renderFriendButtons(standing: 'friend' | 'in' | 'out' | 'none') {
    const t = peopleStrings();
    const [part, label] = {
      friend: ['friend-button friend', t.removeFriend],
      out: ['friend-button pending', t.cancelRequest],
      in: ['friend-button incoming', t.accept],
      none: ['friend-button', t.addFriend],
    }[standing];
    return html`<button part=${part} type="button" ?disabled=${this.busy} @click=${this.onFriend}>${label}</button>
      ${standing === 'in' ? html`<button part="decline-button" type="button" ?disabled=${this.busy} @click=${this.onDecline}>${t.decline}</button>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'profile-card': ProfileCard;
  }
}
