import { nothing, type ReactiveControllerHost } from 'lit';
import type { ChatMessage } from '../../../client/types.js';
import type { EmojiPicker } from '../../composer/emoji-picker.js';
import { loadEmojiPicker } from '../../composer/load-emoji-picker.js';
import { menuStrings } from '../../i18n/message-menu.js';
import { composerStrings } from '../../i18n/composer.js';

/** What the thread does with a reaction picked for a message. */
export interface ReactionPickerDeps {
  /** Toggles the user's reaction with `emoji` on `m`. */
  react(m: ChatMessage, emoji: string): void;
  /** Gives focus back to the message's menu button (closed, or an emoji picked). */
  focusBack(m: ChatMessage): void;
}

type PickerHost = ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };

/**
 * The full emoji picker for a reaction: the composer's picker (search, category tabs, grid; the
 * same keys) without stickers, named "More reactions", over the thread. It is set up the first
 * time it opens, and it and its emoji list are the composer's chunk, loaded then (`import()`), so
 * they cost the thread nothing until someone asks for them.
 */
export class ReactionPicker {
  #picker: EmojiPicker | undefined;
  #for: ChatMessage | undefined;
  readonly #host: PickerHost;
  readonly #deps: ReactionPickerDeps;

  constructor(host: PickerHost, deps: ReactionPickerDeps) {
    this.#host = host;
    this.#deps = deps;
  }

  async #create(): Promise<EmojiPicker> {
    const deps = this.#deps;
    const { EmojiPicker } = await loadEmojiPicker();
    return (this.#picker ??= new EmojiPicker(this.#host, {
      stickers: () => [],
      insertEmoji: (emoji) => {
        const m = this.#for;
        if (!m) return;
        deps.react(m, emoji);
        deps.focusBack(m);
      },
      sendSticker: () => {},
      focusInput: () => this.#for && deps.focusBack(this.#for),
      // Opened from a menu that closes as it opens: no button of its own.
      button: () => null,
    }));
  }

  get open(): boolean {
    return this.#picker?.open ?? false;
  }

  /** Opens the picker for `m` (focus goes to its search field), loading it first the first time. */
  async show(m: ChatMessage): Promise<void> {
    this.#for = m;
    await (this.#picker ?? (await this.#create())).show();
  }

  close(): void {
    this.#picker?.close(false);
  }

  render() {
    if (!this.#picker) return nothing;
    const t = composerStrings();
    // The composer's labels, but the dialog is named for what it does here.
    return this.#picker.render(Object.create(t, { emoji: { value: menuStrings().moreReactions } }) as typeof t);
  }
}
