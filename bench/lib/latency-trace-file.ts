/**
 * Reading a server's latency trace (`NATTER_LATENCY_TRACE=<file>`, src/server/latency-trace-signal.ts)
 * from a benchmark: a SIGUSR2 makes the server write its histograms since the last one to the file.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One histogram of the trace: ms (or a count) at p50/p90/p99, max, sum and the sample count. */
export type TraceHistograms = Record<string, Record<string, number>>;

let traceFiles = 0;

/** A fresh file path for one server's trace. */
export function traceFilePath(): string {
  return join(tmpdir(), `natter-bench-trace-${process.pid}-${traceFiles++}.json`);
}

/** Asks the server `pid` for its latency trace since the last ask (SIGUSR2) and reads it from `file`. */
export async function takeTrace(pid: number, file: string): Promise<TraceHistograms> {
  rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  // A starved server may take seconds to get to the signal: up to 10 s.
  for (let i = 0; i < 500; i++) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as TraceHistograms;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return {};
}
