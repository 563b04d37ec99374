/**
 * What one message costs each part of a cluster: CPU of the nodes, the PostgreSQL backends,
 * Redis, nginx and the load generator (from /proc), the nodes' PostgreSQL round trips and
 * commits (pg-query-counter.ts), Redis commands and bytes (INFO of the private redis-server).
 * Two samples around a step, divided by the messages sent in it.
 */
import { availableParallelism } from 'node:os';
import type { BenchDatabase, PrivateRedis } from './bench-services.js';
import { readPgQueryCounts } from './pg-query-counts.js';
import { descendants, machineTicks, ProcessCpu } from './proc-cpu.js';

export const PARTS = ['nodes', 'postgres', 'postgresShared', 'redis', 'nginx', 'generator', 'bystander'] as const;
export type Part = (typeof PARTS)[number];
/** The parts of the deployment under test and its load (the bystander node is a probe beside it). */
export const DEPLOYMENT_PARTS = PARTS.filter((p) => p !== 'bystander');
type Measured = Exclude<Part, 'generator'>;

export interface Sample {
  at: number;
  cpu: Record<Measured, Map<number, number>>;
  generator: NodeJS.CpuUsage;
  machine: { busy: number; total: number };
  pg: { statements: number; commits: number; explicitCommits: number; byStatement: Map<string, number> };
  redisCalls: Map<string, number>;
  redisBytes: { in: number; out: number };
}

/** Per message, over one step. */
export interface Costs {
  /** CPU µs per message, by part, beyond what the part spends idle (`idleCores`). */
  cpuUs: Record<Part, number>;
  /** Cores each part kept busy with no messages (timers, heartbeats), measured before the cost step. */
  idleCores: Record<Part, number>;
  /** The deployment's parts together (not the bystander). */
  totalUs: number;
  /** Cores kept busy on average: by the parts together, and by everything else on the machine. */
  ourCores: number;
  otherCores: number;
  pgStatements: number;
  /** Transactions per message (autocommitted reads included), and of them BEGIN … COMMIT ones. */
  pgCommits: number;
  pgWriteCommits: number;
  /** Round trips per message by statement (its first characters), the busiest first. */
  pgByStatement: Record<string, number>;
  redisCommands: number;
  /** Redis commands per message by command name (lower case), the busiest first. */
  redisByCommand: Record<string, number>;
  redisBytesIn: number;
  redisBytesOut: number;
}

export interface ProbeTarget {
  /** The node processes now (a restarted node has a new pid). */
  nodePids(): number[];
  /** A node outside the balancer with no clients (bench/cluster.ts); it is also subscribed to Redis. */
  bystanderPid(): number | undefined;
  db: BenchDatabase;
  redis: PrivateRedis;
}

/** PostgreSQL's processes: this database's backends and autovacuum, and the server-wide writers. */
async function postgresPids(db: BenchDatabase, shared: boolean): Promise<number[]> {
  const { rows } = await db.admin.query<{ pid: number }>(
    shared
      ? `SELECT pid FROM pg_stat_activity WHERE backend_type IN ('walwriter', 'checkpointer', 'background writer')`
      : `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type IN ('client backend', 'autovacuum worker')`,
    shared ? [] : [db.name],
  );
  return rows.map((r) => r.pid);
}

/** CPU seconds of every part between two samples. */
function partSeconds(a: Sample, b: Sample): Record<Part, number> {
  const generator = (b.generator.user - a.generator.user + b.generator.system - a.generator.system) / 1e6;
  return { ...ProcessCpu.between(a.cpu, b.cpu), generator };
}

const infoFields = (text: string) => new Map(text.split('\r\n').filter((l) => l.includes(':')).map((l) => l.split(':', 2) as [string, string]));

export class CostProbe {
  readonly #target: ProbeTarget;
  readonly #cpu: ProcessCpu<Measured>;

