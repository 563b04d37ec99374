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
  /** The session is up (requests can be answered). */
  online(): boolean;
}

/** Loads older pages: on demand, and by itself when the "Load older" button scrolls into view. */
export class OlderLoader implements ReactiveController {
  /** A page is on its way. */
  loading = false;

  readonly #host: ReactiveControllerHost;
  readonly #deps: OlderLoaderDeps;
  #observer: IntersectionObserver | undefined;
  #observed: Element | undefined;
  /** A load failed: asked again the next time the session comes up, if the button is still in view. */
  #retry = false;
  #wasOnline = false;

  constructor(host: ReactiveControllerHost, deps: OlderLoaderDeps) {
    this.#host = host;
    this.#deps = deps;
    host.addController(this);
  }

  hostUpdated(): void {
    // The observer reports changes only: a button that stayed in view through a failed load
    // (asked before the session was ready, or cut by a disconnect) would leave a freshly opened
    // thread empty for good. Watching it afresh once the session is up reports it again. Only on
    // that transition, so a load the server refuses is not asked for in a loop.
    const online = this.#deps.online();
    if (this.#retry && online && !this.#wasOnline) {
      this.#retry = false;
      this.#observed = undefined;
    }
    this.#wasOnline = online;
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
      // Shown as the button staying there; the user can try again, and it is tried again by
      // itself when the session comes back (`hostUpdated`).
      this.#retry = true;
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
