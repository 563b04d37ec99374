/**
 * The cluster benchmark's tables (bench/cluster.ts): medians over runs, latency and throughput
 * per step, what a message costs each part, the scaling model fitted on the cost steps and its
 * check against the peaks. Markdown, so the README can take it as is.
 */
import { availableParallelism } from 'node:os';
import { PARTS, type Costs } from './cluster-costs.js';
import { describeCheck, describeModel, fitScalingModel } from './scaling-model.js';
import { fmt, median, table } from './stats.js';

export interface Step {
  nodes: number;
  /**
   * `cost`: the fixed rate every size keeps up with, where the model's inputs are measured;
   * `warm-up`: before it, not reported (JIT, plan caches, the pools' connections).
   */
  kind: 'warm-up' | 'cost' | 'load';
  offered: number;
  sentPerSec: number;
  deliveredPerSec: number;
  deliveredRatio: number;
  /** Messages fully delivered per second within the send window (deliveries / (group − 1)). */
  throughput: number;
  ackP50: number;
  ackP99: number;
  delP50: number;
  delP99: number;
  serverRss: number;
  /** Whole machine, all cores: PostgreSQL, Redis and nginx run here too (100 % = every core busy). */
  machineCpu: number;
  costs: Costs;
  /** PostgreSQL's own count of commits per message (pg_stat_database; cost steps only). */
  xactPerMessage: number;
}

/** What the tables need to know of the run. */
export interface ReportConfig {
  clients: number;
  group: number;
  seconds: number;
  sizes: number[];
  rates: number[];
  costRates: number[];
  costSeconds: number;
  pgCores: number;
  runCount: number;
  /** The load average, as the run saw it. */
  loadNote: string;
}

export const label = (n: number) => `${n} node${n === 1 ? '' : 's'}`;

/** Per (size, kind, rate), the median of each figure over the runs that reached that step. */
export function medianSteps(runs: Step[][]): Step[] {
  const keyOf = (s: Step) => `${s.nodes}/${s.kind}/${s.offered}`;
  const groups = new Map<string, Step[]>();
  for (const s of runs.flat()) groups.set(keyOf(s), [...(groups.get(keyOf(s)) ?? []), s]);
  return [...groups.values()].map((g) => medianOf(g) as Step);
}

/** The element-wise median of objects of the same shape (numbers at any depth; other values from the first). */
function medianOf(items: unknown[]): unknown {
  // JSON keeps NaN (a figure a step does not have) as null: such runs do not count.
  const present = items.filter((i) => i !== null && i !== undefined);
  const first = present[0];
  if (first === undefined) return NaN;
  if (typeof first === 'number') return median(present as number[]);
  if (typeof first !== 'object') return first;
  const keys = new Set(present.flatMap((i) => Object.keys(i as object)));
  // A Redis command or statement a run did not see at all counts as 0 there.
  return Object.fromEntries([...keys].map((k) => [k, medianOf(present.map((i) => (k in (i as object) ? (i as Record<string, unknown>)[k] : 0)))]));
}

