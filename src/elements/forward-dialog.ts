import { LitElement, html, nothing } from 'lit';
import { consume } from '@lit/context';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatClient, ChatMessage } from '../client/types.js';
import { parseConversationId, type ConversationId } from '../protocol/ids.js';
import { chatClientContext } from './context.js';
import { deepActiveElement, trapTab } from './dialog-focus.js';
import { MessageForwardedEvent } from './events/message-forwarded.js';
import { isResendable } from '../client/resendable.js';
import { resendTarget, runForward, type ForwardRequest, type TargetProgress } from './forward/forward-run.js';
import { forwardTargets, type ForwardTarget } from './forward/forward-targets.js';
import { describeElemText } from './i18n/elems.js';
import { errorText } from './i18n/errors.js';
import { LocaleController } from './i18n/localize.js';
import { NameLookup } from './names.js';
import { forwardStrings, type ForwardStrings } from './i18n/forward.js';
import { styles } from './forward-dialog.styles.js';

/**
 * Open it with `show({conversationId, messageIds, merge})`. `<chat-thread>` opens its own one
 * unless its `forward-request` event is cancelled. Esc or Cancel closes it and focus returns to
 * where it was. Keyboard: type to search; ArrowDown moves into the list, ArrowUp/ArrowDown/Home/End
 * move in it, Space picks; Tab reaches the note and the buttons.
 *
 * @summary A modal for forwarding messages: pick targets, add a note, see what succeeded.
 * @tag forward-dialog
 *
 * @fires {MessageForwardedEvent} message-forwarded - Every target's outcome is known.
 *
 * @csspart dialog - The native `<dialog>`.
 * @csspart title - The heading.
 * @csspart preview - What is being forwarded.
 * @csspart search - The search input.
 * @csspart targets - The list of conversations and people.
 * @csspart target - One row of it (also `selected` when picked).
 * @csspart note - The optional note, sent as a text after the forward.
 * @csspart results - Per-target outcome after confirming.
 * @csspart result - One target's outcome (also `sending`, `sent` or `failed`).
 * @csspart error - Why a target failed.
 * @csspart resend-button - Resends a failed target (only where a resend can succeed: not to an unknown user, a group one left …).
 * @csspart cancel-button - Closes without forwarding.
 * @csspart confirm-button - Forwards to the picked targets.
 * @csspart close-button - Closes after forwarding.
 *
 * @cssproperty [--chat-forward-dialog-width=min(28rem, 100vw - 2rem)] - Width of the dialog.
 * @cssproperty [--chat-forward-dialog-list-height=16rem] - Height of the target list.
 */
export class ForwardDialog extends LitElement {
  static override styles = styles;

  #locale = new LocaleController(this);

  /** The client, from the nearest `<chat-session>`; or set it directly. */
  @consume({ context: chatClientContext, subscribe: true })
  @property({ attribute: false })
  accessor client: ChatClient | undefined = undefined;

  /** Whether the dialog is open (read-only; use `show()` and `close()`). */
  @property({ type: Boolean, reflect: true }) accessor open = false;

  @state() private accessor request: ForwardRequest | undefined = undefined;
  @state() private accessor queryText = '';
  @state() private accessor picked: ConversationId[] = [];
  @state() private accessor note = '';
  @state() private accessor active = 0;
  @state() private accessor results: Map<ConversationId, TargetProgress> | undefined = undefined;

  @query('dialog') private accessor dialog!: HTMLDialogElement | null;

  #returnFocus: HTMLElement | undefined;
  #labels = new Map<ConversationId, string>();
  #names = new NameLookup(this);

  private onCancel = (e: Event) => {
    // Esc: close through our own path so state resets and focus returns.
    e.preventDefault();
    this.close();
  };

  private onSearchInput = (e: Event) => {
    this.queryText = (e.target as HTMLInputElement).value;
    this.active = 0;
  };

