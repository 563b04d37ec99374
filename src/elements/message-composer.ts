import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { property, state } from 'lit/decorators.js';
import type { ChatClient } from '../client/types.js';
import { isConversationId } from '../protocol/ids.js';
import { LIMITS, utf8Length } from '../protocol/limits.js';
import { chatClientContext } from './context.js';
import { MessageSendEvent } from './events/message-send.js';
import { styles } from './message-composer.styles.js';

/** Show the byte counter once a draft uses this share of the limit. */
const COUNTER_FROM = 0.9;
const supportsFieldSizing = typeof CSS !== 'undefined' && CSS.supports?.('field-sizing', 'content');

/**
 * @summary Writes and sends text messages to one conversation.
 * @tag message-composer
 *
 * @csspart input - The text area.
 * @csspart send-button - Sends the draft.
 * @csspart hint - Size counter, or why the draft cannot be sent.
 *
 * @cssproperty [--chat-message-composer-padding=0.75rem] - Padding around the composer.
 * @cssproperty [--chat-message-composer-max-height=10rem] - Tallest the text area grows.
 * @cssproperty [--chat-message-composer-input-color=var(--chat-color-surface-raised)] - Background of the text area.
 *
 * @fires {MessageSendEvent} message-send - A text is about to be sent (cancelable).
 *
 * Enter sends, Shift+Enter starts a new line. The draft of each conversation is kept while
 * the composer switches between them.
 */
export class MessageComposer extends LitElement {
  static override styles = styles;

  /** Conversation to send to, `p2p:<user>` or `group:<id>`. */
  @property() accessor conversation = '';

  /** Placeholder of the text area. */
  @property() accessor placeholder = 'Write a message…';

  /** Turns the composer off (the host page decides when). */
  @property({ type: Boolean, reflect: true }) accessor disabled = false;

  /** The client, from the nearest `<chat-session>`; or set it directly. */
  @consume({ context: chatClientContext, subscribe: true })
  @property({ attribute: false })
  accessor client: ChatClient | undefined = undefined;

  @state() private accessor draft = '';

  #drafts = new Map<string, string>();

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('conversation')) {
      const previous = changed.get('conversation');
      if (previous) this.#drafts.set(previous, this.draft);
      this.draft = this.#drafts.get(this.conversation) ?? '';
      this.#drafts.delete(this.conversation);
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('draft')) this.#fitHeight();
  }

  private onInput = (e: InputEvent) => {
    this.draft = (e.target as HTMLTextAreaElement).value;
  };

  private onKeyDown = (e: KeyboardEvent) => {
    // Enter while an IME composes picks a candidate; it must not send.
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    this.send();
  };

  private onSubmit = (e: SubmitEvent) => {
    e.preventDefault();
    this.send();
  };

  get #bytes(): number {
    return utf8Length(this.draft);
  }

  get #canSend(): boolean {
    return (
      !this.disabled &&
      !!this.client &&
      isConversationId(this.conversation) &&
      this.draft.trim().length > 0 &&
      this.#bytes <= LIMITS.textBytes
    );
  }

  get #input(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
  }

  #fitHeight(): void {
    const input = this.#input;
    if (!input || supportsFieldSizing) return;
    input.style.height = 'auto';
    input.style.height = `${input.scrollHeight}px`;
  }

  /**
   * Sends the draft and clears it at once. The message shows in `<chat-thread>` as sending;
   * if it fails it stays there with the reason and a resend control. Returns whether it sent.
   */
  send(): boolean {
    if (!this.#canSend || !isConversationId(this.conversation)) return false;
    const text = this.draft.trim();
    const event = new MessageSendEvent(this.conversation, text);
    if (!this.dispatchEvent(event)) return false;
    // Failures are shown in the thread, so the promise needs no handling here.
    this.client!.send(this.conversation, text).catch(() => {});
    this.draft = '';
    this.#input?.focus();
    return true;
  }

  /** Moves focus to the text area. */
  override focus(options?: FocusOptions): void {
    const input = this.#input;
    if (input) input.focus(options);
    else super.focus(options);
  }

  override render() {
    const bytes = this.#bytes;
    const tooLong = bytes > LIMITS.textBytes;
    const nearLimit = bytes >= LIMITS.textBytes * COUNTER_FROM;
    const disabled = this.disabled || !this.client || !isConversationId(this.conversation);
    return html`
      <form @submit=${this.onSubmit}>
        <textarea
          part="input"
          rows="1"
          aria-label="Message"
          aria-invalid=${tooLong ? 'true' : 'false'}
          aria-describedby="hint"
          placeholder=${this.placeholder}
          enterkeyhint="send"
          .value=${this.draft}
          ?disabled=${disabled}
          @input=${this.onInput}
          @keydown=${this.onKeyDown}
        ></textarea>
        <button part="send-button" type="submit" aria-label="Send" title="Send" ?disabled=${!this.#canSend}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" /></svg>
        </button>
      </form>
      ${nearLimit
        ? html`<p id="hint" part="hint" role=${tooLong ? 'alert' : nothing} ?data-error=${tooLong}>
            ${tooLong
              ? `This message is too long to send: ${bytes.toLocaleString()} of ${LIMITS.textBytes.toLocaleString()} bytes. Shorten it or split it up.`
              : `${bytes.toLocaleString()} / ${LIMITS.textBytes.toLocaleString()} bytes`}
          </p>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'message-composer': MessageComposer;
  }
}
