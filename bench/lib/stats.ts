/** Small statistics and process-measurement helpers shared by the benchmarks. */
import { readFileSync } from 'node:fs';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user+system) used so far by a process (or one of its threads), from /proc. */
export function cpuSeconds(pid: number, tid?: number): number {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * Seconds a thread (a Node process's main thread, the event loop, by default) has so far spent
 * ready to run but waiting for a CPU, from /proc/<pid>/task/<tid>/schedstat (the scheduler's
 * run-queue wait): time it lost to the machine's other work, not to its own.
 */
export function runQueueWaitSeconds(pid: number, tid = pid): number {
  return Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
}

/** Bytes a process (all its threads) passed to write-like calls so far, and how many such calls, from /proc/<pid>/io. */
export function writesSoFar(pid: number): { bytes: number; calls: number } {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  return { bytes: Number(/wchar:\s+(\d+)/.exec(io)?.[1] ?? NaN), calls: Number(/syscw:\s+(\d+)/.exec(io)?.[1] ?? NaN) };
}

/** Resident set size of a process in MiB, from /proc. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return '–';
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(digits);
}

/** Prints a Markdown table (so results paste straight into the README). */
export function table(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}
