import { WebSocket } from 'ws';
import type { ClientFrame, ServerFrame, ServerFrameOf, ServerFrameType } from '../../../src/protocol/index.js';
import { GUARD_MS } from '../../guard.js';

/**
 * How long a wait for an expected frame lasts before the test fails: a guard against a frame that
 * never comes, not a bound on how soon it comes. A server's first message commit starts its SQLite
 * writer and checkpointer threads (sqlite-store.ts: lazily, by design); on two cores at load 30-40
 * that took 1.5-2.5 s and sometimes over 5 s, the old value here: friends.test.ts's first send
 * timed out waiting for its ack in 1 of 3 runs of the file and in a run of test:node:servers.
 */
const WAIT_MS = GUARD_MS;

/**
 * A raw WebSocket test client: every frame the server sends is queued, and tests await the
 * frames they expect (with a deadline) instead of sleeping.
 */
export class TestSocket {
  readonly ws: WebSocket;
  readonly received: ServerFrame[] = [];
  #cursor = 0;
  #waiters = new Set<() => void>();
  closed: { code: number; reason: string } | undefined;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()) as ServerFrame);
      for (const w of this.#waiters) w();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const w of this.#waiters) w();
    });
  }

  static async connect(url: string): Promise<TestSocket> {
    const ws = new WebSocket(url);
    const socket = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return socket;
  }

  send(frame: ClientFrame | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** The next not-yet-consumed frame matching `type` (and `where`); earlier others stay queued. */
  async next<T extends ServerFrameType>(type: T, where: (f: ServerFrameOf<T>) => boolean = () => true, ms = WAIT_MS): Promise<ServerFrameOf<T>> {
    return this.#waitFor(() => {
      for (let i = this.#cursor; i < this.received.length; i++) {
        const f = this.received[i]!;
        if (f.type === type && where(f as ServerFrameOf<T>)) {
          this.received.splice(i, 1);
          return f as ServerFrameOf<T>;
        }
      }
      return undefined;
    }, `${type}`, ms);
  }

  /** The next not-yet-consumed frame of any of `types` (and matching `where`). */
  async nextOf<T extends ServerFrameType>(types: T[], ms = WAIT_MS, where: (f: ServerFrameOf<T>) => boolean = () => true): Promise<ServerFrameOf<T>> {
    return this.#waitFor(() => {
      const i = this.received.findIndex((f) => (types as string[]).includes(f.type) && where(f as ServerFrameOf<T>));
      return i < 0 ? undefined : (this.received.splice(i, 1)[0] as ServerFrameOf<T>);
    }, types.join('|'), ms);
  }

  /** Every frame up to and including the first of `type`, consuming them. */
  async until<T extends ServerFrameType>(type: T, ms = WAIT_MS): Promise<ServerFrame[]> {
    return this.#waitFor(() => {
      const i = this.received.findIndex((f) => f.type === type);
      return i < 0 ? undefined : this.received.splice(0, i + 1);
    }, `${type}`, ms);
  }

  /** Resolves when the server closed the socket. */
  async closedBy(ms = WAIT_MS): Promise<{ code: number; reason: string }> {
    return this.#waitFor(() => this.closed, 'close', ms);
  }

  /** Frames of `type` received so far and not consumed. */
  pending<T extends ServerFrameType>(type: T): ServerFrameOf<T>[] {
    return this.received.filter((f) => f.type === type) as ServerFrameOf<T>[];
  }

  /** Proves the server has handled everything sent before: a ping round trip (frames are ordered). */
  async roundTrip(): Promise<void> {
    const reqId = `rt-${Math.random().toString(36).slice(2)}`;
    this.send({ type: 'ping', reqId });
    await this.next('pong', (f) => f.reqId === reqId);
  }

  close(): void {
    this.ws.close();
  }

  #waitFor<R>(check: () => R | undefined, what: string, ms: number): Promise<R> {
    const found = check();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}; pending: ${this.received.map((f) => f.type).join(', ')}`));
      }, ms);
      const waiter = () => {
        const r = check();
        if (r === undefined) return;
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve(r);
      };
      this.#waiters.add(waiter);
    });
  }
}
