import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { consume } from '@lit/context';
import { property, state } from 'lit/decorators.js';
import type { ChatClient } from '../client/types.js';
import { isConversationId, type ConversationId } from '../protocol/ids.js';
import { LIMITS, utf8Length } from '../protocol/limits.js';
import { ComposeIntentBar } from './composer/compose-intent-bar.js';
import { DraftKeeper } from './composer/draft-keeper.js';
import { applyMarker, formatKey } from './composer/format-keys.js';
import { VoiceButton } from './composer/voice-button.js';
import { LinkPreviewBar } from './composer/link-preview-bar.js';
import { MuteNotice } from './composer/mute-notice.js';
import { dragHasFiles, filesOf, isTooLarge, limitOf } from './composer/attach.js';
import type { EmojiPicker, Sticker } from './composer/emoji-picker.js';
import { EMOJI_PICKER_ID, loadEmojiPicker } from './composer/load-emoji-picker.js';
import type { MentionList } from './composer/mention-list.js';
import { loadMentionList, MENTIONS_ID } from './composer/load-mention-list.js';
import { mentionedIds, type Mention } from './composer/mention-suggest.js';
import { chatClientContext } from './context.js';
import { MessageSendEvent } from './events/message-send.js';
import { formatFileSize } from './format.js';
import { composerStrings, type ComposerStrings } from './i18n/composer.js';
import { formatLocale, formatNumber, LocaleController } from './i18n/localize.js';
import { styles } from './message-composer.styles.js';
// The client imports its send path on first use; an element that sends brings it along, so a
// send from it never waits for (or, offline, fails to fetch) a chunk after the text is taken.
import '../client/send-actions.js';

export type { Sticker } from './composer/emoji-picker.js';

/** Show the byte counter once a draft uses this share of the limit. */
const COUNTER_FROM = 0.9;
const supportsFieldSizing = typeof CSS !== 'undefined' && CSS.supports?.('field-sizing', 'content');

