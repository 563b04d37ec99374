import { LitElement, html, nothing } from 'lit';
import { consume } from '@lit/context';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatClient, Member, Profile } from '../../client/types.js';
import type { ChatError } from '../../protocol/error-codes.js';
import type { GroupInfo } from '../../protocol/frames.js';
import type { GroupChange } from '../../protocol/group-frames.js';
import { parseConversationId, type ConversationId } from '../../protocol/ids.js';
import { chatClientContext } from '../context.js';
import { StoreController } from '../controllers/store-controller.js';
import { WakeController } from '../controllers/wake-controller.js';
import { ModalDialog } from '../dialog-focus.js';
import { groupErrorText, groupStrings, type GroupStrings } from '../i18n/groups.js';
import { peopleStrings } from '../i18n/people.js';
import { LocaleController, formatLocale } from '../i18n/localize.js';
import { groupDialogStyles } from './group-dialog.styles.js';
import { renderGroupSettings, type SettingsDraft } from './group-settings.js';
import { formatUntil } from '../format.js';

/** Members shown at first, and added by each "Show more" (a group may have thousands). */
const PAGE = 50;

/**
 * Open it with `show(conversationId)` for a `group:<id>`; `<chat-widget>` opens its own one from
 * the thread header's Group info button. Everyone sees the name, notice and members (owner, admins, members, each by name; paged:
 * "Show more" adds 50) and may leave (not the owner). The owner and admins rename the group,
 * change its picture and notice, and invite people; admins remove members; the owner also makes
 * and unmakes admins, removes anyone and dismisses the group. The owner mutes anyone, admins mute
 * members, in this group, for an hour, a day or until unmuted (and unmute them): every member
 * sees a notification, and the muted person's composer says so. The owner and admins see who is
 * muted in the group and until when (the server tells nobody else): a muted member offers Unmute,
 * an unmuted one the Mute choices. Leaving and dismissing ask to
 * confirm. Every action is checked again by the server; its answer shows in the status line.
 * The panel follows the group live (its notifications reload the settings and members). Esc or
 * Close closes it and focus returns to where it was.
 *
 * @summary A group's info panel: name, notice, members with their roles, and what the user's role lets them change.
 * @tag group-panel
 *
 * @csspart dialog - The native `<dialog>`.
 * @csspart notice - The group's notice.
 * @csspart settings - The form of name, picture and notice (owner and admins).
 * @csspart name-input - The group's name.
 * @csspart avatar-input - The picture URL.
 * @csspart notice-input - The notice.
 * @csspart save-button - Saves the settings.
 * @csspart invite-input - User ids to invite.
 * @csspart invite-button - Invites them.
 * @csspart members - The member list.
 * @csspart member - One member.
 * @csspart member-name - A member's name: opens their `<profile-card>` (its `block-button`, `message-button`, `presence` and `presence-toggle` are exported, its dialog as `profile-dialog`).
 * @csspart role - A member's role.
 * @csspart muted - "Muted" or "Muted until …" on a member muted in this group (shown to the owner and admins).
 * @csspart promote-button - Makes a member an admin (owner).
 * @csspart demote-button - Makes an admin a member again (owner).
 * @csspart remove-button - Removes a member.
 * @csspart mute-button - Opens the mute choices of a member who is not muted (owner: anyone but the owner; admins: members).
 * @csspart mute-options - The open choices: `mute-hour-button`, `mute-day-button`, `mute-forever-button`.
 * @csspart mute-hour-button - Mutes the member in this group for an hour.
 * @csspart mute-day-button - Mutes them for a day.
 * @csspart mute-forever-button - Mutes them until unmuted.
 * @csspart unmute-button - Lifts a muted member's mute in this group (in place of `mute-button`).
 * @csspart more-button - Shows more members.
 * @csspart leave-button - Leaves the group (asks to confirm).
 * @csspart dismiss-button - Dismisses the group (owner; asks to confirm).
 * @csspart confirm-button - Confirms leaving or dismissing.
 * @csspart status - Progress and errors, under the forms (it describes the invite field, where an invite's refusal shows).
 * @csspart close-button - Closes the panel.
 *
 * @cssproperty [--chat-group-dialog-width=min(28rem, 100vw - 1rem)] - Width of the panel.
 */
export class GroupPanel extends LitElement {
  static override styles = groupDialogStyles;

  #locale = new LocaleController(this);
  #modal = new ModalDialog(this);
  #members = new StoreController<Member[] | undefined>(this, () => (this.conversation ? this.client?.members(this.conversation as ConversationId) : undefined), undefined);
  #me = new StoreController<Profile | undefined>(this, () => this.client?.$me, undefined);
  /** A member's mute runs out without a word from the server: the panel redraws then (as the composer's notice does). */
  #muteEnds = new WakeController(this);

