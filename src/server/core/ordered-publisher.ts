import { PUBLISHED, type Bus, type BusEvent } from './bus.js';
import { traceSample, tracing } from './latency-trace.js';

/** Told once an event is on the bus, or that reading its recipients or publishing it failed. */
export interface PublishWaiter {
  published(event: BusEvent): void;
  unpublished(err: unknown): void;
}

/** A promise's resolvers as a waiter (`publish`). */
class Settles implements PublishWaiter {
  constructor(
    readonly published: (event: BusEvent) => void,
    readonly unpublished: (err: unknown) => void,
  ) {}
}

interface Entry {
  key: string;
  seq: number;
  /** The event once known (set by its own reaction when its recipients were being read). */
  event: BusEvent | undefined;
  failed: { err: unknown } | undefined;
  waiter: PublishWaiter;
}

/**
 * Hands each conversation's stored events (messages and changes) to the bus in seq order
 * (SPEC §2), whatever order they were ready in. Two things would reorder them otherwise:
 * - an ordinary group message waits for the group's member list, while a targeted message, or a
 *   change with a known audience, has its recipients at once and would overtake it;
 * - one store reply can settle several commits, and the promise chains behind them resume in no
 *   particular seq order (SQLite's writer settles a job's changes before its messages).
 * A device given seq n+1 before seq n fetches a gap that is not one.
 *
 * Events handed over during one pass of the event loop's poll phase are sorted by seq after it
 * (one `setImmediate` per pass, no I/O wait): PostgreSQL answers two commits of a conversation on
 * two pool connections, and when both answers are read in one pass their callbacks run in socket
 * order, not commit order (a `process.nextTick` flush sorted each callback's events alone; under
 * load the publish-order test failed on PostgreSQL once in about 16 runs). An event then waits
 * only for events of its conversation handed over before it whose recipients are still being read. The bus keeps publish-call order (bus.ts), so only
 * the calls are ordered: an event never waits for the one before it to reach the bus.
 *
 * A store that answers each transaction in one task, in commit order (`afterTask`: SQLite's
 * writer, one reply a transaction over one port), has its events sorted when that task ends (a
 * `process.nextTick`, which runs once the task's promise reactions are all done): a reply's
 * sends are then fanned out and acked before the rest of the poll phase's frames are read and
 * checked, and their frames go out at the end of this turn (TurnWriter), where a pass in a
 * `setImmediate` had them wait for the next turn's. Replies read in one pass are tasks in
 * commit order, so nothing needs sorting across them.
 */
export class OrderedPublisher {
  readonly #bus: Bus;
  /** Per conversation: events handed over and not yet given to the bus, in seq order. */
  readonly #queues = new Map<string, Entry[]>();
  /** Handed over during this pass, not yet sorted into the queues. */
  #incoming: Entry[] = [];

  /** Sorts and publishes the handed-over events: when the task ends, or after the poll phase. */
  readonly #schedule: (flush: () => void) => void;

  constructor(bus: Bus, afterTask = false) {
    this.#bus = bus;
    this.#schedule = afterTask ? process.nextTick : setImmediate;
  }

  /**
   * Publishes `event` (seq `seq` of conversation `key`) after the events of `key` with lower
   * seqs handed over before or during this pass of the poll phase. Resolves with the event once the bus has it;
   * rejects if reading its recipients or publishing failed, which holds back nothing after it.
   */
  publish(key: string, seq: number, event: BusEvent | Promise<BusEvent>): Promise<BusEvent> {
    return new Promise<BusEvent>((resolve, reject) => this.enqueue(key, seq, event, new Settles(resolve, reject)));
  }

  /** As `publish`, telling `waiter` instead of settling a promise of its own (a send: one object less held). */
  enqueue(key: string, seq: number, event: BusEvent | Promise<BusEvent>, waiter: PublishWaiter): void {
    const entry: Entry = { key, seq, event: undefined, failed: undefined, waiter };
    // One reaction per event, made now: once the recipients are known the entry is ready, and a
    // queue's settled events then go out in one loop (waiting its turn as the head, each took
    // two promise hops of its own, one event after the other).
    if (event instanceof Promise) {
      event.then(
        (e) => this.#settled(entry, e, undefined),
        (err: unknown) => this.#settled(entry, undefined, { err }),
      );
    } else entry.event = event;
    this.#incoming.push(entry);
    if (this.#incoming.length === 1) this.#schedule(this.#flush);
  }

  /** An event's recipients are known (or failed to be): it goes out now if it heads its conversation's queue. */
  #settled(entry: Entry, event: BusEvent | undefined, failed: { err: unknown } | undefined): void {
    entry.event = event;
    entry.failed = failed;
    // Still in `#incoming`: the flush drains it.
    if (this.#queues.get(entry.key)?.[0] === entry) this.#drain(entry.key);
  }

  /** Sorts this pass's events into their conversations' queues and publishes what is ready. */
  readonly #flush = (): void => {
    // The pass's own time (its events' fan-out and acks, held for the socket writer), while tracing.
    const started = tracing() ? performance.now() : 0;
    const incoming = this.#incoming;
    this.#incoming = [];
    // Conversations whose queue's head may be ready: those queued anew in this pass, and those
    // given an event before their waiting head. A queue left from an earlier pass waits for its
    // head's recipients (`#settled` drains it), so an event appended to it has nothing to drain.
    // (A set of every conversation touched, and a splice per event, were garbage of every pass.)
    const heads: string[] = [];
    for (const entry of incoming) {
      const queue = this.#queues.get(entry.key);
      if (!queue) {
        this.#queues.set(entry.key, [entry]);
        heads.push(entry.key);
        continue;
      }
      // Usually appended; a resend's older event goes before the later ones still waiting.
      let i = queue.length;
      while (i > 0 && queue[i - 1]!.seq > entry.seq) i--;
      if (i === queue.length) queue.push(entry);
      else queue.splice(i, 0, entry);
      if (i === 0) heads.push(entry.key);
    }
    for (const key of heads) this.#drain(key);
    if (started) {
      traceSample('publish.pass', performance.now() - started);
      traceSample('publish.passEvents', incoming.length);
    }
  };

  #drain(key: string): void {
    const queue = this.#queues.get(key);
    if (!queue) return;
    while (queue.length > 0) {
      const head = queue[0]!;
      if (!head.event && !head.failed) return; // its recipients are still being read: `#settled` drains on
      queue.shift();
      const waiter = head.waiter;
      if (head.failed) {
        waiter.unpublished(head.failed.err);
        continue;
      }
      const event = head.event!;
      let published: Promise<void>;
      try {
        published = this.#bus.publish(event);
      } catch (err) {
        published = Promise.reject(err);
      }
      // Delivered already (the in-process bus): told now, not by a reaction a microtask later.
      if (published === PUBLISHED) waiter.published(event);
      else published.then(() => waiter.published(event), (err: unknown) => waiter.unpublished(err));
    }
    this.#queues.delete(key);
  }
}
