/**
 * Session opens' steps a turn of the event loop. A burst of new connections (500 at once, each
 * opening a session) ran every open's steps back to back: the token checks as the frames arrived,
 * then, once the writer thread had committed their users in one batch, every open's blocklist,
 * `session.ready`, registration, mutes and catch-up in the same turn, while every other socket of
 * the node waited (another user's ping 260–310 ms behind a 500-connect burst on SQLite). Each step
 * now takes a share: at most OPEN_STEPS_PER_TURN a turn, the rest wait for later turns in the order
 * they came, and other sockets' frames are read in between.
 */
export const OPEN_STEPS_PER_TURN = 8;

/**
 * Runs `f` in the next turn of the event loop: on Node after the waiting I/O (setImmediate; a timer
 * waits 1 ms or more a turn, which doubled a 1,000-conversation open); a timer where there is no
 * setImmediate (core also runs in a browser, in the demo's in-page server).
 */
export const later: (f: () => void) => void = typeof setImmediate === 'function' ? (f) => void setImmediate(f) : (f) => void setTimeout(f, 0);

export class OpenTurns {
  #taken = 0;
  #ticking = false;
  readonly #waiting: (() => void)[] = [];
  #from = 0;

  constructor(private readonly perTurn = OPEN_STEPS_PER_TURN) {}

  /** Undefined when this turn has a share left (go on at once), else a promise resolved in a later turn, first come first served. */
  take(): Promise<void> | undefined {
    this.#tick();
    if (this.#taken < this.perTurn && this.#from === this.#waiting.length) {
      this.#taken++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** A turn's end: the share is renewed and the next waiting steps go on. */
  #tick(): void {
    if (this.#ticking) return;
    this.#ticking = true;
    later(this.#turn);
  }

  readonly #turn = (): void => {
    this.#ticking = false;
    this.#taken = 0;
    const q = this.#waiting;
    while (this.#from < q.length && this.#taken < this.perTurn) {
      this.#taken++;
      const resolve = q[this.#from]!;
      q[this.#from++] = undefined as never;
      resolve();
    }
    if (this.#from === q.length) {
      q.length = 0;
      this.#from = 0;
    }
    if (this.#taken > 0) this.#tick();
  };
}
