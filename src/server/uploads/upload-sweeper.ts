import type { Logger } from '../core/logger.js';
import type { Store } from '../core/store.js';
import type { Clock } from '../core/types.js';
import type { FileIndex, FileRecord } from './file-index.js';
import type { FileStorage } from './file-storage.js';
import { confirmRefs, PENDING_CHECKED } from './ref-check.js';

/** Files looked at per round of a sweep (a sweep runs rounds until none is left). */
const BATCH = 500;

export interface UploadSweeperOptions {
  index: FileIndex;
  storage: FileStorage;
  /** Where the messages of pending references are looked up. */
  store: Pick<Store, 'findMessage'>;
  clock: Clock;
  logger: Logger;
  /** Age after which a file that no message references is deleted. */
  ttlMs: number;
  /** Time between sweeps. */
  intervalMs: number;
  /**
   * Longest one sweep may run: then it is abandoned (it stops at its next step) and the next
   * sweep starts afresh. Default `intervalMs`, at least a minute.
   */
  timeoutMs?: number;
}

export interface SweepResult {
  /** Files deleted from the index and storage. */
  files: number;
  /** Their bytes. */
  bytes: number;
}

export interface UploadSweeper {
  /** One sweep now (also what the timer runs); concurrent calls share one run, which rejects past its timeout. */
  sweep(): Promise<SweepResult>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/**
 * Deletes uploads that no stored message references once they are older than `ttlMs`, every
 * `intervalMs`. A reference is recorded before its message commits, so one not yet confirmed
 * is looked up in the store: found, it is confirmed and the file stays; not found at two
 * sweeps in a row, it is stale (the commit never happened) and does not keep the file.
 * Idempotent, so every node of a cluster may run it: the index forgets a file only if it is
 * still unconfirmed with the references looked at (one statement), and only the node whose
 * delete took the row removes the bytes.
 */
export function startUploadSweeper(o: UploadSweeperOptions): UploadSweeper {
  const timeoutMs = o.timeoutMs ?? Math.max(o.intervalMs, 60_000);
  let running: Promise<SweepResult> | undefined;
  let stopped = false;

  /** Whether `file` (unconfirmed and old) goes now: its pending references are checked first. */
  const expired = async (file: FileRecord): Promise<number | undefined> => {
    const pending = await o.index.listPendingRefs({ fileId: file.id }, PENDING_CHECKED);
    if (pending.length === PENDING_CHECKED) return undefined;
    const missing = await confirmRefs(o.index, o.store, pending);
    if (missing.length < pending.length) return undefined;
    // A message not found may be committing right now: it must be missing at two sweeps.
    const first = missing.filter((r) => r.state === 'unchecked');
    if (first.length > 0) {
      await o.index.markRefs(first, 'missing');
      return undefined;
    }
    return pending.length;
  };

  const run = async (signal: AbortSignal): Promise<SweepResult> => {
    const over = () => stopped || signal.aborted;
    const result: SweepResult = { files: 0, bytes: 0 };
    const before = o.clock() - o.ttlMs;
    let after: FileRecord | undefined;
    for (;;) {
      const batch = await o.index.listUnreferenced(before, BATCH, after);
      for (const file of batch) {
        if (over()) break;
        const refCount = await expired(file);
        if (refCount === undefined || !(await o.index.deleteUnreferenced(file.id, refCount))) continue;
        await o.storage.delete(file.id);
        result.files++;
        result.bytes += file.size;
      }
      after = batch.at(-1);
      if (over() || batch.length < BATCH) break;
    }
    if (!over() && o.storage.sweepTemporaries) {
      const temporaries = await o.storage.sweepTemporaries(before);
      if (temporaries > 0) o.logger.info({ temporaries, ttlMs: o.ttlMs }, 'upload sweep: deleted interrupted uploads');
    }
    if (result.files > 0) o.logger.info({ ...result, ttlMs: o.ttlMs }, 'upload sweep: deleted unreferenced files');
    return result;
  };

  /**
   * A run bounded by `timeoutMs`: one whose storage or index call never returns (a connection
   * that hangs) would otherwise be the shared run of every later sweep, and stop() would wait
   * for it for ever. Abandoned, it may still finish its call; a sweep is idempotent, so the next
   * one running beside it is safe.
   */
  const bounded = () => {
    const signal = AbortSignal.timeout(timeoutMs);
    return new Promise<SweepResult>((resolve, reject) => {
      const abandon = () => reject(new Error(`upload sweep abandoned after ${timeoutMs} ms`));
      signal.addEventListener('abort', abandon, { once: true });
      run(signal).then(resolve, reject).finally(() => signal.removeEventListener('abort', abandon));
    });
  };
  const sweep = () => {
    running ??= bounded().finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => {
    sweep().catch((err: unknown) => o.logger.error({ err }, 'upload sweep failed'));
  }, o.intervalMs);
  timer.unref();

  return {
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
