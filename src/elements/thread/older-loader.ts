import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatClient } from '../../client/types.js';
import type { ConversationId } from '../../protocol/ids.js';

/** Messages asked for per `loadOlder()`. */
const OLDER_PAGE = 100;

interface OlderLoaderDeps {
  client(): ChatClient | undefined;
  target(): ConversationId | undefined;
  hasOlder(): boolean;
  /** The scrolling log (root of the observer). */
  log(): HTMLElement | null;
  /** The "Load older" button, when it is shown. */
  button(): Element | null;
}

/** Loads older pages: on demand, and by itself when the "Load older" button scrolls into view. */
export class OlderLoader implements ReactiveController {
  /** A page is on its way. */
  loading = false;

  readonly #host: ReactiveControllerHost;
  readonly #deps: OlderLoaderDeps;
  #observer: IntersectionObserver | undefined;
  #observed: Element | undefined;

  constructor(host: ReactiveControllerHost, deps: OlderLoaderDeps) {
    this.#host = host;
    this.#deps = deps;
    host.addController(this);
  }

  hostUpdated(): void {
    this.#observe();
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
    this.#observed = undefined;
  }

  /** Loads the page before the oldest message held. Resolves when it arrived (or failed: the button stays). */
  async load(): Promise<void> {
    const target = this.#deps.target();
    const client = this.#deps.client();
    if (!target || !client || this.loading || !this.#deps.hasOlder()) return;
    this.loading = true;
    this.#host.requestUpdate();
    try {
      await client.loadOlder(target, OLDER_PAGE);
    } catch {
      // Shown as the button staying there; the user can try again.
    } finally {
      this.loading = false;
      this.#host.requestUpdate();
    }
  }

  #observe(): void {
    const el = this.#deps.button() ?? undefined;
    if (el === this.#observed) return;
    this.#observer?.disconnect();
    this.#observed = el;
    const log = this.#deps.log();
    if (!el || !log) return;
    if (this.#observer?.root !== log) {
      this.#observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((e) => e.isIntersecting)) void this.load();
        },
        { root: log, rootMargin: '200px 0px 0px 0px' },
      );
    }
    this.#observer.observe(el);
  }
}
