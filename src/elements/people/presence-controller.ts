import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PresenceState, PresenceTracker } from '../../client/presence.js';
import type { ChatClient } from '../../client/types.js';

/** How often a shown "last seen … ago" is written again. */
const TICK_MS = 30_000;

/**
 * Gives an element the presence of people (SPEC §13) from its client's `presence()` tracker,
 * loaded the first time an element that shows presence renders with a client (never while its
 * `hide-presence` is set), and re-renders it when presence changes and, when it shows last seen
 * (`ticks`), every half minute while connected so a "last seen 5 minutes ago" stays true.
 */
export class PresenceController implements ReactiveController {
  /** The tracker, once loaded (undefined while hidden, without a client, or loading). */
  tracker: PresenceTracker | undefined;

  readonly #host: ReactiveControllerHost;
  readonly #client: () => ChatClient | undefined;
  readonly #on: () => boolean;
  #for: ChatClient | undefined;
  #unlisten: Array<() => void> = [];
  #tick: ReturnType<typeof setInterval> | undefined;
  #connected = false;

  readonly #ticks: boolean;

  constructor(host: ReactiveControllerHost, client: () => ChatClient | undefined, on: () => boolean, ticks = true) {
    this.#host = host;
    this.#client = client;
    this.#on = on;
    this.#ticks = ticks;
    host.addController(this);
  }

  /** The presence of `userId`, when shown: undefined while hidden, off for the site, or not known. */
  of(userId: string): PresenceState | undefined {
    if (!this.#on() || !this.tracker?.$enabled.get()) return undefined;
    return this.tracker.$presence.get()[userId];
  }

  hostConnected(): void {
    this.#connected = true;
    if (this.#ticks) this.#tick = setInterval(() => this.tracker && this.#on() && this.#host.requestUpdate(), TICK_MS);
  }

  hostUpdate(): void {
    const client = this.#on() ? this.#client() : undefined;
    if (!this.#connected || client === this.#for) return;
    this.#drop();
    this.#for = client;
    if (!client || typeof client.presence !== 'function') return;
    client.presence().then(
      (tracker) => {
        if (this.#for !== client || !this.#connected) return;
        this.tracker = tracker;
        const update = () => this.#host.requestUpdate();
        this.#unlisten = [tracker.$presence.listen(update), tracker.$enabled.listen(update), tracker.$visible.listen(update)];
        update();
      },
      (err: unknown) => console.warn('[natter] presence failed to load', err),
    );
  }

  hostDisconnected(): void {
    this.#connected = false;
    clearInterval(this.#tick);
    this.#drop();
    this.#for = undefined;
  }

  #drop(): void {
    for (const off of this.#unlisten) off();
    this.#unlisten = [];
    this.tracker = undefined;
  }
}
