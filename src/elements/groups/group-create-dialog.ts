import { LitElement, html, nothing } from 'lit';
import { consume } from '@lit/context';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatClient } from '../../client/types.js';
import { parseConversationId } from '../../protocol/ids.js';
import { chatClientContext } from '../context.js';
import { ModalDialog } from '../dialog-focus.js';
import { ConversationSelectEvent } from '../events/conversation-select.js';
import { forwardTargets } from '../forward/forward-targets.js';
import { groupErrorText, groupStrings } from '../i18n/groups.js';
import { LocaleController } from '../i18n/localize.js';
import { NameLookup } from '../names.js';
import { groupDialogStyles } from './group-dialog.styles.js';
import type { ChatError } from '../../protocol/error-codes.js';

/**
 * Open it with `show()`; `<conversation-list create-group>` opens its own one from its New group
 * button. The people offered are the user's 1:1 contacts and people met in groups; typing a user
 * id offers that person too. On success the new group is selected (`conversation-select`) and
 * the dialog closes; a refusal (GROUP_CREATE_FORBIDDEN, USER_UNKNOWN …) is shown in the dialog.
 * Esc or Cancel closes it and focus returns to where it was.
 *
 * @summary A modal for creating a group: its name, an optional picture URL, and the people in it.
 * @tag group-create-dialog
 *
 * @fires {ConversationSelectEvent} conversation-select - The group was created: open it.
 *
 * @csspart dialog - The native `<dialog>`.
 * @csspart name-input - The group's name.
 * @csspart avatar-input - The picture URL.
 * @csspart search - Filters the people offered (or names a user id).
 * @csspart people - The list of people to pick.
 * @csspart person - One of them (also `selected` when picked).
 * @csspart status - Progress and errors.
 * @csspart create-button - Creates the group.
 * @csspart cancel-button - Closes without creating.
 *
 * @cssproperty [--chat-group-dialog-width=min(28rem, 100vw - 1rem)] - Width of the dialog.
 */
export class GroupCreateDialog extends LitElement {
  static override styles = groupDialogStyles;

  #locale = new LocaleController(this);
  #modal = new ModalDialog(this);

  /** The client, from the nearest `<chat-session>`; or set it directly. */
  @consume({ context: chatClientContext, subscribe: true })
  @property({ attribute: false })
  accessor client: ChatClient | undefined = undefined;

  /** Whether the dialog is open (read-only; use `show()` and `close()`). */
  @property({ type: Boolean, reflect: true }) accessor open = false;

  @state() private accessor name = '';
  @state() private accessor avatar = '';
  @state() private accessor queryText = '';
  @state() private accessor picked: string[] = [];
  @state() private accessor busy = false;
  @state() private accessor error = '';

  #names = new NameLookup(this);
  /** Labels of picked people, kept when the search hides them. */
  #labels = new Map<string, string>();

  private onSubmit = async (e: Event) => {
    e.preventDefault();
    const client = this.client;
    const name = this.name.trim();
    if (!client || !name || this.busy) return;
    this.busy = true;
    this.error = '';
    try {
      const avatar = this.avatar.trim();
      const id = await (await client.groups()).createGroup({ name, members: this.picked, ...(avatar ? { avatar } : {}) });
      this.close();
      this.dispatchEvent(new ConversationSelectEvent(id));
    } catch (error) {
      this.error = groupErrorText(error as ChatError);
    } finally {
      this.busy = false;
    }
  };

  #toggle(id: string, label: string): void {
    this.#labels.set(id, label);
    this.picked = this.picked.includes(id) ? this.picked.filter((p) => p !== id) : [...this.picked, id];
  }

  /** Opens the dialog, empty. */
  async show(): Promise<void> {
    this.name = this.avatar = this.queryText = this.error = '';
    this.picked = [];
    await this.#modal.show('[part~="name-input"]');
  }

  /** Closes the dialog; focus returns to the element that had it when it opened. */
  close(): void {
    this.#modal.close();
  }

  override render() {
    const t = groupStrings();
    return html`<dialog part="dialog" aria-labelledby="title" @cancel=${this.#modal.onCancel} @keydown=${this.#modal.onKeydown}>
      ${this.open ? this.#renderForm(t) : nothing}
    </dialog>`;
  }

  #renderForm(t: ReturnType<typeof groupStrings>) {
    const client = this.client;
    const people = client
      ? forwardTargets(client, this.queryText, (id) => this.#names.nameOf(client, id)).filter((p) => p.kind !== 'group')
      : [];
    const shown = new Set(people.map((p) => parseConversationId(p.id).target));
    const hiddenPicks = this.picked.filter((id) => !shown.has(id));
    return html`<form @submit=${this.onSubmit}>
      <h2 id="title">${t.createTitle}</h2>
      <label>${t.name}<input part="name-input" type="text" required maxlength="100" .value=${this.name} @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)} /></label>
      <label>${t.avatar}<input part="avatar-input" type="url" .value=${this.avatar} @input=${(e: Event) => (this.avatar = (e.target as HTMLInputElement).value)} /></label>
      <h3 id="people-title">${t.pickMembers}</h3>
      <input part="search" type="search" aria-label=${t.searchPeople} placeholder=${t.searchPeople} autocomplete="off" spellcheck="false" .value=${this.queryText}
        @input=${(e: Event) => (this.queryText = (e.target as HTMLInputElement).value)} />
      <ul part="people" class="list" aria-labelledby="people-title">
        ${repeat([...hiddenPicks.map((id) => ({ id, label: this.#labels.get(id) ?? id })), ...people.map((p) => ({ id: parseConversationId(p.id).target, label: p.label }))], (p) => p.id, (p) => {
          const selected = this.picked.includes(p.id);
          return html`<li part="person${selected ? ' selected' : ''}" class="row">
            <label><input type="checkbox" .checked=${selected} @change=${() => this.#toggle(p.id, p.label)} /><bdi class="who">${p.label}</bdi></label>
          </li>`;
        })}
        ${people.length + hiddenPicks.length === 0 ? html`<li class="empty">${t.noPeople}</li>` : nothing}
      </ul>
      <p part="status" role="status" ?data-error=${!!this.error}>${this.error}</p>
      <div class="buttons">
        <button part="cancel-button" type="button" @click=${() => this.close()}>${t.cancel}</button>
        <button part="create-button" class="primary" type="submit" ?disabled=${!this.name.trim() || this.busy}>${t.create}</button>
      </div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'group-create-dialog': GroupCreateDialog;
  }
}
