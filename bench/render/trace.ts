/**
 * Where a first render's time went, from a Chromium trace of the page's main thread: CPU time
 * (thread time, so a task descheduled by other work on the machine does not count) of its
 * top-level tasks, and of style recalculation and layout within them. On a shared machine the
 * CPU figure is far steadier than the wall-clock "newest on screen".
 */
import type { CDPSession } from 'playwright-core';

export interface MainThreadTime {
  /** CPU ms of the main thread's top-level tasks. */
  cpu: number;
  /** Wall ms of the same tasks. */
  wall: number;
  /** CPU ms recalculating styles. */
  style: number;
  /** CPU ms in layout. */
  layout: number;
  tasks: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * Runs `run` while tracing, and sums the page's main-thread tasks from the one that takes the
 * longest (the first render) to `until(result)` ms after it starts (the newest on screen), so
 * work that follows (read receipts, observers) does not count.
 */
export async function traceMainThread<T>(cdp: CDPSession, run: () => Promise<T>, until: (result: T) => number): Promise<{ result: T; time: MainThreadTime | undefined }> {
  const events: TraceEvent[] = [];
  const collect = ({ value }: { value: object[] }) => void events.push(...(value as TraceEvent[]));
  cdp.on('Tracing.dataCollected', collect);
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline'] }, transferMode: 'ReportEvents' });
  let result: T;
  try {
    result = await run();
  } finally {
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await complete;
    cdp.off('Tracing.dataCollected', collect);
  }
  return { result, time: sum(events, until(result)) };
}

function sum(events: TraceEvent[], windowMs: number): MainThreadTime | undefined {
  // The page's renderer is the busy one (others are idle tabs of the browser, if any).
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}/${e.tid}`));
  const tasks = events.filter((e) => e.ph === 'X' && e.name === 'RunTask' && mains.has(`${e.pid}/${e.tid}`));
  const cpu = (e: TraceEvent) => (e.tdur ?? 0) / 1000;
  const longest = tasks.sort((a, b) => cpu(b) - cpu(a))[0];
  if (!longest) return undefined;
  const thread = `${longest.pid}/${longest.tid}`;
  const from = longest.ts;
  const to = from + windowMs * 1000;
  const t: MainThreadTime = { cpu: 0, wall: 0, style: 0, layout: 0, tasks: 0 };
  for (const e of events) {
    if (e.ph !== 'X' || `${e.pid}/${e.tid}` !== thread || e.ts < from || e.ts > to) continue;
    if (e.name === 'RunTask') {
      t.cpu += cpu(e);
      t.wall += (e.dur ?? 0) / 1000;
      t.tasks++;
    } else if (e.name === 'UpdateLayoutTree') t.style += cpu(e);
    else if (e.name === 'Layout') t.layout += cpu(e);
  }
  return t;
}
