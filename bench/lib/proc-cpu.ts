/**
 * CPU of groups of processes from /proc, for benchmarks that charge each part of a deployment
 * (nodes, PostgreSQL, Redis, nginx, the generator) its own share. A group is a function that
 * lists its pids at snapshot time, so processes that start or end between two snapshots are
 * still counted: one that appeared is charged from zero, one that ended is charged until the
 * last snapshot that saw it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds } from './stats.js';

/** One line of /proc/<pid>/stat that matters here. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  /** The executable's name (`comm`, at most 15 characters). */
  comm: string;
}

/** Every process on the machine (those that end while listed are left out). */
export function listProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      out.push({ pid: Number(name), ppid: Number(fields[1]), comm: stat.slice(stat.indexOf('(') + 1, close) });
    } catch {
      // Ended between the listing and the read.
    }
  }
  return out;
}

/** The processes below `root` (children, grandchildren, …), not `root` itself. */
export function descendants(root: number, all = listProcesses()): ProcInfo[] {
  const below: ProcInfo[] = [];
  const parents = new Set([root]);
  // Parents are usually listed before their children, but pids wrap: repeat until nothing new.
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        below.push(p);
        grew = true;
      }
    }
  }
  return below;
}

/** CPU seconds so far by pid, for the pids that still exist. */
function cpuByPid(pids: Iterable<number>): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    try {
      cpu.set(pid, cpuSeconds(pid));
    } catch {
      // Gone.
    }
  }
  return cpu;
}

/** Lists a group's pids now (sync or async: PostgreSQL backends come from a query). */
export type PidSource = () => number[] | Promise<number[]>;

/**
 * Tracks the CPU of named process groups. `snapshot()` returns a mark; `since(mark)` the CPU
 * seconds each group used after it. The last CPU seen of each pid is kept, so a process that
 * ended after the mark still counts up to the snapshot before its end.
 */
export class ProcessCpu<G extends string> {
  readonly #groups: Record<G, PidSource>;
  /** Last CPU seen per group and pid. */
  readonly #last = new Map<G, Map<number, number>>();

  constructor(groups: Record<G, PidSource>) {
    this.#groups = groups;
  }

  async snapshot(): Promise<Record<G, Map<number, number>>> {
    const marks = {} as Record<G, Map<number, number>>;
    for (const group of Object.keys(this.#groups) as G[]) {
      const now = cpuByPid(await this.#groups[group]());
      const last = this.#last.get(group) ?? new Map<number, number>();
      for (const [pid, s] of now) last.set(pid, s);
      this.#last.set(group, last);
      marks[group] = new Map(last);
    }
    return marks;
  }

  /** CPU seconds per group between `from` and `to` (two snapshots). */
  static between<G extends string>(from: Record<G, Map<number, number>>, to: Record<G, Map<number, number>>): Record<G, number> {
    const used = {} as Record<G, number>;
    for (const group of Object.keys(to) as G[]) {
      let sum = 0;
      for (const [pid, s] of to[group]) sum += s - (from[group]?.get(pid) ?? 0);
      used[group] = sum;
    }
    return used;
  }
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
export function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - cpu[3]! - (cpu[4] ?? 0), total };
}
