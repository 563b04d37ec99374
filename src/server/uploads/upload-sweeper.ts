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
  /** Files whose bytes this sweep deleted (the index had forgotten them: now, or in a sweep cut short). */
  files: number;
  /** Their bytes. */
  bytes: number;
}

export interface UploadSweeper {
  /** One sweep now (also what the timer runs); concurrent calls share one run, which rejects past its timeout. */
  sweep(): Promise<SweepResult>;
  /** Stops the timer and abandons a sweep in progress (the next start's sweeps finish its work). */
  stop(): Promise<void>;
}

/**
 * Deletes uploads that no stored message references once they are older than `ttlMs`, every
 * `intervalMs`. A reference is recorded before its message commits, so one not yet confirmed
 * is looked up in the store: found, it is confirmed and the file stays; not found at two
 * sweeps in a row, it is stale (the commit never happened) and does not keep the file.
 * Idempotent, so every node of a cluster may run it: the index forgets a file only if it is
 * still unconfirmed with the references looked at (one statement), so no message can name it
 * afterwards; only then are its bytes deleted. The index keeps the forgotten file among its
 * deleted files until the bytes are gone, so a delete that fails, hangs or is cut off by a
 * crash is done again by a later sweep (of any node) instead of leaving bytes no row names.
 */
export function startUploadSweeper(o: UploadSweeperOptions): UploadSweeper {
  const timeoutMs = o.timeoutMs ?? Math.max(o.intervalMs, 60_000);
  let running: Promise<SweepResult> | undefined;
  let stopped = false;
  /** Abandons the run in progress (stop() calls it). */
  let abandonRunning: ((why: string) => void) | undefined;

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

  /** Whether the bytes of `id` are gone from storage (a failure is logged: the next sweep tries again). */
  const deleted = async (id: string): Promise<boolean> => {
    try {
      await o.storage.delete(id);
      return true;
    } catch (err) {
      o.logger.warn({ err, file: id }, 'upload sweep: deleting the bytes of a forgotten file failed; the next sweep tries again');
      return false;
    }
  };

  /** Deletes the bytes of the files the index forgot; one that fails stays listed for the next sweep. */
  const deleteBytes = async (over: () => boolean, result: SweepResult) => {
    let after: string | undefined;
    for (;;) {
      const batch = await o.index.listDeleted(BATCH, after);
      for (const file of batch) {
        if (over()) return;
        // Indexed again since (an upload that outlasted the TTL and completed after its
        // reservation was forgotten): the bytes are a live file's and stay.
        const live = (await o.index.getFile(file.id)) !== undefined;
        if (!live && !(await deleted(file.id))) continue;
        if (!(await o.index.clearDeleted(file.id)) || live) continue;
        result.files++;
        result.bytes += file.size;
      }
      after = batch.at(-1)?.id;
      if (batch.length < BATCH) return;
    }
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
        if (refCount !== undefined) await o.index.deleteUnreferenced(file.id, refCount);
      }
      after = batch.at(-1);
      if (over() || batch.length < BATCH) break;
    }
    if (!over()) await deleteBytes(over, result);
    if (!over() && o.storage.sweepTemporaries) {
      const temporaries = await o.storage.sweepTemporaries(before);
      if (temporaries > 0) o.logger.info({ temporaries, ttlMs: o.ttlMs }, 'upload sweep: deleted interrupted uploads');
    }
    if (result.files > 0) o.logger.info({ ...result, ttlMs: o.ttlMs }, 'upload sweep: deleted unreferenced files');
    return result;
  };

  /**
   * A run bounded by `timeoutMs` and by stop(): one whose storage or index call never returns
   * (a connection that hangs) would otherwise be the shared run of every later sweep, and stop()
   * would wait for it until the timeout. Abandoned, it may still finish its call; a sweep is
   * idempotent, so the next one running beside it is safe.
   */
  const bounded = () => {
    const controller = new AbortController();
    return new Promise<SweepResult>((resolve, reject) => {
      const abandon = (why: string) => {
        controller.abort();
        reject(new Error(`upload sweep abandoned ${why}`));
      };
      const timer = setTimeout(() => abandon(`after ${timeoutMs} ms`), timeoutMs);
      timer.unref();
      abandonRunning = abandon;
      run(controller.signal).then(resolve, reject).finally(() => clearTimeout(timer));
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
      if (running) abandonRunning?.('as the server stops');
      await running?.catch(() => undefined);
    },
  };
}
