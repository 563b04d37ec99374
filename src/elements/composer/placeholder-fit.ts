import type { ReactiveController, ReactiveControllerHost } from 'lit';

let context: CanvasRenderingContext2D | undefined;

/**
 * Picks the composer's default placeholder by the room its text area has: the full one ("Write a
 * message…") where it fits on the line, the short one ("Message") where it would not. Chromium
 * draws a text area's placeholder cut mid-word at the edge, without the ellipsis `text-overflow`
 * asks for (seen in Chromium 156), so at 320 px the full one read "Write a mess".
 */
export class PlaceholderFit implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #input: () => Element | null;
  #observed: Element | null = null;
  #full = '';
  #measured = '';
  #short = false;
  // Measures when the line changes width (and when first observed), not on each keystroke. A text
  // area not laid out (hidden, disconnected) has no room: nothing to decide until it has.
  readonly #observer = new ResizeObserver(([entry]) => {
    const room = entry!.contentRect.width;
    if (!room) return;
    context ??= document.createElement('canvas').getContext('2d')!;
    context.font = getComputedStyle(entry!.target).font;
    const short = context.measureText(this.#measured).width > room;
    if (short !== this.#short) {
      this.#short = short;
      this.#host.requestUpdate();
    }
  });

  constructor(host: ReactiveControllerHost, input: () => Element | null) {
    this.#host = host;
    this.#input = input;
    host.addController(this);
  }

  /** `full`, or `short` where `full` is wider than the text area's line. */
  pick(full: string, short: string): string {
    this.#full = full;
    return this.#short ? short : full;
  }

  hostUpdated(): void {
    // A new text area (after a mute notice stood in its place) or another text (the language
    // changed): observing it again measures it again.
    const input = this.#input();
    if (input && (input !== this.#observed || this.#full !== this.#measured)) {
      this.#observed = input;
      this.#measured = this.#full;
      this.#observer.disconnect();
      this.#observer.observe(input);
    }
  }
}
