import type { Store } from './store.js';
import type { CommitOutcome, MessageDraft } from './types.js';

interface Pending {
  draft: MessageDraft;
  resolve(outcome: CommitOutcome): void;
  reject(err: unknown): void;
}

/**
 * Collects the drafts submitted during one event-loop turn and commits them in one store
 * transaction: one fsync for many messages is what makes durable acks cheap. Batches commit
 * one after another, so a later batch never gets lower seqs than an earlier one.
 */
export class CommitBatcher {
  readonly #store: Store;
  readonly #maxBatch: number;
  #pending: Pending[] = [];
  #scheduled = false;
  #tail: Promise<void> = Promise.resolve();

  constructor(store: Store, maxBatch = 1000) {
    this.#store = store;
    this.#maxBatch = maxBatch;
  }

  /** Resolves with the outcome once the draft's transaction has committed; rejects if it failed. */
  submit(draft: MessageDraft): Promise<CommitOutcome> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ draft, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // setImmediate runs after the I/O callbacks of this turn, so every frame read in it joins.
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Resolves when everything submitted so far has committed or failed. */
  async drain(): Promise<void> {
    while (this.#pending.length > 0 || this.#scheduled) {
      if (this.#scheduled) {
        this.#scheduled = false;
        this.#flush();
      }
      await this.#tail;
    }
    await this.#tail;
  }

  #flush(): void {
    this.#scheduled = false;
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#maxBatch);
      this.#tail = this.#tail.then(() => this.#commit(batch));
    }
  }

  async #commit(batch: Pending[]): Promise<void> {
    try {
      const outcomes = await this.#store.commitMessages(batch.map((p) => p.draft));
      batch.forEach((p, i) => p.resolve(outcomes[i]!));
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}