  constructor(target: ProbeTarget) {
    this.#target = target;
    this.#cpu = new ProcessCpu<Measured>({
      nodes: () => target.nodePids(),
      bystander: () => [target.bystanderPid()].filter((pid) => pid !== undefined),
      postgres: () => postgresPids(target.db, false),
      postgresShared: () => postgresPids(target.db, true),
      redis: () => [target.redis.pid],
      // nginx is started by this process (test/cluster/lib/local-cluster.ts): master and workers.
      nginx: () => descendants(process.pid).filter((p) => p.comm === 'nginx').map((p) => p.pid),
    });
  }

  async sample(): Promise<Sample> {
    const counts = await Promise.all(this.#target.nodePids().map((pid) => readPgQueryCounts(pid)));
    const byStatement = new Map<string, number>();
    for (const c of counts) for (const [shape, n] of Object.entries(c.byStatement)) byStatement.set(shape, (byStatement.get(shape) ?? 0) + n);
    const [commandstats, stats] = await Promise.all([this.#target.redis.client.info('commandstats'), this.#target.redis.client.info('stats')]);
    const redisCalls = new Map<string, number>();
    for (const [key, value] of infoFields(commandstats)) {
      const calls = /calls=(\d+)/.exec(value);
      if (key.startsWith('cmdstat_') && calls) redisCalls.set(key.slice('cmdstat_'.length), Number(calls[1]));
    }
    const redisStats = infoFields(stats);
    return {
      at: performance.now(),
      cpu: await this.#cpu.snapshot(),
      generator: process.cpuUsage(),
      machine: machineTicks(),
      pg: { statements: counts.reduce((s, c) => s + c.statements, 0), commits: counts.reduce((s, c) => s + c.commits, 0), explicitCommits: counts.reduce((s, c) => s + c.explicitCommits, 0), byStatement },
      redisCalls,
      redisBytes: { in: Number(redisStats.get('total_net_input_bytes')), out: Number(redisStats.get('total_net_output_bytes')) },
    };
  }

  /** Transactions committed in the benchmark's database so far (PostgreSQL's own count; flushed up to 10 s late). */
  async xactCommits(): Promise<number> {
    const { rows } = await this.#target.db.admin.query<{ n: string }>('SELECT xact_commit AS n FROM pg_stat_database WHERE datname = $1', [this.#target.db.name]);
    return Number(rows[0]!.n);
  }

  /** Takes the cores each part keeps busy between two samples with no load as its idle baseline. */
  setIdle(a: Sample, b: Sample): void {
    const seconds = (b.at - a.at) / 1000;
    const used = partSeconds(a, b);
    this.#idle = Object.fromEntries(PARTS.map((p) => [p, used[p] / seconds])) as Record<Part, number>;
  }

  #idle = Object.fromEntries(PARTS.map((p) => [p, 0])) as Record<Part, number>;

  /** What each message of a step cost, between two samples. */
  costs(a: Sample, b: Sample, messages: number): Costs {
    const seconds = (b.at - a.at) / 1000;
    const used = partSeconds(a, b);
    const cpuUs = Object.fromEntries(PARTS.map((p) => [p, ((used[p] - this.#idle[p] * seconds) / messages) * 1e6])) as Record<Part, number>;
    const ourSeconds = PARTS.reduce((s, p) => s + used[p], 0);
    const machineSeconds = ((b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total)) * availableParallelism() * seconds;
    const byCommand: [string, number][] = [];
    for (const [cmd, calls] of b.redisCalls) {
      // The probe's own INFO is not the cluster's.
      const n = calls - (a.redisCalls.get(cmd) ?? 0);
      if (cmd !== 'info' && n > 0) byCommand.push([cmd, n / messages]);
    }
    byCommand.sort((x, y) => y[1] - x[1]);
    const byStatement = [...b.pg.byStatement].map(([shape, n]): [string, number] => [shape, (n - (a.pg.byStatement.get(shape) ?? 0)) / messages]);
    return {
      cpuUs,
      idleCores: { ...this.#idle },
      totalUs: DEPLOYMENT_PARTS.reduce((s, p) => s + cpuUs[p], 0),
      ourCores: ourSeconds / seconds,
      otherCores: Math.max(0, machineSeconds - ourSeconds) / seconds,
      pgStatements: (b.pg.statements - a.pg.statements) / messages,
      pgCommits: (b.pg.commits - a.pg.commits) / messages,
      pgWriteCommits: (b.pg.explicitCommits - a.pg.explicitCommits) / messages,
      pgByStatement: Object.fromEntries(byStatement.filter(([, n]) => n > 0).sort((x, y) => y[1] - x[1])),
      redisCommands: byCommand.reduce((s, [, n]) => s + n, 0),
      redisByCommand: Object.fromEntries(byCommand),
      redisBytesIn: (b.redisBytes.in - a.redisBytes.in) / messages,
      redisBytesOut: (b.redisBytes.out - a.redisBytes.out) / messages,
    };
  }
}
