import type { ReactiveControllerHost } from 'lit';

/** Longest a timer may wait (setTimeout's limit); a later time is looked at again then. */
const MAX_WAIT = 2 ** 31 - 1;

/**
 * Redraws its host when something it shows runs out on its own, e.g. a mute the server lets
 * lapse without a word (SPEC §11). The host says, each time it renders, the soonest such time;
 * one timer waits for it, kept while the time stays the same and cleared on disconnect.
 */
export class WakeController {
  readonly #host: ReactiveControllerHost;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timedFor: number | undefined;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController({ hostDisconnected: () => this.at(undefined) });
  }

  /** Redraws the host just after `at` (epoch ms); `undefined` cancels. The soonest of many: `Math.min`. */
  at(at: number | undefined): void {
    if (at === this.#timedFor) return;
    clearTimeout(this.#timer);
    this.#timedFor = at;
    if (at === undefined) return;
    this.#timer = setTimeout(() => {
      this.#timedFor = undefined;
      this.#host.requestUpdate();
    }, Math.min(Math.max(at - Date.now(), 0) + 50, MAX_WAIT));
  }
}