  private onSearchKeydown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown') return;
    e.preventDefault();
    this.#focusOption(0);
  };

  private onListKeydown = (e: KeyboardEvent) => {
    const count = this.#options().length;
    if (count === 0) return;
    const moves: Record<string, number> = { ArrowDown: this.active + 1, ArrowUp: this.active - 1, Home: 0, End: count - 1 };
    if (!(e.key in moves)) return;
    e.preventDefault();
    if (e.key === 'ArrowUp' && this.active === 0) {
      this.renderRoot.querySelector<HTMLInputElement>('[part~="search"]')?.focus();
      return;
    }
    this.#focusOption(Math.max(0, Math.min(count - 1, moves[e.key]!)));
  };

  private onDialogKeydown = (e: KeyboardEvent) => trapTab(e, this.dialog, this.renderRoot as ShadowRoot);

  #toggle(target: ForwardTarget, index: number): void {
    this.active = index;
    this.#labels.set(target.id, target.label);
    this.picked = this.picked.includes(target.id) ? this.picked.filter((t) => t !== target.id) : [...this.picked, target.id];
  }

  #options(): HTMLInputElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLInputElement>('[part~="target"] input')];
  }

  #focusOption(index: number): void {
    this.active = index;
    void this.updateComplete.then(() => this.#options()[index]?.focus());
  }

  async #confirm(): Promise<void> {
    const client = this.client;
    const request = this.request;
    if (!client || !request || this.picked.length === 0 || this.results) return;
    const targets = [...this.picked];
    this.results = new Map(targets.map((t) => [t, { status: 'sending', failedIds: [] }]));
    const final = await runForward(client, request, targets, this.note, (target, progress) => {
      if (this.results) this.results = new Map(this.results).set(target, progress);
    });
    this.dispatchEvent(
      new MessageForwardedEvent({
        conversationId: request.conversationId,
        messageIds: [...request.messageIds],
        merge: request.merge,
        results: targets.map((t) => {
          const p = final.get(t)!;
          return { conversationId: t, ok: p.status === 'sent', ...(p.error ? { error: p.error } : {}) };
        }),
      }),
    );
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[part~="resend-button"], [part~="close-button"]')?.focus();
  }

  async #resend(target: ConversationId, progress: TargetProgress): Promise<void> {
    if (!this.client || !this.results) return;
    this.results = new Map(this.results).set(target, { ...progress, status: 'sending' });
    const next = await resendTarget(this.client, progress);
    if (this.results) this.results = new Map(this.results).set(target, next);
  }

  /** Opens the dialog for these messages (of one conversation), one by one or merged. */
  async show(request: ForwardRequest): Promise<void> {
    const active = deepActiveElement();
    this.#returnFocus = active instanceof HTMLElement ? active : undefined;
    this.request = { ...request, messageIds: [...request.messageIds] };
    this.queryText = '';
    this.picked = [];
    this.note = '';
    this.active = 0;
    this.results = undefined;
    this.#labels.clear();
    this.open = true;
    await this.updateComplete;
    if (!this.dialog?.open) this.dialog?.showModal();
    this.renderRoot.querySelector<HTMLInputElement>('[part~="search"]')?.focus();
  }

  /** Closes the dialog; focus returns to the element that had it when it opened. */
  close(): void {
    if (!this.open) return;
    this.dialog?.close();
    this.open = false;
    this.request = undefined;
    this.results = undefined;
    const back = this.#returnFocus;
    this.#returnFocus = undefined;
    if (back?.isConnected) back.focus();
  }

  override render() {
    const t = forwardStrings();
    return html`<dialog part="dialog" aria-labelledby="title" @cancel=${this.onCancel} @keydown=${this.onDialogKeydown}>
      ${this.open && this.request ? this.#renderBody(t) : nothing}
    </dialog>`;
  }

  #renderBody(t: ForwardStrings) {
    return html`<h2 part="title" id="title">${t.dialogTitle}</h2>
      ${this.#renderPreview(t)} ${this.results ? this.#renderResults(t) : this.#renderPicker(t)}`;
  }

  #renderPreview(t: ForwardStrings) {
    const request = this.request!;
    const held = this.client?.messages(request.conversationId).get() ?? [];
    const messages = request.messageIds.map((id) => held.find((m) => m.id === id)).filter((m): m is ChatMessage => !!m);
    return html`<section part="preview" aria-label=${t.previewLabel}>
      ${request.merge ? html`<p class="merged">${t.merged(request.messageIds.length)}</p>` : nothing}
      <ul>
        ${messages.slice(0, 5).map((m) => html`<li><strong><bdi>${m.senderProfile.name || m.sender}</bdi>${t.saidSeparator}</strong><bdi>${describeElemText(m.elem)}</bdi></li>`)}
        ${messages.length > 5 ? html`<li class="more">…</li>` : nothing}
      </ul>
    </section>`;
  }

  #renderPicker(t: ForwardStrings) {
    const targets = this.client ? forwardTargets(this.client, this.queryText, (id) => this.#names.nameOf(this.client, id)) : [];
    const active = Math.min(this.active, Math.max(0, targets.length - 1));
    return html`<input
        part="search"
        type="search"
        aria-label=${t.searchLabel}
        placeholder=${t.searchPlaceholder}
        autocomplete="off"
        spellcheck="false"
        .value=${this.queryText}
        @input=${this.onSearchInput}
        @keydown=${this.onSearchKeydown}
      />
      <ul part="targets" aria-label=${t.targetsLabel} @keydown=${this.onListKeydown}>
        ${repeat(
          targets,
          (target) => target.id,
          (target, i) => {
            const selected = this.picked.includes(target.id);
            const kind = target.kind === 'group' ? t.group : t.person;
            return html`<li part="target${selected ? ' selected' : ''}">
              <label>
                <input
                  type="checkbox"
                  tabindex=${i === active ? '0' : '-1'}
                  .checked=${selected}
                  @change=${() => this.#toggle(target, i)}
                  @focus=${() => (this.active = i)}
                />
                <span class="label">${target.kind === 'typed' && !target.named ? t.userId(target.label) : target.label}</span>
                <span class="kind">${kind}</span>
              </label>
            </li>`;
          },
        )}
        ${targets.length === 0 ? html`<li class="empty">${t.noTargets}</li>` : nothing}
      </ul>
      <label class="note">
        <span>${t.noteLabel}</span>
        <textarea part="note" rows="2" .value=${this.note} @input=${(e: Event) => (this.note = (e.target as HTMLTextAreaElement).value)}></textarea>
      </label>
      <div class="buttons">
        <button part="cancel-button" type="button" @click=${() => this.close()}>${t.cancel}</button>
        <button part="confirm-button" type="button" ?disabled=${this.picked.length === 0} @click=${() => void this.#confirm()}>
          ${t.confirm(this.picked.length)}
        </button>
      </div>`;
  }

  /** A target's name in the results: the person's profile name once known, else what the list showed. */
  #labelOf(target: ConversationId): string {
    const { type, target: id } = parseConversationId(target);
    const name = type === 'p2p' ? this.#names.nameOf(this.client, id) : undefined;
    return name ?? this.#labels.get(target) ?? id;
  }

  #renderResults(t: ForwardStrings) {
    const results = [...this.results!];
    return html`<ul part="results" aria-label=${t.resultsLabel} aria-live="polite">
        ${results.map(([target, p]) => {
          const label = this.#labelOf(target);
          return html`<li part="result ${p.status}">
            <span class="label">${label}</span>
            <span class="state">${p.status === 'sending' ? t.sending : p.status === 'sent' ? t.sent : t.failed}</span>
            ${p.status === 'failed' ? html`<span part="error" dir=${p.error?.reason ? 'auto' : nothing}>${errorText(p.error, p.retryAt)}</span>` : nothing}
            ${p.status === 'failed' && p.failedIds.length > 0 && isResendable(p.error)
              ? html`<button part="resend-button" type="button" @click=${() => void this.#resend(target, p)}>${t.resend}</button>`
              : nothing}
          </li>`;
        })}
      </ul>
      <div class="buttons">
        <button part="close-button" type="button" @click=${() => this.close()}>${t.done}</button>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'forward-dialog': ForwardDialog;
  }
}
