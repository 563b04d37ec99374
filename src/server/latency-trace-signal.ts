import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { startLatencyTrace, takeLatencyTrace, traceSample } from './core/latency-trace.js';

/**
 * `NATTER_LATENCY_TRACE=<file>` (a diagnostic, issue 23): keeps the latency histograms of
 * core/latency-trace.ts, with the event loop's delay and every GC pause beside them, and on each
 * SIGUSR2 writes those since the last SIGUSR2 to `file` as JSON (then starts afresh). The server
 * benchmark's `--trace` signals before and after each step. Must run before the store opens
 * (its writer thread learns at start whether to time its jobs).
 */
export function latencyTraceOnSignal(file: string): void {
  startLatencyTrace();
  // Resolution 1 ms: a turn that held the loop for n ms shows as about n ms of delay.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const kinds: Record<number, string> = { 1: 'scavenge', 2: 'markSweepCompact', 4: 'incremental', 8: 'weakCallbacks', 16: 'minorMarkSweep' };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
      traceSample(`gc.${kinds[kind] ?? kind}`, e.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', () => {
    const summary = {
      ...takeLatencyTrace(),
      'loop.delay': { count: loop.count, p50: loop.percentile(50) / 1e6, p90: loop.percentile(90) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6, sum: NaN },
    };
    loop.reset();
    writeFileSync(file, JSON.stringify(summary));
  });
}
