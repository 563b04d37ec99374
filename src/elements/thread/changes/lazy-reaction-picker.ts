import { nothing, type ReactiveControllerHost } from 'lit';
import type { ChatMessage } from '../../../client/types.js';
import type { ReactionPicker, ReactionPickerDeps } from './reaction-picker.js';

/**
 * The thread's reaction picker, loaded (`import()`) the first time a message's "More reactions"
 * is chosen: the picker and its emoji list cost the thread nothing until then.
 */
export class LazyReactionPicker {
  #picker: ReactionPicker | undefined;
  #loading: Promise<ReactionPicker> | undefined;
  readonly #host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };
  readonly #deps: ReactionPickerDeps;

  constructor(host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment }, deps: ReactionPickerDeps) {
    this.#host = host;
    this.#deps = deps;
  }

  /** Opens the picker for `m` (focus goes to its search field). */
  async show(m: ChatMessage): Promise<void> {
    this.#loading ??= import('./reaction-picker.js').then((mod) => (this.#picker = new mod.ReactionPicker(this.#host, this.#deps)));
    await (await this.#loading).show(m);
  }

  close(): void {
    this.#picker?.close();
  }

  render() {
    return this.#picker ? this.#picker.render() : nothing;
  }
}