  /** The client, from the nearest `<chat-session>`; or set it directly. */
  @consume({ context: chatClientContext, subscribe: true })
  @property({ attribute: false })
  accessor client: ChatClient | undefined = undefined;

  /** The group shown, `group:<id>` (set by `show()`). */
  @property() accessor conversation = '';

  /** Turns off profile cards: members' names are plain text (the site's choice). */
  @property({ type: Boolean, attribute: 'hide-profiles' }) accessor hideProfiles = false;

  /** Hides presence (online / last seen, and the own visibility checkbox) in the profile cards. */
  @property({ type: Boolean, attribute: 'hide-presence' }) accessor hidePresence = false;

  /** Whether the panel is open (read-only; use `show()` and `close()`). */
  @property({ type: Boolean, reflect: true }) accessor open = false;

  @state() private accessor info: GroupInfo | undefined = undefined;
  @state() private accessor shown = PAGE;
  @state() private accessor status = '';
  @state() private accessor failed = false;
  @state() private accessor busy = false;
  @state() private accessor confirming: 'leave' | 'dismiss' | '' = '';
  @state() private accessor draft: SettingsDraft = { name: '', avatar: '', notice: '', invite: '' };
  /** The member whose mute choices are open (owner and admins). */
  @state() private accessor muting = '';
  /** Whether a member's `<profile-card>` was opened (rendered from then on). */
  @state() private accessor profileCard = false;

