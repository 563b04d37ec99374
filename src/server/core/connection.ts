import type { Profile } from './types.js';

/** The session of an authenticated connection. */
export interface Session {
  userId: string;
  deviceId?: string;
  /** Profile snapshot stamped on this user's messages. */
  profile: Profile;
}

/**
 * One client connection as the core sees it: something that takes serialised frames. The
 * WebSocket gateway implements it; tests and the browser demo can too. No socket types here.
 */
export interface Connection {
  /** Unique across the cluster (a UUID): bus events name the origin connection by it. */
  readonly id: string;
  send(data: string): void;
  close(code: number, reason: string): void;
  /** Set by the core once `session.open` succeeds. */
  session?: Session;
  /** Set while `session.open` is being answered; later frames wait for it. */
  opening?: Promise<void>;
  /** Keeps one connection's sends in order through the async checks before commit: the last turn taken. */
  sendChain?: SendTurn;
}

/**
 * Takes the next place in `conn`'s send order (sends and changes, SPEC §9): `before` is what to
 * wait for (undefined when nothing of this connection is still before its commit), `release` is
 * called once this one has been handed to its commit (or refused). The last to release clears the chain, so a
 * connection that sends one thing at a time never waits a turn for an already settled promise.
 */
export function takeSendTurn(conn: Connection): SendTurn {
  const turn = new SendTurn(conn, conn.sendChain?.done());
  conn.sendChain = turn;
  return turn;
}

/**
 * One place in a connection's send order. The promise a later send waits on is made only when
 * one does: a connection usually sends one thing at a time, and a promise and its resolver per
 * send were garbage for every message.
 */
export class SendTurn {
  readonly before: Promise<unknown> | undefined;
  readonly #conn: Connection;
  #done: Promise<void> | undefined;
  #settle: (() => void) | undefined;

  constructor(conn: Connection, before: Promise<unknown> | undefined) {
    this.#conn = conn;
    this.before = before;
  }

  /** Settles once this turn is released (asked only of the connection's last turn, still held). */
  done(): Promise<void> {
    return (this.#done ??= new Promise<void>((r) => (this.#settle = r)));
  }

  /**
   * Ends this turn. One that ends before the turns ahead of it did (a send refused by its own
   * checks, which never waited for them) ends only after them: a later send waits for it, and
   * must not be handed over before those earlier ones.
   */
  release(): void {
    if (this.before) void this.before.then(() => this.#end());
    else this.#end();
  }

  #end(): void {
    this.#settle?.();
    if (this.#conn.sendChain === this) this.#conn.sendChain = undefined;
  }
}

/** The connections this node holds, by user. */
export class ConnectionRegistry {
  readonly #byUser = new Map<string, Set<Connection>>();
  /** Sessions being opened, by user: they hold a slot of the per-user limit until added or released. */
  readonly #opening = new Map<string, number>();

  /**
   * Takes one of `userId`'s `limit` slots for a session being opened, counting the open ones and
   * those still opening, synchronously: concurrent opens cannot all see a free slot across an
   * await. False when none is free. Give it back with `release` once added or refused.
   */
  reserve(userId: string, limit: number): boolean {
    const opening = this.#opening.get(userId) ?? 0;
    if ((this.#byUser.get(userId)?.size ?? 0) + opening >= limit) return false;
    this.#opening.set(userId, opening + 1);
    return true;
  }

  release(userId: string): void {
    const opening = (this.#opening.get(userId) ?? 0) - 1;
    if (opening > 0) this.#opening.set(userId, opening);
    else this.#opening.delete(userId);
  }

  add(userId: string, conn: Connection): void {
    let set = this.#byUser.get(userId);
    if (!set) this.#byUser.set(userId, (set = new Set()));
    set.add(conn);
  }

  remove(userId: string, conn: Connection): void {
    const set = this.#byUser.get(userId);
    if (!set) return;
    set.delete(conn);
    if (set.size === 0) this.#byUser.delete(userId);
  }

  of(userId: string): ReadonlySet<Connection> | undefined {
    return this.#byUser.get(userId);
  }

  isOnline(userId: string): boolean {
    return this.#byUser.has(userId);
  }

  *all(): Iterable<Connection> {
    for (const set of this.#byUser.values()) yield* set;
  }
}
