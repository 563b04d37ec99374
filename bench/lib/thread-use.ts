/**
 * What each thread of a Node process did over a benchmark step, from /proc/<pid>/task/<tid>/stat
 * (user and kernel CPU time, when it started) and /proc/<pid>/task/<tid>/io (read and write calls,
 * bytes passed to write calls), in the groups bench:server reports. Every thread of a Node process
 * is named `node`, so they are told apart by when they started (ties by thread id): the event loop
 * is the main thread (its id is the process's); the V8 platform's threads (the garbage collectors'
 * helpers, parallel scavenges and concurrent marking, and the optimising compiler, for every
 * isolate of the process) are the first ones after it, made before any script runs; the
 * inspector's signal thread, libuv's pool, tsx's loader and worker threads (Natter's SQLite writer
 * and its checkpointer) come after, and the busiest of those in the step (by CPU) is the "writer"
 * group: Natter's SQLite writer, another server's busiest other thread. So the writer's write calls
 * (its WAL frames) are told from the event loop's (socket writes).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ on Linux: /proc's CPU times are in these ticks. */
const CLOCK_TICKS = 100;

/** Threads Node's V8 platform starts before any script runs: `--v8-pool-size` (4) workers and one delayed-task scheduler. */
export const PLATFORM_THREADS = 5;

/** One thread's counters, so far or over a step: CPU seconds, calls, bytes. */
export interface ThreadUse {
  user: number;
  kernel: number;
  /** Read-like calls (`syscr`: read, readv, pread; a socket's recvmsg is not counted, libuv reads with read). */
  readCalls: number;
  /** Write-like calls (`syscw`: write, writev, pwrite: libuv's socket writes, SQLite's WAL frames and checkpoints). */
  writeCalls: number;
  /** Bytes passed to write-like calls (`wchar`). */
  written: number;
}

export interface ThreadSample extends ThreadUse {
  tid: number;
  /** When the thread started, clock ticks after boot (`starttime`): a thread id used again is another thread. */
  start: number;
}

export const GROUPS = ['loop', 'platform', 'writer', 'rest'] as const;
export type ThreadGroup = (typeof GROUPS)[number];
export const GROUP_NAMES: Record<ThreadGroup, string> = {
  loop: 'event loop',
  platform: 'V8 platform threads',
  writer: 'SQLite writer (the busiest other thread)',
  rest: 'the rest',
};

export interface GroupUse extends ThreadUse {
  /** Threads in the group that existed at the step's end. */
  threads: number;
}

const ZERO: ThreadUse = { user: 0, kernel: 0, readCalls: 0, writeCalls: 0, written: 0 };

/** Every thread of `pid` now (one that ends while listed is left out). */
export function threadSamples(pid: number): ThreadSample[] {
  const out: ThreadSample[] = [];
  for (const name of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${name}/stat`, 'utf8');
      const io = readFileSync(`/proc/${pid}/task/${name}/io`, 'utf8');
      // Fields after the command's closing parenthesis: state is 0, utime 11, stime 12, starttime 19.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const counter = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(io)?.[1] ?? NaN);
      out.push({
        tid: Number(name), start: Number(f[19]), user: Number(f[11]) / CLOCK_TICKS, kernel: Number(f[12]) / CLOCK_TICKS,
        readCalls: counter('syscr'), writeCalls: counter('syscw'), written: counter('wchar'),
      });
    } catch {
      // Ended between the listing and the reads.
    }
  }
  return out;
}

/**
 * What each thread alive at `after` did since `before`: a thread started meanwhile counts from
 * zero; one that ended before `after` is not counted (the process's own totals still hold it).
 */
export function threadDelta(before: ThreadSample[], after: ThreadSample[]): ThreadSample[] {
  const was = new Map(before.map((t) => [t.tid, t]));
  return after.map((t) => {
    const b = was.get(t.tid);
    const from = b && b.start === t.start ? b : ZERO;
    return { ...t, user: t.user - from.user, kernel: t.kernel - from.kernel, readCalls: t.readCalls - from.readCalls, writeCalls: t.writeCalls - from.writeCalls, written: t.written - from.written };
  });
}

export interface GroupedThreads {
  groups: Record<ThreadGroup, GroupUse>;
  /** Every thread with its group and a label (`event loop`, `V8 platform 2`, `other +3`: the third thread started after the platform's). */
  threads: (ThreadSample & { group: ThreadGroup; label: string })[];
}

/** Sorts a step's threads (`threadDelta`) of process `pid` into the groups (see the file's comment). */
export function groupThreads(pid: number, delta: ThreadSample[]): GroupedThreads {
  const later = delta.filter((t) => t.tid !== pid).sort((a, b) => a.start - b.start || a.tid - b.tid);
  const cpu = (t: ThreadUse) => t.user + t.kernel;
  const others = later.slice(PLATFORM_THREADS);
  const writer = others.reduce<ThreadSample | undefined>((best, t) => (cpu(t) > (best ? cpu(best) : 0) ? t : best), undefined);
  const threads: GroupedThreads['threads'] = [];
  const loop = delta.find((t) => t.tid === pid);
  if (loop) threads.push({ ...loop, group: 'loop', label: GROUP_NAMES.loop });
  later.forEach((t, i) => {
    const group: ThreadGroup = i < PLATFORM_THREADS ? 'platform' : t === writer ? 'writer' : 'rest';
    threads.push({ ...t, group, label: group === 'platform' ? `V8 platform ${i + 1}` : group === 'writer' ? GROUP_NAMES.writer : `other +${i - PLATFORM_THREADS + 1}` });
  });
  const groups = Object.fromEntries(GROUPS.map((g) => [g, { ...ZERO, threads: 0 }])) as Record<ThreadGroup, GroupUse>;
  for (const t of threads) {
    const g = groups[t.group];
    g.threads++;
    g.user += t.user;
    g.kernel += t.kernel;
    g.readCalls += t.readCalls;
    g.writeCalls += t.writeCalls;
    g.written += t.written;
  }
  return { groups, threads };
}