  /** A notification of this group: its settings may have changed. */
  private onMessage = (e: Event) => {
    const m = (e as CustomEvent<{ conversationId: string; elem: { type: string } }>).detail;
    if (this.open && m.conversationId === this.conversation && m.elem.type === 'system') void this.#loadInfo();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.client?.addEventListener('message', this.onMessage);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.client?.removeEventListener('message', this.onMessage);
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('client')) {
      (changed.get('client') as ChatClient | undefined)?.removeEventListener('message', this.onMessage);
      this.client?.addEventListener('message', this.onMessage);
    }
  }

  get #groupId(): string {
    return parseConversationId(this.conversation as ConversationId).target;
  }

  async #loadInfo(): Promise<void> {
    const client = this.client;
    if (!client || !this.conversation) return;
    try {
      const info = await (await client.groups()).groupInfo(this.#groupId);
      const first = this.info === undefined || this.info.id !== info.id;
      this.info = info;
      if (first) this.draft = { name: info.name, avatar: info.avatar ?? '', notice: info.notice ?? '', invite: '' };
    } catch (error) {
      this.#report(error as ChatError);
    }
  }

  #report(error: ChatError | undefined, text?: string): void {
    this.failed = error !== undefined;
    this.status = error ? groupErrorText(error) : text ?? '';
  }

  /** Runs group changes one after another; the status line says how they went. */
  async #run(...changes: GroupChange[]): Promise<boolean> {
    if (!this.client || this.busy || changes.length === 0) return false;
    this.busy = true;
    this.#report(undefined, groupStrings().loading);
    try {
      const groups = await this.client.groups();
      for (const change of changes) await groups.changeGroup(this.#groupId, change);
      this.#report(undefined, groupStrings().done);
      return true;
    } catch (error) {
      this.#report(error as ChatError);
      return false;
    } finally {
      this.busy = false;
    }
  }

  #save = async (e: Event) => {
    e.preventDefault();
    const info = this.info;
    if (!info) return;
    const d = this.draft;
    const changes: GroupChange[] = [];
    if (d.name.trim() && d.name.trim() !== info.name) changes.push({ kind: 'rename', name: d.name.trim() });
    if (d.avatar.trim() !== (info.avatar ?? '')) changes.push(d.avatar.trim() ? { kind: 'avatar', avatar: d.avatar.trim() } : { kind: 'avatar' });
    if (d.notice !== (info.notice ?? '')) changes.push({ kind: 'notice', notice: d.notice });
    if (await this.#run(...changes)) await this.#loadInfo();
  };

  #invite = async (e: Event) => {
    e.preventDefault();
    const userIds = [...new Set(this.draft.invite.split(/[\s,]+/).filter(Boolean))];
    if (userIds.length > 0 && (await this.#run({ kind: 'invite', userIds }))) this.draft = { ...this.draft, invite: '' };
  };

  async #finish(kind: 'leave' | 'dismiss'): Promise<void> {
    this.confirming = '';
    if (await this.#run({ kind })) this.close();
  }

  async #ask(kind: 'leave' | 'dismiss'): Promise<void> {
    this.confirming = kind;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[part~="confirm-button"]')?.focus();
  }

  async #profile(m: Member): Promise<void> {
    this.profileCard = true;
    await this.updateComplete;
    await this.renderRoot.querySelector('profile-card')?.show(m.id, { ...(m.name ? { name: m.name } : {}), ...(m.avatar ? { avatar: m.avatar } : {}) });
  }

  /** Opens the panel for a group conversation (`group:<id>`). */
  async show(conversationId: string): Promise<void> {
    if (conversationId !== this.conversation) this.info = undefined;
    this.conversation = conversationId;
    this.shown = PAGE;
    this.confirming = '';
    this.#report(undefined, '');
    await this.#modal.show('[part~="close-button"]');
    this.client?.loadMembers(conversationId as ConversationId).catch((error: unknown) => this.#report(error as ChatError));
    await this.#loadInfo();
  }

  /** Closes the panel; focus returns to the element that had it when it opened. */
  close(): void {
    this.#modal.close();
  }

  override render() {
    const t = groupStrings();
    return html`<dialog part="dialog" aria-labelledby="title" @cancel=${this.#modal.onCancel} @keydown=${this.#modal.onKeydown}>
        ${this.open ? this.#renderBody(t) : nothing}
      </dialog>
      ${this.profileCard ? html`<profile-card exportparts="dialog: profile-dialog, block-button, message-button, presence, presence-toggle" ?hide-presence=${this.hidePresence} .client=${this.client}></profile-card>` : nothing}`;
  }

  #renderBody(t: GroupStrings) {
    const info = this.info;
    const me = this.#me.value?.id;
    const members = this.#members.value;
    const role = members?.find((m) => m.id === me)?.role ?? info?.role;
    const manager = role === 'owner' || role === 'admin';
    return html`<div class="head">
        <h2 id="title"><bdi>${info?.name ?? parseConversationId((this.conversation || 'group:-') as ConversationId).target}</bdi></h2>
        <p class="muted">${info ? t.memberCount(members?.length ?? info.memberCount) : t.loading}</p>
      </div>
      <h3>${t.notice}</h3>
      <p part="notice" class=${info?.notice ? '' : 'muted'}><bdi>${info?.notice || t.noNotice}</bdi></p>
      ${manager && info
        ? renderGroupSettings(t, this.draft, this.busy, {
            change: (draft) => (this.draft = draft),
            save: this.#save,
            invite: this.#invite,
          })
        : nothing}
      <p part="status" id="status" role="status" ?data-error=${this.failed}>${this.status}</p>
      <h3 id="members-title">${t.pickMembers}</h3>
      ${this.#renderMembers(t, members, role, me)}
      <div class="buttons">
        ${this.confirming
          ? html`<button part="confirm-button" class="danger" type="button" ?disabled=${this.busy} @click=${() => void this.#finish(this.confirming as 'leave' | 'dismiss')}>
                ${this.confirming === 'dismiss' ? t.confirmDismiss : t.confirmLeave}
              </button>
              <button type="button" @click=${() => (this.confirming = '')}>${t.cancel}</button>`
          : html`${role && role !== 'owner' ? html`<button part="leave-button" class="danger" type="button" @click=${() => void this.#ask('leave')}>${t.leave}</button>` : nothing}
              ${role === 'owner' ? html`<button part="dismiss-button" class="danger" type="button" @click=${() => void this.#ask('dismiss')}>${t.dismiss}</button>` : nothing}`}
        <button part="close-button" type="button" @click=${() => this.close()}>${t.close}</button>
      </div>`;
  }

  #sorted: { of?: Member[]; list: Member[] } = { list: [] };

  /** The owner first, then the admins, then the members, each by name (as the peer kits list them); kept while the list is the same. */
  #byRole(members: Member[]): Member[] {
    if (this.#sorted.of !== members) {
      const rank = (m: Member) => (m.role === 'owner' ? 0 : m.role === 'admin' ? 1 : 2);
      const collator = new Intl.Collator(formatLocale());
      this.#sorted = { of: members, list: [...members].sort((a, b) => rank(a) - rank(b) || collator.compare(a.name || a.id, b.name || b.id)) };
    }
    return this.#sorted.list;
  }

  #renderMembers(t: GroupStrings, members: Member[] | undefined, role: string | undefined, me: string | undefined) {
    if (!members) return html`<p class="muted">${t.loading}</p>`;
    // The first of the timed mutes still running to end.
    const ends = members.map((m) => m.muted?.until ?? 0).filter((until) => until > Date.now());
    this.#muteEnds.at(ends.length ? Math.min(...ends) : undefined);
    const visible = this.#byRole(members).slice(0, this.shown);
    return html`<ul part="members" class="list" aria-labelledby="members-title">
        ${repeat(visible, (m) => m.id, (m) => {
          const name = m.name || m.id;
          const act = (label: string, part: string, change: GroupChange) =>
            html`<button part=${part} type="button" aria-label=${t.about(label, name)} ?disabled=${this.busy} @click=${() => void this.#run(change)}>${label}</button>`;
          const self = m.id === me;
          const muted = isMuted(m);
          return html`<li part="member" class="row" data-id=${m.id}>
            ${this.hideProfiles
              ? html`<bdi part="member-name" class="who">${name}</bdi>`
              : html`<button part="member-name" class="who link" type="button" aria-label=${peopleStrings().openProfile(name)} @click=${() => this.#profile(m)}><bdi>${name}</bdi></button>`}${self ? html` <span class="muted">${t.you}</span>` : nothing}
            <span part="role" class="muted">${t.role(m.role)}</span>
            ${muted ? html`<span part="muted" class="muted">${m.muted!.until === undefined ? t.muted : t.mutedUntil(formatUntil(m.muted!.until))}</span>` : nothing}
            ${!self && (role === 'owner' || (role === 'admin' && m.role === 'member'))
              ? html`<span class="actions">
                  ${role === 'owner' && m.role === 'member' ? act(t.makeAdmin, 'promote-button', { kind: 'role', userId: m.id, role: 'admin' }) : nothing}
                  ${role === 'owner' && m.role === 'admin' ? act(t.removeAdmin, 'demote-button', { kind: 'role', userId: m.id, role: 'member' }) : nothing}
                  ${act(t.remove, 'remove-button', { kind: 'remove', userId: m.id })}
                  ${m.role !== 'owner' ? this.#renderMute(t, m.id, name, muted) : nothing}
                </span>`
              : nothing}
          </li>`;
        })}
      </ul>
      ${members.length > this.shown ? html`<button part="more-button" type="button" @click=${() => (this.shown += PAGE)}>${t.showMore}</button>` : nothing}`;
  }

  /**
   * Mute choices for one member (SPEC §11): for someone muted here, Unmute; for anyone else a
   * disclosure button and, while open, 1 hour, 1 day and until unmuted. Focus goes back to
   * whichever of the two the row then shows.
   */
  #renderMute(t: GroupStrings, userId: string, name: string, muted: boolean) {
    const open = this.muting === userId;
    const id = `mute-${userId}`;
    const mute = async (change: GroupChange) => {
      this.muting = '';
      // Loaded again at once (the notice would too, later): the row's other button then takes focus.
      if (await this.#run(change)) await this.client?.loadMembers(this.conversation as ConversationId).catch(() => undefined);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>(`[data-id="${CSS.escape(userId)}"] :is([part~="mute-button"], [part~="unmute-button"])`)?.focus();
    };
    const option = (label: string, part: string, change: GroupChange) =>
      html`<button part=${part} type="button" aria-label=${t.about(label, name)} ?disabled=${this.busy} @click=${() => void mute(change)}>${label}</button>`;
    if (muted) return option(t.unmute, 'unmute-button', { kind: 'unmute', userId });
    const now = Date.now();
    return html`<button part="mute-button" type="button" aria-label=${t.about(t.mute, name)} aria-expanded=${open ? 'true' : 'false'} aria-controls=${id}
        ?disabled=${this.busy} @click=${() => (this.muting = open ? '' : userId)}>${t.mute}</button>
      ${open
        ? html`<div id=${id} part="mute-options" role="group" aria-label=${t.about(t.mute, name)} @keydown=${(e: KeyboardEvent) => {
            if (e.key !== 'Escape') return;
            e.stopPropagation();
            e.preventDefault();
            this.muting = '';
          }}>
            ${option(t.muteHour, 'mute-hour-button', { kind: 'mute', userId, until: now + 3_600_000 })}
            ${option(t.muteDay, 'mute-day-button', { kind: 'mute', userId, until: now + 86_400_000 })}
            ${option(t.muteForever, 'mute-forever-button', { kind: 'mute', userId })}
          </div>`
        : nothing}`;
  }
}

/** Muted here now (a mute the server listed may have run out since). */
function isMuted(m: Member): boolean {
  return m.muted !== undefined && (m.muted.until === undefined || m.muted.until > Date.now());
}

declare global {
  interface HTMLElementTagNameMap {
    'group-panel': GroupPanel;
  }
}
