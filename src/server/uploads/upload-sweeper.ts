import type { Logger } from '../core/logger.js';
import type { Clock } from '../core/types.js';
import type { FileIndex } from './file-index.js';
import type { FileStorage } from './file-storage.js';

/** Files looked at per round of a sweep (a sweep runs rounds until none is left). */
const BATCH = 500;

export interface UploadSweeperOptions {
  index: FileIndex;
  storage: FileStorage;
  clock: Clock;
  logger: Logger;
  /** Age after which a file that no message references is deleted. */
  ttlMs: number;
  /** Time between sweeps. */
  intervalMs: number;
}

export interface SweepResult {
  /** Files deleted from the index and storage. */
  files: number;
  /** Their bytes. */
  bytes: number;
}

export interface UploadSweeper {
  /** One sweep now (also what the timer runs); concurrent calls share one run. */
  sweep(): Promise<SweepResult>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/**
 * Deletes uploads that no message references once they are older than `ttlMs`, every
 * `intervalMs`. Idempotent, so every node of a cluster may run it: the index forgets a file
 * only if it is still unreferenced at that moment (one statement), and only the node whose
 * delete took the row removes the bytes. A file a message references is never deleted.
 */
export function startUploadSweeper(o: UploadSweeperOptions): UploadSweeper {
  let running: Promise<SweepResult> | undefined;
  let stopped = false;

  const run = async (): Promise<SweepResult> => {
    const result: SweepResult = { files: 0, bytes: 0 };
    const before = o.clock() - o.ttlMs;
    for (;;) {
      const batch = await o.index.listUnreferenced(before, BATCH);
      for (const file of batch) {
        if (stopped) break;
        if (!(await o.index.deleteUnreferenced(file.id))) continue;
        await o.storage.delete(file.id);
        result.files++;
        result.bytes += file.size;
      }
      if (stopped || batch.length < BATCH) break;
    }
    if (result.files > 0) o.logger.info({ ...result, ttlMs: o.ttlMs }, 'upload sweep: deleted unreferenced files');
    return result;
  };

  const sweep = () => {
    running ??= run().finally(() => (running = undefined));
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
