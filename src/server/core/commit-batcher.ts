import { traceSample, tracing } from './latency-trace.js';
import type { Store } from './store.js';
import type { CommitOutcome, MessageDraft } from './types.js';

/** Drafts waiting before a batch is committed beside another in flight (PostgreSQL's pool). */
const CONCURRENT_AFTER = 32;

/**
 * Told a draft's fate, by index, once its batch's transaction ends: one promise (the store's) per
 * batch, where a promise per draft and its two resolvers were garbage held until the commit.
 */
export interface CommitWaiter {
  committed(outcome: CommitOutcome): void;
  failed(err: unknown): void;
}

/** A promise's resolvers as a waiter (`submit`). */
class Settles implements CommitWaiter {
  constructor(
    readonly committed: (outcome: CommitOutcome) => void,
    readonly failed: (err: unknown) => void,
  ) {}
}

/**
 * Drafts of one turn after which a store that coalesces queued commits gets them before the turn
 * ends. Lower: more, smaller jobs (each a message to the writer and back, and sockets written
 * in more turns); higher: the writer waits longer for the first sends of a long turn.
 */
const POST_EARLY_AT = 64;

/**
 * Collects the drafts submitted during one event-loop turn and commits them in one store
 * transaction: one fsync for many messages is what makes durable acks cheap. Batches commit
 * one after another, so a later batch never gets lower seqs than an earlier one. While a
 * commit runs, new drafts wait and go together in the next one (group commit): with a store
 * whose commit takes several network round trips (PostgreSQL), batches of one turn each would
 * queue up behind each other and cap throughput at one turn's sends per commit.
 *
 * A store that applies commits in call order (one writer thread with a queue) gets the next
 * batch while it still commits the last: it never waits for the event loop to hear of one
 * commit and send the next, and each batch is what gathered during one commit, not two.
 * One that also takes every batch queued behind its running commit into its next transaction
 * (`coalescesQueuedCommits`: SQLite's writer thread) gets each turn's batch at once: a draft
 * then waits for the commit running when it came and for its own, not also for a batch held
 * back here until a reply came (a whole commit more, and the reply's way back through a busy loop).
 *
 * A store that commits concurrently (PostgreSQL's pool, `concurrentCommits`) gets several
 * batches at once, each with conversations none of the others in flight has: a draft whose
 * conversation is being committed waits, with every later draft of that conversation, for the
 * next batch, so seqs within a conversation still follow submission order. A second batch goes
 * beside one in flight only once `CONCURRENT_AFTER` drafts wait: at a few thousand sends a second
 * a commit's fixed cost (a pooled connection, a write and a read, a reply to parse: tens of µs on
 * the event loop, more in PostgreSQL) is then shared by the sends of a whole commit's time instead
 * of one turn's each (issue 23), and under a heavier load the batches still overlap.
 */
export class CommitBatcher {
  readonly #store: Store;
  readonly #maxBatch: number;
  /** Drafts waiting for a batch, their waiters at the same index (and, while tracing, when each came). */
  #pending: MessageDraft[] = [];
  #waiters: CommitWaiter[] = [];
  #submittedAt: number[] = [];
  #scheduled = false;
  /** Commits handed to the store and not yet answered. */
  #inFlight = 0;
  readonly #maxInFlight: number;
  /** Pending drafts at which a batch goes before the turn ends (a store that coalesces what is queued). */
  readonly #postEarlyAt: number;
  /** Conversations in a batch in flight, when batches may commit concurrently. */
  readonly #busy: Set<string> | undefined;
  #tail: Promise<void> = Promise.resolve();

  constructor(store: Store, maxBatch = 1000) {
    this.#store = store;
    this.#maxBatch = maxBatch;
    this.#maxInFlight = store.commitsInCallOrder ? (store.coalescesQueuedCommits ? Infinity : 2) : Math.max(1, store.concurrentCommits ?? 1);
    this.#busy = this.#maxInFlight > 1 && !store.commitsInCallOrder ? new Set() : undefined;
    this.#postEarlyAt = store.commitsInCallOrder && store.coalescesQueuedCommits ? POST_EARLY_AT : Infinity;
  }

  /** Resolves with the outcome once the draft's transaction has committed; rejects if it failed. */
  submit(draft: MessageDraft): Promise<CommitOutcome> {
    return new Promise((resolve, reject) => this.enqueue(draft, new Settles(resolve, reject)));
  }

