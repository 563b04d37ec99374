/**
 * Where a send's time goes, as histograms, for finding a latency tail (issue 23): how long a
 * draft waits before its batch goes to the store, how long the batch waits in the writer's
 * queue, how long the commit takes, how long its reply takes back, and the event loop's delay
 * and GC pauses beside them. Off unless the process turns it on (`NATTER_LATENCY_TRACE`, see
 * main.ts): then every mark is one check of a variable, and nothing is kept.
 *
 * A module-level recorder, unlike everything else in core: the marks sit in hot paths of
 * several layers (batcher, writer, gateway), and threading a recorder through each of them for a
 * diagnostic would cost every caller an argument. One process has one trace.
 */
let samples: Map<string, number[]> | undefined;

/** Whether marks are kept (callers skip taking timestamps when not). */
export function tracing(): boolean {
  return samples !== undefined;
}

/** Starts keeping marks (and forgets any kept). */
export function startLatencyTrace(): void {
  samples = new Map();
}

/** Stops keeping marks (tests). */
export function stopLatencyTrace(): void {
  samples = undefined;
}

/** Adds one sample (milliseconds, or a count) to the histogram `name`; nothing when off. */
export function traceSample(name: string, value: number): void {
  if (!samples) return;
  let list = samples.get(name);
  if (!list) samples.set(name, (list = []));
  list.push(value);
}

export interface TraceSummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Sum of the samples: for durations, the time spent in all of them. */
  sum: number;
}

/** The histograms since the last take (or the start), summarised, and starts afresh. */
export function takeLatencyTrace(): Record<string, TraceSummary> {
  const out: Record<string, TraceSummary> = {};
  if (!samples) return out;
  for (const [name, list] of [...samples].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = Float64Array.from(list).sort();
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
    out[name] = { count: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: sorted[sorted.length - 1]!, sum: sorted.reduce((a, b) => a + b, 0) };
  }
  samples = new Map();
  return out;
}

/** Milliseconds on a clock every thread of the process shares (a worker's `performance.now()` starts at its own origin). */
export function sharedNow(): number {
  return performance.timeOrigin + performance.now();
}
