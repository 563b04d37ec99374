import type { PoolClient } from 'pg';
import type { Logger } from '../core/logger.js';
import { MOVE_ROWS, moveToIndex, pendingKeys } from './postgres-search.js';

/** Messages this node committed since its last move past which it moves them (one statement's worth). */
export const MOVE_AT = 2000;
/** A node moves what it committed at most this long after the first commit not moved yet. */
export const MOVE_QUIET_MS = 250;
/** Every this often a node moves every conversation's pending rows (those of a node that died before its move). */
export const SWEEP_MS = 60_000;
/** A failed move is tried again after MOVE_QUIET_MS, doubled at each failure in a row up to this. */
export const RETRY_MAX_MS = 10_000;

export interface SearchMover {
  /** A batch of `count` messages was committed into `keys`. */
  committed(keys: Iterable<string>, count: number): void;
  /** Moves what is pending in every conversation (at start: what a node that died left). */
  sweep(): Promise<void>;
  /** Stops the timers and moves what this node committed (a clean stop leaves nothing pending of its own). */
  close(): Promise<void>;
}

/**
 * Moves the rows above the search index's watermarks into it (postgres-search.ts), off the
 * commit path: after MOVE_AT messages committed by this node, or MOVE_QUIET_MS after the first
 * of them, the conversations it committed into, on a pooled connection of its own, one move at a
 * time (a node's moves queue behind each other; two nodes' take turns on an advisory lock
 * inside PostgreSQL). Every SWEEP_MS, and when the store opens, a sweep moves the rows of every
 * conversation with rows above its watermark: a node that died before its move leaves its rows
 * there, where searches still find them (on their bodies), and the next sweep of any node takes
 * them. A failed move is logged and its conversations moved again after a backoff (or with the
 * next move, if that comes first).
 */
export function createSearchMover(connect: () => Promise<PoolClient>, log: Logger): SearchMover {
  let keys = new Set<string>();
  let count = 0;
  let running: Promise<void> | undefined;
  /** The timer of the next move of this node's commits (quiet, or a retry's backoff). */
  let quiet: NodeJS.Timeout | undefined;
  let failures = 0;
  let closed = false;

  const move = async (these: string[]) => {
    const client = await connect();
    let broken: Error | undefined;
    try {
      while (these.length > 0 && (await moveToIndex(client, these)) === MOVE_ROWS);
    } catch (err) {
      broken = err as Error;
      throw err;
    } finally {
      client.release(broken);
    }
  };
  /** Runs `work` after the move under way, if any; the next move waits for this one. */
  const queue = (work: () => Promise<void>) => {
    const next = (running ?? Promise.resolve()).then(work);
    const settled: Promise<void> = next.then(() => undefined, () => undefined).finally(() => {
      if (running === settled) running = undefined;
    });
    running = settled;
    return next;
  };
  const moveOwn = () => {
    if (quiet) clearTimeout(quiet);
    quiet = undefined;
    if (keys.size === 0) return Promise.resolve();
    const these = [...keys];
    keys = new Set();
    count = 0;
    return queue(() => move(these)).then(() => {
      failures = 0;
    }, (err: unknown) => {
      for (const k of these) keys.add(k);
      const retryMs = Math.min(MOVE_QUIET_MS * 2 ** failures++, RETRY_MAX_MS);
      log.warn({ err, retryMs }, 'postgres: moving messages into the search index failed; retrying');
      // Without a timer they would wait for this node's next commit or the sweep.
      if (!closed) moveIn(retryMs);
    });
  };
  /** Moves this node's commits in `ms`, unless a move of them is scheduled already. */
  const moveIn = (ms: number) => {
    if (quiet) return;
    quiet = setTimeout(() => void moveOwn(), ms);
    quiet.unref();
  };
  const sweep = () => queue(async () => {
    const client = await connect();
    let found: string[];
    try {
      found = await pendingKeys(client);
    } finally {
      client.release();
    }
    await move(found);
  }).catch((err: unknown) => {
    log.warn({ err }, 'postgres: moving pending messages into the search index failed; the next sweep retries');
  });
  const sweeps = setInterval(() => void sweep(), SWEEP_MS);
  sweeps.unref();

  return {
    committed(these, n) {
      if (closed) return;
      for (const k of these) keys.add(k);
      count += n;
      if (count >= MOVE_AT) void moveOwn();
      else moveIn(MOVE_QUIET_MS);
    },
    sweep,
    async close() {
      closed = true;
      clearInterval(sweeps);
      await moveOwn();
      await running;
    },
  };
}
