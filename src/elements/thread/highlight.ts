import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How long a row reached by a jump stays highlighted (ms). */
export const HIGHLIGHT_MS = 2400;

/**
 * Marks the row of a message reached by `jumpTo` (`data-highlight` on its `[data-row]`) for a
 * moment, so the eye finds it. The fade is CSS (`chat-thread.styles.ts`); under
 * `prefers-reduced-motion: reduce` it is a still tint for the same time, without the fade.
 */
export class RowHighlight implements ReactiveController {
  #key = '';
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #host: ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment };

  constructor(host: ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment }) {
    this.#host = host;
    host.addController(this);
  }

  /** The highlighted message key ('' when none). */
  get key(): string {
    return this.#key;
  }

  show(key: string): void {
    this.#clear();
    this.#key = key;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#clear(), HIGHLIGHT_MS);
    this.#host.requestUpdate();
  }

  hostUpdated(): void {
    if (!this.#key) return;
    for (const el of this.#host.renderRoot.querySelectorAll<HTMLElement>('[data-row]')) {
      el.toggleAttribute('data-highlight', el.dataset.row === this.#key);
    }
  }

  hostDisconnected(): void {
    this.#clear();
  }

  #clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#key) return;
    this.#key = '';
    for (const el of this.#host.renderRoot.querySelectorAll('[data-highlight]')) el.removeAttribute('data-highlight');
  }
}
