import type { ReactiveControllerHost } from 'lit';
import type { ChatMessage } from '../../../client/types.js';
import { EmojiPicker } from '../../composer/emoji-picker.js';
import { changeStrings } from '../../i18n/changes.js';
import { composerStrings } from '../../i18n/composer.js';

/** What the thread does with a reaction picked for a message. */
export interface ReactionPickerDeps {
  /** Toggles the user's reaction with `emoji` on `m`. */
  react(m: ChatMessage, emoji: string): void;
  /** Gives focus back to the message's menu button (closed, or an emoji picked). */
  focusBack(m: ChatMessage): void;
}

/**
 * The full emoji picker for a reaction: the composer's picker (search, category tabs, grid; the
 * same keys) without stickers, named "More reactions", over the thread. Imported by
 * `./lazy-reaction-picker.ts` the first time someone asks for it.
 */
export class ReactionPicker {
  readonly #picker: EmojiPicker;
  #for: ChatMessage | undefined;

  constructor(host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment }, deps: ReactionPickerDeps) {
    this.#picker = new EmojiPicker(host, {
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
    });
  }

  get open(): boolean {
    return this.#picker.open;
  }

  show(m: ChatMessage): Promise<void> {
    this.#for = m;
    return this.#picker.show();
  }

  close(): void {
    this.#picker.close(false);
  }

  render() {
    const t = composerStrings();
    // The composer's labels, but the dialog is named for what it does here.
    return this.#picker.render(Object.create(t, { emoji: { value: changeStrings().moreReactions } }) as typeof t);
  }
}