/**
 * Enter sends, Shift+Enter starts a new line. Ctrl/Cmd+B, I and E wrap the selection in bold,
 * italic or code markers (Ctrl/Cmd+Shift+X: strikethrough; again unwraps), which `<chat-thread>`
 * shows formatted. Reply and Edit in `<chat-thread>`'s message menu
 * (or R and E on a focused message) put the composer of the same client and conversation in
 * reply or edit mode: the quote or "Editing" shows over the text area, Escape or × cancels, Enter
 * sends the reply (`client.reply`) or saves the edit (`client.edit`). Up in an empty composer
 * edits the last own text message. The draft of each conversation is kept in the client
 * (`client.drafts`, on the device: it survives a reload) and cleared on send. Files come from the attach button, a drop onto the
 * composer or a paste, and are sent with `client.sendFile` (one message each); a file over its
 * limit (images and audio 28 MB, video and other files 100 MB) is refused at once with a
 * message. In a group, typing `@` lists the members (`@all` first): arrows choose, Enter or Tab
 * inserts `@Name`, Escape closes; the message carries the ids still named in its text as
 * `groupAtUserList`. While the user types, the others see it (`client.sendTyping`). While the
 * user is muted everywhere or in this group (`client.$sanctions`), a notice replaces the composer,
 * saying until when and why; it comes back when the mute ends or is lifted.
 *
 * @summary Writes and sends messages to one conversation: text with emoji and @mentions, files, stickers.
 * @tag message-composer
 *
 * @csspart input - The text area.
 * @csspart send-button - Sends the draft.
 * @csspart hint - Size counter, or why the draft cannot be sent.
 * @csspart attach-button - Opens the file picker.
 * @csspart file-input - The (hidden) file input behind `attach-button`.
 * @csspart drop-zone - Shown over the composer while files are dragged onto it.
 * @csspart file-error - Why a file was not sent (too large), until the next input.
 * @csspart emoji-button - Opens the emoji and sticker picker.
 * @csspart emoji-picker - The picker popover (a non-modal dialog).
 * @csspart emoji-search - The picker's search field.
 * @csspart emoji-tabs - The category tabs.
 * @csspart emoji-tab - One category tab (also `selected`).
 * @csspart emoji-grid - The grid (listbox) of emoji or stickers.
 * @csspart emoji - One emoji (also `active`).
 * @csspart sticker - One sticker (also `active`).
 * @csspart emoji-status - Loading, failure or "no match" line of the picker.
 * @csspart mentions - The @mention suggestion list.
 * @csspart mention - One suggestion (also `active`).
 * @csspart reply-preview - Over the text area while replying: "Replying to <name>" (`reply-preview-sender`), one line of the quoted message (`reply-preview-excerpt`) and `cancel-reply-button`.
 * @csspart reply-preview-sender - Who wrote the quoted message.
 * @csspart reply-preview-excerpt - One line of the quoted message.
 * @csspart cancel-reply-button - Stops replying (so does Escape).
 * @csspart record-button - The microphone, at the end of an empty text area: hold to record a voice message, or press to start and again to send (also `recording`).
 * @csspart recorder - The bar shown while recording: `cancel-recording-button`, `recording-dot`, `recorder-time`, `level-meter`, `recorder-hint`.
 * @csspart cancel-recording-button - Drops the recording (so does Escape, or sliding away while holding).
 * @csspart recording-dot - The red dot of a recording in progress.
 * @csspart recorder-time - How long the recording is.
 * @csspart level-meter - The microphone's level (`--_level` from 0 to 1).
 * @csspart recorder-hint - How to send or cancel.
 * @csspart record-error - Why recording could not start (the microphone is blocked or missing), or that it was too short.
 * @csspart link-preview-bar - Over the text area: the preview of the draft's first link (`link-preview` and its parts), sent with the text, and `remove-preview-button`.
 * @csspart link-preview - The preview card (`link-preview-site`, `link-preview-title`, `link-preview-description`, `link-preview-image`).
 * @csspart remove-preview-button - Drops the preview (the text is sent without it).
 * @csspart edit-bar - Over the text area while editing a sent message: `edit-label` ("Editing") and `cancel-edit-button`.
 * @csspart edit-label - "Editing".
 * @csspart cancel-edit-button - Stops editing (so does Escape); the draft written before comes back.
 * @csspart mute-notice - Shown instead of the composer while the user is muted here (SPEC §11): `mute-text` ("You are muted in this group until 18:30") and `mute-reason`.
 * @csspart mute-text - Where and until when the user may not send.
 * @csspart mute-reason - Why, in the words of whoever muted them.
 *
 * @cssproperty [--chat-message-composer-padding=0.75rem] - Padding around the composer.
 * @cssproperty [--chat-message-composer-max-height=10rem] - Tallest the text area grows.
 * @cssproperty [--chat-message-composer-input-color=var(--chat-color-surface-raised)] - Background of the text area.
 * @cssproperty [--chat-message-composer-popover-width=20rem] - Width of the emoji picker and the mention list.
 * @cssproperty [--chat-message-composer-emoji-size=1.375rem] - Size of an emoji in the picker.
 *
 * @fires {MessageSendEvent} message-send - A text is about to be sent (cancelable).
 */
export class MessageComposer extends LitElement {
  static override styles = styles;

  #locale = new LocaleController(this);

  /** Conversation to send to, `p2p:<user>` or `group:<id>`. */
  @property() accessor conversation = '';

  /** Placeholder of the text area; default: "Message" in the element's language. */
  @property() accessor placeholder = '';

  /** Turns the composer off (the host page decides when). */
  @property({ type: Boolean, reflect: true }) accessor disabled = false;

  /** `off`: no formatting shortcuts (the thread then shows text as written: set it there too). */
  @property() accessor formatting: 'on' | 'off' = 'on';

  /** File types the attach button offers (the file input's `accept`, e.g. `image/*`); default: any. */
  @property() accessor accept = '';

  /** Stickers offered in the emoji picker, `{key, url, label}`; one is sent as a face elem `{type: 'face', index, data: key}`. */
  @property({ attribute: false }) accessor stickers: Sticker[] = [];

  /** The client, from the nearest `<chat-session>`; or set it directly. */
  @consume({ context: chatClientContext, subscribe: true })
  @property({ attribute: false })
  accessor client: ChatClient | undefined = undefined;

  @state() private accessor draft = '';
  @state() private accessor fileError = '';
  @state() private accessor dragging = false;

  #mentions: Mention[] = [];
  #dragDepth = 0;

  /** The emoji picker, loaded and set up the first time it opens. */
  #emoji: EmojiPicker | undefined;

