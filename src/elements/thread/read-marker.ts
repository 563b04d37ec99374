import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatClient, Conversation } from '../../client/types.js';
import type { ConversationId } from '../../protocol/ids.js';

interface ReadMarkerDeps {
  client(): ChatClient | undefined;
  target(): ConversationId | undefined;
  /** Whether the thread shows its newest message. */
  atBottom(): boolean;
  conversations(): readonly Conversation[];
}

/**
 * Marks the shown conversation read when the user can see its newest message: the thread is on
 * screen, the page is visible and the log is at the bottom. Asked again at each update while it
 * shows unread (`markRead` does nothing when it has nothing new to mark): after a reload, the
 * summaries (a last seq above the read one) come before the messages, and the message that comes
 * after the first mark is marked too (it was not while this kept one mark per last seq).
 */
export class ReadMarker implements ReactiveController {
  /** Whether the thread intersects the viewport. */
  visible = false;

  readonly #host: ReactiveControllerHost & Element;
  readonly #deps: ReadMarkerDeps;
  #observer: IntersectionObserver | undefined;

  constructor(host: ReactiveControllerHost & Element, deps: ReadMarkerDeps) {
    this.#host = host;
    this.#deps = deps;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.check);
    this.#observer = new IntersectionObserver((entries) => {
      const visible = entries.some((e) => e.isIntersecting);
      if (visible === this.visible) return;
      this.visible = visible;
      // Nothing shown depends on it: check now rather than render the host to get here.
      this.check();
    });
    this.#observer.observe(this.#host);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.check);
    this.#observer?.disconnect();
    this.#observer = undefined;
  }

  hostUpdated(): void {
    // markRead updates the stores the host renders from: let this update finish first.
    queueMicrotask(this.check);
  }

  /** Marks the conversation read if the user sees its newest message and it has unread ones. */
  check = (): void => {
    const target = this.#deps.target();
    const client = this.#deps.client();
    if (!target || !client || !this.visible || !this.#deps.atBottom() || document.visibilityState !== 'visible') return;
    const summary = this.#deps.conversations().find((c) => c.id === target);
    if (summary && (summary.unread > 0 || summary.readSeq < summary.lastSeq)) client.markRead(target);
  };
}
