/**
 * Reads the PostgreSQL round trips and commits a node has made, as counted by the preload
 * pg-query-counter.ts: ask with SIGUSR2, then wait for the file to carry the answer.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgQueryCounts {
  /** Statements sent, BEGIN and COMMIT included: round trips. */
  statements: number;
  /** Transactions committed: COMMITs, and statements run outside BEGIN … COMMIT (as pg_stat_database counts). */
  commits: number;
  /** Of those, the COMMITs of BEGIN … COMMIT: the node's write transactions. */
  explicitCommits: number;
  /** SIGUSR2s answered so far, this one included. */
  answer: number;
  /** Statements by their first characters. */
  byStatement: Record<string, number>;
}

/** NODE_OPTIONS for a node whose queries should be counted (tsx first: the preload is TypeScript). */
export const COUNTING_NODE_OPTIONS = `--import tsx --import ${new URL('./pg-query-counter.ts', import.meta.url).href}`;

export const countsFile = (pid: number) => join(tmpdir(), `natter-pg-queries-${pid}.json`);

const asked = new Map<number, number>();

/** The node's totals so far; rejects if it does not answer within `timeoutMs`. */
export async function readPgQueryCounts(pid: number, timeoutMs = 5000): Promise<PgQueryCounts> {
  const answer = (asked.get(pid) ?? 0) + 1;
  asked.set(pid, answer);
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const counts = JSON.parse(readFileSync(countsFile(pid), 'utf8')) as PgQueryCounts;
      if (counts.answer >= answer) return counts;
    } catch {
      // Not written yet, or caught mid-write.
    }
    if (Date.now() > deadline) throw new Error(`node ${pid} did not report its PostgreSQL counts (is pg-query-counter.ts preloaded?)`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Removes the node's counts file (once it has stopped). */
export function forgetPgQueryCounts(pid: number): void {
  asked.delete(pid);
  rmSync(countsFile(pid), { force: true });
}
