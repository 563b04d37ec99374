import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Checkpoints a WAL-mode SQLite file from a worker thread. A checkpoint copies committed pages
 * from the WAL into the database file (reads, writes, an fsync of the file); run by the
 * committing connection (SQLite's default every 1000 pages) it stalls the event loop for
 * milliseconds at a time and was about a third of each commit's cost under load. Here a second
 * connection does it every `intervalMs` (PASSIVE: it never blocks a writer or a reader), on the
 * other core. Durability is unchanged: a commit is durable once its WAL frames are fsynced,
 * before any checkpoint. The committing connection keeps a high `wal_autocheckpoint` as a
 * backstop: it finishes the few frames left and lets the WAL restart from its beginning.
 *
 * Every 250 ms, not 50 (issue 23): a page committed again within the interval is copied once.
 * The commit pipeline at 16,000 drafts/s for 6 s (CommitBatcher and the store, four runs each, two
 * sets): this thread's CPU 1.98 → 1.04 and 1.56 → 0.94 µs a message, its write calls 0.32 → 0.18
 * and 0.27 → 0.15, 127 → 70 and 106 → 60 MB copied. The WAL is bounded by the backstop either
 * way: it restarted 2–9 times a run, and its largest was 16,000–16,800 frames (67 MB) in most runs
 * of both (a PASSIVE checkpoint under a steady load rarely finds every frame copied, which a
 * restart needs; the backstop's own checkpoint, between two commits, does).
 * (The search index's segment merges are the writer's, between its jobs: sqlite-writer.ts.)
 */
export interface Checkpointer {
  /** Stops the worker and closes its connection (before the main connection closes). */
  stop(): Promise<void>;
}

/** Milliseconds between the worker's checkpoints. */
const CHECKPOINT_INTERVAL_MS = 250;

/** WAL pages after which the committing connection checkpoints itself (the worker has done most). */
export const BACKSTOP_PAGES = 16_000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
let timer;
const tick = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  timer = setTimeout(tick, workerData.intervalMs);
};
timer = setTimeout(tick, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearTimeout(timer);
  try { db.close(); } catch {}
  parentPort.close();
});
`;

/** Starts the checkpoint worker for `file` (an existing WAL-mode database). */
export function startCheckpointer(file: string, intervalMs = CHECKPOINT_INTERVAL_MS): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs } });
  // Never the reason a process stays up; a failed worker only means the backstop checkpoints.
  worker.unref();
  worker.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        worker.postMessage('stop');
        const timer = setTimeout(() => void worker.terminate(), 2000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