export function printReport(all: Step[], c: ReportConfig): void {
  const { clients: CLIENTS, group: GROUP, seconds: SECONDS, sizes: SIZES, rates: RATES, costRates: COST_RATES, costSeconds: COST_SECONDS, pgCores: PG_CORES, runCount, loadNote } = c;
  const load = all.filter((s) => s.kind === 'load');
  const cost = all.filter((s) => s.kind === 'cost');
  console.log(`\nCluster benchmark: ${CLIENTS} clients in rooms of ${GROUP}, ${SECONDS} s per step, nginx + PostgreSQL + Redis on loopback, ${availableParallelism()} cores; medians of ${runCount} run(s); ${loadNote} at the end\n`);
  console.log(
    table(
      ['cluster', 'offered msg/s', 'delivered msg/s', 'delivered %', 'fully delivered msg/s (in window)', 'ack p50 ms', 'ack p99 ms', 'delivery p99 ms', 'nodes RSS MiB', 'machine CPU %'],
      load.map((r) => [
        label(r.nodes), r.offered, fmt(r.deliveredPerSec, 0), fmt(r.deliveredRatio * 100), fmt(r.throughput, 0),
        fmt(r.ackP50), fmt(r.ackP99), fmt(r.delP99), fmt(r.serverRss, 0), fmt(r.machineCpu, 0),
      ]),
    ),
  );
  console.log(`\nPer message (CPU µs of each part, PostgreSQL round trips and commits, Redis commands and bytes); the rows marked (cost) are the cost steps (${COST_SECONDS} s each; the model's inputs):\n`);
  console.log(
    table(
      ['cluster', 'offered msg/s', 'nodes µs', 'PostgreSQL µs', 'PG shared µs', 'Redis µs', 'nginx µs', 'generator µs', 'total µs', 'bystander node µs', 'PG round trips', 'PG commits (all / BEGIN…COMMIT)', 'pg_stat_database commits', 'Redis commands', 'Redis bytes in / out', 'other load, cores'],
      [...cost, ...load].sort((a, b) => a.nodes - b.nodes).map((r) => {
        const c = r.costs;
        return [
          label(r.nodes), `${r.offered}${r.kind === 'cost' ? ' (cost)' : ''}`, fmt(c.cpuUs.nodes), fmt(c.cpuUs.postgres), fmt(c.cpuUs.postgresShared), fmt(c.cpuUs.redis),
          fmt(c.cpuUs.nginx), fmt(c.cpuUs.generator), fmt(c.totalUs), fmt(c.cpuUs.bystander), fmt(c.pgStatements, 2), `${fmt(c.pgCommits, 3)} / ${fmt(c.pgWriteCommits, 3)}`, fmt(r.xactPerMessage, 3),
          fmt(c.redisCommands, 2), `${fmt(c.redisBytesIn, 0)} / ${fmt(c.redisBytesOut, 0)}`, fmt(c.otherCores, 2),
        ];
      }),
    ),
  );
  console.log('\nCPU µs above are beyond each part\'s idle use, measured for 10 s with nobody sending (cores):\n');
  console.log(table(['cluster', ...PARTS], cost.filter((r) => r.offered === Math.min(...COST_RATES)).map((r) => [label(r.nodes), ...PARTS.map((p) => fmt(r.costs.idleCores[p], 3))])));
  const busiest = (counts: Record<string, number>) =>
    Object.entries(counts).filter(([, n]) => n >= 0.001).sort((a, b) => b[1] - a[1]).slice(0, 12);
  for (const r of cost.filter((c) => c.offered === Math.max(...COST_RATES))) {
    console.log(`\nRedis commands per message, ${label(r.nodes)} (cost step): ${busiest(r.costs.redisByCommand).map(([k, n]) => `${k} ${fmt(n, 3)}`).join(', ') || 'none'}`);
    console.log(`\nPostgreSQL round trips per message, ${label(r.nodes)} (cost step):\n`);
    console.log(table(['statement (start)', 'per message'], busiest(r.costs.pgByStatement).map(([k, n]) => [`\`${k.replaceAll('|', '\\|')}\``, fmt(n, 3)])));
  }

  const [small, big] = [SIZES[0]!, SIZES.at(-1)!];
  const ratios = RATES.flatMap((rate) => {
    const [a, b] = [small, big].map((n) => load.find((r) => r.nodes === n && r.offered === rate));
    return a && b ? [[rate, fmt(b.throughput / a.throughput, 2), fmt(b.ackP50 / a.ackP50, 2), fmt(b.ackP99 / a.ackP99, 2), fmt(b.costs.totalUs / a.costs.totalUs, 2)]] : [];
  });
  console.log(`\nRatios, ${label(big)} / ${label(small)} (same offered rate):\n`);
  console.log(table(['offered msg/s', 'fully delivered msg/s', 'ack p50', 'ack p99', 'CPU per message'], ratios));
  const keptUp = (n: number) => Math.max(0, ...load.filter((r) => r.nodes === n && r.deliveredRatio >= 0.95 && r.ackP99 < 1000).map((r) => r.offered));
  console.log(`\nHighest offered rate kept up (≥ 95 % delivered, p99 ack < 1 s): ${label(small)} ${keptUp(small)} msg/s, ${label(big)} ${keptUp(big)} msg/s`);
  const behind = cost.filter((r) => r.deliveredRatio < 0.95 || r.ackP99 >= 1000);
  for (const r of behind) {
    console.log(`\nWarning: the cost step of ${label(r.nodes)} at ${r.offered} msg/s did not keep up (${fmt(r.deliveredRatio * 100)} % delivered, ack p99 ${fmt(r.ackP99)} ms): the model's inputs are not reliable; lower --cost-rates or run on a quieter machine.`);
  }
  const costSteps = (n: number) => cost.filter((r) => r.nodes === n).map((r) => ({ rate: r.offered, costs: r.costs }));
  if (small === big || costSteps(small).length === 0 || costSteps(big).length === 0) return;
  const model = fitScalingModel(small, costSteps(small), big, costSteps(big));
  console.log(`\nScaling model (README, "Scaling on paper"): inputs from the cost steps (${COST_RATES.join(' and ')} msg/s), N nodes each on a machine of its own, PostgreSQL on ${PG_CORES} cores:\n`);
  console.log(describeModel(model, PG_CORES));
  const peak = (n: number) => load.filter((r) => r.nodes === n).reduce((best, r) => (r.throughput > best.throughput ? r : best));
  console.log(`\nCheck on this machine: every part shares its ${availableParallelism()} cores, so capacity = (cores − overhead) / (all parts' CPU per message), against the peak measured:\n`);
  console.log(
    describeCheck(
      SIZES.map((n) => ({ nodes: n, costSteps: costSteps(n), otherCores: peak(n).costs.otherCores, measured: peak(n).throughput })),
      availableParallelism(),
    ),
  );
}