  #intent = new ComposeIntentBar(this, {
    client: () => this.client,
    conversation: () => this.conversation,
    draft: () => this.draft,
    setDraft: (text, preview) => {
      // An edit starts or ends: the text's own preview (an edited message's), or one asked for anew.
      this.#previews.reset();
      this.#previews.draftChanged(text, preview);
      this.draft = text;
      this.#mentions = [];
    },
    focusInput: () => {
      const input = this.#input;
      input?.focus();
      input?.setSelectionRange(input.value.length, input.value.length);
    },
  });

  /** The mention list, loaded and set up the first time an at sign is typed in a group. */
  #mentionList: MentionList | undefined;

  #drafts = new DraftKeeper(this, {
    client: () => this.client,
    conversation: () => this.conversation,
    editing: () => this.#intent.intent?.kind === 'edit',
  });

  #voice = new VoiceButton(this, {
    canRecord: () => this.#canAttach,
    // Failures show on the message in the thread (failed, with Resend), as for any file.
    send: (blob, duration) => void this.client?.sendFile(this.conversation as ConversationId, blob, { kind: 'sound', duration }).catch(() => {}),
  });

  #previews = new LinkPreviewBar(this, { client: () => this.client, enabled: () => this.#canAttach });

  #mute = new MuteNotice(this, { client: () => this.client, conversation: () => this.conversation });

  constructor() {
    super();
    this.addEventListener('dragenter', this.onDragEnter);
    this.addEventListener('dragover', this.onDragOver);
    this.addEventListener('dragleave', this.onDragLeave);
    this.addEventListener('drop', this.onDrop);
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('conversation')) {
      const next = this.#drafts.load();
      this.draft = next?.text ?? '';
      this.#mentions = next?.mentions ?? [];
      this.fileError = '';
      this.#mentionList?.reset();
      this.#emoji?.close(false);
      this.#previews.reset();
      this.#previews.draftChanged(this.draft);
    } else if (changed.has('draft')) {
      this.#drafts.save(this.draft, this.#mentions);
      this.#previews.draftChanged(this.draft);
    } else {
      const late = this.#drafts.arrived(this.draft);
      if (late) [this.draft, this.#mentions] = [late.text, late.mentions ?? []];
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('draft')) this.#fitHeight();
  }

  private onInput = (e: InputEvent) => {
    const input = e.target as HTMLTextAreaElement;
    this.draft = input.value;
    this.fileError = '';
    this.#voice.clearError();
    this.#syncMentions(input);
    if (this.draft.trim() && this.client && isConversationId(this.conversation)) this.client.sendTyping(this.conversation);
  };

  private onCaret = (e: Event) => {
    this.#syncMentions(e.target as HTMLTextAreaElement);
  };

  private onKeyDown = (e: KeyboardEvent) => {
    if (this.#mentionList?.keydown(e)) {
      // Escape too: an enclosing widget must not close its panel while the list is dismissed.
      e.preventDefault();
      e.stopPropagation();
      return;
    }
    const marker = this.formatting === 'off' ? undefined : formatKey(e);
    if (marker) {
      e.preventDefault();
      this.draft = applyMarker(e.target as HTMLTextAreaElement, marker);
      return;
    }
    // Escape ends a reply or an edit; Up in an empty composer edits the last own text.
    if (this.#intent.keydown(e)) {
      e.preventDefault();
      e.stopPropagation();
      return;
    }
    // Enter while an IME composes picks a candidate; it must not send.
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    this.send();
  };

  /** Follows the caret for the mention list; the first `@` typed in a group loads the list (a failed load lists nothing; the next `@` tries again). */
  #syncMentions(input: HTMLTextAreaElement): void {
    if (this.#mentionList) return this.#mentionList.sync(input);
    if (!this.conversation.startsWith('group:') || !input.value.includes('@')) return;
    loadMentionList().then((m) => {
      this.#mentionList ??= new m.MentionList(this, {
        client: () => this.client,
        conversation: () => this.conversation,
        insertMention: (start, end, mention) => {
          this.#mentions.push(mention);
          this.#insert(`@${mention.label} `, start, end);
        },
      });
      // Still typing there: the list follows the caret as it is now.
      if (this.shadowRoot?.activeElement === input) this.#mentionList.sync(input);
    }, () => {});
  }

  private onKeyUp = (e: KeyboardEvent) => {
    // The caret moved: an `@name` may have come under it, or left it.
    if (/^(Arrow|Home$|End$|Page)/.test(e.key)) this.onCaret(e);
  };

  private onPaste = (e: ClipboardEvent) => {
    const data = e.clipboardData;
    // Office and other rich-text apps put a picture of the copied text beside it: paste the text.
    if (!data || data.types.includes('text/rtf')) return;
    const files = filesOf(data);
    if (files.length === 0) return;
    e.preventDefault();
    this.#sendFiles(files);
  };

  private onSubmit = (e: SubmitEvent) => {
    e.preventDefault();
    this.send();
  };

  private onAttachClick = () => {
    this.renderRoot.querySelector<HTMLInputElement>('[part~="file-input"]')?.click();
  };

  private onEmojiClick = async () => {
    // The picker's module comes with the emoji list (fetched when the page is idle); a failed
    // load opens nothing, and the next press tries again.
    const loaded = this.#emoji ? undefined : await loadEmojiPicker().catch(() => null);
    if (loaded === null) return;
    this.#emoji ??= new loaded!.EmojiPicker(this, {
      stickers: () => this.stickers,
      insertEmoji: (char) => this.#insert(char),
      sendSticker: (index) => this.#sendSticker(index),
      focusInput: () => this.focus(),
    });
    this.#emoji.toggle();
  };

  private onFilesPicked = (e: Event) => {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    // Cleared so that picking the same file again fires `change` again.
    input.value = '';
    this.#sendFiles(files);
    this.focus();
  };

  private onDragEnter = (e: DragEvent) => {
    if (!dragHasFiles(e.dataTransfer) || !this.#canAttach) return;
    e.preventDefault();
    this.#dragDepth++;
    this.dragging = true;
  };

  private onDragOver = (e: DragEvent) => {
    if (!dragHasFiles(e.dataTransfer) || !this.#canAttach) return;
    // Without this the browser refuses the drop (and may open the file instead).
    e.preventDefault();
    e.dataTransfer!.dropEffect = 'copy';
    this.dragging = true;
  };

  private onDragLeave = () => {
    // Entering a child fires enter on it before leave on the parent: count, do not flicker.
    this.#dragDepth = Math.max(0, this.#dragDepth - 1);
    if (this.#dragDepth === 0) this.dragging = false;
  };

  private onDrop = (e: DragEvent) => {
    this.#dragDepth = 0;
    this.dragging = false;
    const files = filesOf(e.dataTransfer);
    if (files.length === 0 || !this.#canAttach) return;
    e.preventDefault();
    this.#sendFiles(files);
    this.focus();
  };

  #strings(): ComposerStrings {
    return composerStrings();
  }

  get #bytes(): number {
    return utf8Length(this.draft);
  }

  get #canAttach(): boolean {
    return !this.disabled && !!this.client && isConversationId(this.conversation);
  }

  get #canSend(): boolean {
    return this.#canAttach && this.draft.trim().length > 0 && this.#bytes <= LIMITS.textBytes;
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

  /** Puts `text` in place of `[start, end)` of the draft (default: the selection) and the caret after it. */
  #insert(text: string, start?: number, end?: number): void {
    const input = this.#input;
    if (!input) return;
    const from = start ?? input.selectionStart;
    const to = end ?? input.selectionEnd;
    input.focus();
    input.setRangeText(text, from, to, 'end');
    this.draft = input.value;
    this.#syncMentions(input);
  }

  #sendFiles(files: File[]): void {
    if (!this.#canAttach || !isConversationId(this.conversation)) return;
    const locale = formatLocale();
    const errors: string[] = [];
    const tooLarge = (file: File) => this.#strings().fileTooLarge(file.name || file.type, formatFileSize(file.size, locale, 1024), formatFileSize(limitOf(file), locale, 1024));
    for (const file of files) {
      // Checked here as well as in the client, so the refusal is shown before anything happens.
      if (isTooLarge(file)) {
        errors.push(tooLarge(file));
        continue;
      }
      const options = file.name ? { name: file.name } : {};
      this.client!.sendFile(this.conversation, file, options).catch((error: unknown) => {
        // Other failures leave the message failed in the thread, with its reason and Resend.
        if ((error as { name?: unknown } | null)?.name === 'FILE_TOO_LARGE') this.fileError = [this.fileError, tooLarge(file)].filter(Boolean).join(' ');
      });
    }
    this.fileError = errors.join(' ');
  }

  #sendSticker(index: number): void {
    const sticker = this.stickers[index];
    if (!sticker || !this.#canAttach || !isConversationId(this.conversation)) return;
    this.client!.send(this.conversation, { type: 'face', index, data: sticker.key }).catch(() => {});
    this.focus();
  }

  /**
   * Sends the draft and clears it at once. The message shows in `<chat-thread>` as sending;
   * if it fails it stays there with the reason and a resend control. Returns whether it sent.
   */
  send(): boolean {
    if (!this.#canSend || !isConversationId(this.conversation)) return false;
    const text = this.draft.trim();
    const atUsers = this.conversation.startsWith('group:') ? mentionedIds(text, this.#mentions) : [];
    if (!this.dispatchEvent(new MessageSendEvent(this.conversation, text, atUsers))) return false;
    // Failures are shown in the thread, so the promise needs no handling here.
    const preview = this.#previews.forText(text);
    const content = preview ? { type: 'text' as const, text, preview } : text;
    if (!this.#intent.send(text, atUsers, preview)) this.client!.send(this.conversation, content, atUsers.length > 0 ? { groupAtUserList: atUsers } : {}).catch(() => {});
    this.#previews.reset();
    this.draft = '';
    this.#mentions = [];
    this.#mentionList?.reset();
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
    // Muted here: nothing to write with, only why and until when (the draft stays kept).
    const block = this.#mute.block;
    if (block) return this.#mute.render(block);
    const t = composerStrings();
    const bytes = this.#bytes;
    const tooLong = bytes > LIMITS.textBytes;
    const nearLimit = bytes >= LIMITS.textBytes * COUNTER_FROM;
    const disabled = !this.#canAttach;
    const mentions = this.#mentionList;
    const mentionsOpen = !!mentions?.open;
    const activeMention = mentionsOpen ? mentions!.activeDescendant() : undefined;
    const describedBy = [nearLimit ? 'hint' : '', this.fileError ? 'file-error' : ''].filter(Boolean).join(' ');
    return html`
      ${this.dragging ? html`<div part="drop-zone" aria-hidden="true">${t.dropFiles}</div>` : nothing}
      ${this.#emoji?.render(t)} ${mentions?.render()} ${this.#intent.render()} ${this.#voice.renderBar()} ${this.#previews.render()}
      <form @submit=${this.onSubmit}>
        <button part="attach-button" type="button" aria-label=${t.attach} title=${t.attach} ?disabled=${disabled} @click=${this.onAttachClick}>
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z" />
          </svg>
        </button>
        <input part="file-input" type="file" multiple hidden tabindex="-1" accept=${this.accept || nothing} @change=${this.onFilesPicked} />
        <button
          part="emoji-button"
          type="button"
          aria-label=${t.emoji}
          title=${t.emoji}
          aria-haspopup="dialog"
          aria-expanded=${this.#emoji?.open ? 'true' : 'false'}
          aria-controls=${this.#emoji?.open ? EMOJI_PICKER_ID : nothing}
          ?disabled=${disabled}
          @click=${this.onEmojiClick}
        >
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path
              d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm-3.5-9a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm7 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM12 17.5a5.5 5.5 0 0 0 5.1-3.5H6.9a5.5 5.5 0 0 0 5.1 3.5z"
            />
          </svg>
        </button>
        <textarea
          part="input"
          rows="1"
          aria-label=${t.input}
          aria-invalid=${tooLong ? 'true' : 'false'}
          aria-describedby=${describedBy || nothing}
          aria-autocomplete=${this.conversation.startsWith('group:') ? 'list' : nothing}
          aria-controls=${activeMention ? MENTIONS_ID : nothing}
          aria-activedescendant=${activeMention ?? nothing}
          placeholder=${this.placeholder || t.placeholder}
          enterkeyhint="send"
          .value=${this.draft}
          ?disabled=${disabled}
          @input=${this.onInput}
          @keydown=${this.onKeyDown}
          @keyup=${this.onKeyUp}
          @click=${this.onCaret}
          @paste=${this.onPaste}
          @blur=${() => this.#mentionList?.reset()}
        ></textarea>
        ${this.draft === '' || this.#voice.recording ? this.#voice.renderButton(disabled) : nothing}
        <button part="send-button" type="submit" aria-label=${t.send} title=${t.send} ?disabled=${!this.#canSend}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" /></svg>
        </button>
      </form>
      <span class="visually-hidden" role="status">${mentionsOpen ? mentions!.status() : ''}</span>
      ${this.fileError ? html`<p id="file-error" part="file-error" role="alert">${this.fileError}</p>` : nothing}
      ${nearLimit ? this.#renderHint(t, bytes, tooLong) : nothing}
    `;
  }

  #renderHint(t: ComposerStrings, bytes: number, tooLong: boolean) {
    const n = (x: number) => formatNumber(x);
    return html`<p id="hint" part="hint" role=${tooLong ? 'alert' : nothing} ?data-error=${tooLong}>
      ${tooLong ? t.tooLong(n(bytes), n(LIMITS.textBytes)) : t.counter(n(bytes), n(LIMITS.textBytes))}
    </p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'message-composer': MessageComposer;
  }
}
