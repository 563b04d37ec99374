import { html, nothing, type ReactiveControllerHost } from 'lit';
import type { ChatClient, ChatMessage } from '../../client/types.js';
import type { ErrorBody } from '../../protocol/error-codes.js';
import { isConversationId } from '../../protocol/ids.js';
import { REPORT_NOTE_CHARS, REPORT_REASONS, type ReportReason } from '../../protocol/reports.js';
import { reportErrorText, reportStrings } from '../i18n/report.js';
import { dialogButtons } from '../i18n/dialog-buttons.js';
import { adoptLazyStyles } from '../styles/lazy-styles.js';
import { reportDialogStyles } from './report-dialog.styles.js';

interface ReportHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

interface ReportDeps {
  client(): ChatClient | undefined;
  conversation(): string;
  /** Gives focus back to the message's menu button once the dialog closes. */
  focusBack(m: ChatMessage): void;
}

type ReportState = 'idle' | 'sending' | 'done' | 'failed';

/** What Tab may reach in the dialog: of a radio group, only its checked radio (as the browser does). */
const TABBABLE = 'input[type="radio"]:checked, textarea, button:not([disabled])';

/**
 * The "Report" dialog of a message (SPEC §11): a reason (radio group), an optional note, Send
 * and Cancel; then "Reported. Thanks" (a polite status) or why it failed (an alert), the dialog
 * staying open to try again. A modal `<dialog>`: Escape cancels, Tab stays inside, and focus
 * returns to the message's menu button. Drawn only once someone opened it; loaded then, it brings
 * its styles into the thread's shadow root.
 */
export class ReportDialog {
  #for: ChatMessage | undefined;
  #open = false;
  #reason: ReportReason = 'spam';
  #note = '';
  #state: ReportState = 'idle';
  #error: Pick<ErrorBody, 'name'> | undefined;
  readonly #host: ReportHost;
  readonly #deps: ReportDeps;

  constructor(host: ReportHost, deps: ReportDeps) {
    this.#host = host;
    this.#deps = deps;
    adoptLazyStyles(host.renderRoot, reportDialogStyles, 'end');
  }

  get open(): boolean {
    return this.#open;
  }

  get #dialog(): HTMLDialogElement | null {
    return this.#host.renderRoot.querySelector('dialog[part~="report-dialog"]');
  }

  /** Opens the dialog for `m`, afresh, with focus on the first reason. */
  async show(m: ChatMessage): Promise<void> {
    this.#for = m;
    this.#open = true;
    this.#reason = 'spam';
    this.#note = '';
    this.#state = 'idle';
    this.#error = undefined;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    const dialog = this.#dialog;
    if (dialog && !dialog.open) dialog.showModal();
    dialog?.querySelector<HTMLElement>('input[type="radio"]:checked')?.focus();
  }

  /** Closes it (Cancel, Close, Escape); focus goes back to the message's menu button. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#dialog?.close();
    this.#host.requestUpdate();
    const m = this.#for;
    if (m) void this.#host.updateComplete.then(() => this.#deps.focusBack(m));
  }

  /** Another conversation is shown: the dialog goes without moving focus. */
  reset(): void {
    this.#open = false;
    this.#dialog?.close();
    this.#for = undefined;
  }

  #onCancel = (e: Event): void => {
    e.preventDefault();
    this.close();
  };

  #onKeydown = (e: KeyboardEvent): void => {
    if (e.key !== 'Tab') return;
    const items = [...(this.#dialog?.querySelectorAll<HTMLElement>(TABBABLE) ?? [])];
    const root = this.#host.renderRoot as ShadowRoot;
    const at = items.indexOf(root.activeElement as HTMLElement);
    if (items.length === 0) return;
    if (e.shiftKey && at <= 0) {
      e.preventDefault();
      items.at(-1)!.focus();
    } else if (!e.shiftKey && at === items.length - 1) {
      e.preventDefault();
      items[0]!.focus();
    }
  };

  #onSubmit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const client = this.#deps.client();
    const conversation = this.#deps.conversation();
    const m = this.#for;
    if (!client || !m?.id || !isConversationId(conversation) || this.#state === 'sending') return;
    this.#set('sending');
    try {
      await client.report(conversation, m.id, this.#reason, this.#note);
      if (this.#for !== m) return;
      this.#set('done');
      await this.#host.updateComplete;
      this.#dialog?.querySelector<HTMLElement>('[part~="report-close-button"]')?.focus();
    } catch (err) {
      if (this.#for !== m) return;
      this.#error = err as Pick<ErrorBody, 'name'>;
      this.#set('failed');
    }
  };

  #set(state: ReportState): void {
    this.#state = state;
    this.#host.requestUpdate();
  }

  render() {
    if (!this.#for) return nothing;
    const t = reportStrings();
    const ui = dialogButtons;
    const sending = this.#state === 'sending';
    const done = this.#state === 'done';
    return html`<dialog part="report-dialog" aria-labelledby="report-title" @cancel=${this.#onCancel} @keydown=${this.#onKeydown}>
      <form @submit=${this.#onSubmit}>
        <h2 id="report-title" part="report-title">${t.title}</h2>
        ${done
          ? nothing
          : html`<fieldset part="report-reasons" ?disabled=${sending}>
                <legend>${t.why}</legend>
                ${REPORT_REASONS.map(
                  (r) => html`<label part="report-reason"
                    ><input type="radio" name="reason" .value=${r} .checked=${r === this.#reason} @change=${() => (this.#reason = r)} />
                    ${t.reason(r)}</label
                  >`,
                )}
              </fieldset>
              <label class="note"
                >${t.note}
                <textarea part="report-note" rows="3" maxlength=${REPORT_NOTE_CHARS} .value=${this.#note} @input=${(e: Event) => (this.#note = (e.target as HTMLTextAreaElement).value)}></textarea>
              </label>`}
        <p part="report-status" role="status">${done ? t.done : nothing}</p>
        <p part="report-error" role="alert">${this.#state === 'failed' ? reportErrorText(this.#error) : nothing}</p>
        <div class="buttons">
          ${done
            ? html`<button part="report-close-button" type="button" @click=${() => this.close()}>${ui.close}</button>`
            : html`<button part="report-cancel-button" type="button" @click=${() => this.close()}>${ui.cancel}</button>
                <button part="report-send-button" type="submit" ?disabled=${sending} aria-busy=${sending ? 'true' : 'false'}>${t.send}</button>`}
        </div>
      </form>
    </dialog>`;
  }
}