  /** Tells `waiter` the outcome once the draft's transaction has committed, or that it failed. */
  enqueue(draft: MessageDraft, waiter: CommitWaiter): void {
    this.#pending.push(draft);
    this.#waiters.push(waiter);
    if (tracing()) this.#submittedAt[this.#pending.length - 1] = performance.now();
    // A long turn (many frames read, a commit's fan-out) need not keep an idle writer waiting:
    // these go now, the rest of the turn's at its end (the store commits them together if busy).
    if (this.#pending.length >= this.#postEarlyAt) this.#next();
    if (!this.#scheduled) {
      this.#scheduled = true;
      // setImmediate runs after the I/O callbacks of this turn, so every frame read in it joins.
      setImmediate(this.#flush);
    }
  }

  /** Resolves when everything submitted so far has committed or failed. */
  async drain(): Promise<void> {
    while (this.#pending.length > 0 || this.#scheduled || this.#inFlight > 0) {
      if (this.#scheduled) {
        this.#scheduled = false;
        this.#flush();
      }
      await this.#tail;
    }
    await this.#tail;
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    // Otherwise a running commit takes what gathered meanwhile when it ends.
    if (this.#inFlight === 0 || this.#mayOverlap()) this.#next();
  };

  /**
   * The next batch, its drafts and their waiters: the first `maxBatch` pending, or, when batches
   * commit concurrently, the first ones whose conversations no batch in flight holds (those stay
   * pending, in order). Traced submit times are dropped with what they timed.
   */
  #take(): { drafts: MessageDraft[]; waiters: CommitWaiter[]; at: number[] } {
    const busy = this.#busy;
    if (!busy) {
      const n = Math.min(this.#maxBatch, this.#pending.length);
      const taken = { drafts: this.#pending, waiters: this.#waiters, at: this.#submittedAt };
      if (n === this.#pending.length) {
        this.#pending = [];
        this.#waiters = [];
        this.#submittedAt = [];
        return taken;
      }
      return { drafts: this.#pending.splice(0, n), waiters: this.#waiters.splice(0, n), at: this.#submittedAt.splice(0, n) };
    }
    const taken = { drafts: [] as MessageDraft[], waiters: [] as CommitWaiter[], at: [] as number[] };
    const rest = { drafts: [] as MessageDraft[], waiters: [] as CommitWaiter[], at: [] as number[] };
    this.#pending.forEach((draft, i) => {
      const to = taken.drafts.length < this.#maxBatch && !busy.has(draft.key) ? taken : rest;
      to.drafts.push(draft);
      to.waiters.push(this.#waiters[i]!);
      if (this.#submittedAt[i] !== undefined) to.at.push(this.#submittedAt[i]!);
    });
    this.#pending = rest.drafts;
    this.#waiters = rest.waiters;
    this.#submittedAt = rest.at;
    for (const d of taken.drafts) busy.add(d.key);
    return taken;
  }

  /**
   * Commits the next batch. When it is done, the batch after it goes to the store before this
   * one's senders are resumed: their acks and fan-out then run while the store commits the next
   * batch, instead of the store waiting for them (with a writer thread, the two overlap).
   */
  #next(): void {
    if (this.#pending.length === 0) return;
    const { drafts, waiters, at } = this.#take();
    if (drafts.length === 0) return;
    this.#inFlight++;
    const posted = tracing() ? performance.now() : 0;
    if (posted) {
      traceSample('batch.size', drafts.length);
      traceSample('batch.inFlightBefore', this.#inFlight - 1);
      for (const t of at) traceSample('draft.waitForBatch', posted - t);
    }
    const done = (): void => {
      this.#inFlight--;
      if (posted) traceSample('batch.storeRoundTrip', performance.now() - posted);
      if (this.#busy) for (const d of drafts) this.#busy.delete(d.key);
      this.#next();
    };
    const commit = this.#store.commitMessages(drafts).then(
      (outcomes) => {
        done();
        for (let i = 0; i < waiters.length; i++) waiters[i]!.committed(outcomes[i]!);
      },
      (err: unknown) => {
        done();
        for (const w of waiters) w.failed(err);
      },
    );
    this.#tail = Promise.all([this.#tail, commit]).then(() => undefined);
    // More slots free and drafts of other conversations waiting: they go now, not after this one.
    if (this.#busy && this.#mayOverlap()) this.#next();
  }

  /** Whether another batch may go beside those in flight now (see the class comment). */
  #mayOverlap(): boolean {
    if (this.#inFlight >= this.#maxInFlight) return false;
    // A store that applies commits in call order takes the next batch at once (no busy set).
    return !this.#busy || this.#pending.length >= CONCURRENT_AFTER;
  }
}
