/**
 * The cluster's scaling model, from the per-message costs the cluster benchmark measured at
 * two cluster sizes (README, "Scaling on paper"). Costs that grow with the number of nodes
 * are fitted as a line through the two sizes: every node receives and parses every published
 * event (one Redis channel), and Redis sends each event to every subscribed node.
 *
 *   node CPU per message   = send + N × receive     (send: scales out; receive: every node)
 *   Redis CPU per message  = publish + N × deliver  (one thread)
 *   PostgreSQL per message = the measured CPU of its backends, at the smaller size
 */
import type { Costs } from './cluster-costs.js';
import { fmt, table } from './stats.js';

export interface ScalingModel {
  sizes: [number, number];
  /** µs of node CPU per message: the part split across nodes, and the part every node pays. */
  nodeSendUs: number;
  nodeReceiveUs: number;
  redisPublishUs: number;
  redisDeliverUs: number;
  postgresUs: number;
  pgCommits: number;
  pgWriteCommits: number;
  pgStatements: number;
  nginxUs: number;
}

/** Slope and intercept of a line through (n1, y1) and (n2, y2); a negative slope (noise) counts as flat. */
function line(n1: number, y1: number, n2: number, y2: number): { fixed: number; perNode: number } {
  const perNode = Math.max(0, (y2 - y1) / (n2 - n1));
  return { fixed: Math.max(0, y1 - n1 * perNode), perNode };
}

export function fitScalingModel(small: number, atSmall: Costs, big: number, atBig: Costs): ScalingModel {
  const node = line(small, atSmall.cpuUs.nodes, big, atBig.cpuUs.nodes);
  const redis = line(small, atSmall.cpuUs.redis, big, atBig.cpuUs.redis);
  return {
    sizes: [small, big],
    nodeSendUs: node.fixed,
    nodeReceiveUs: node.perNode,
    redisPublishUs: redis.fixed,
    redisDeliverUs: redis.perNode,
    postgresUs: atSmall.cpuUs.postgres + atSmall.cpuUs.postgresShared,
    pgCommits: atSmall.pgCommits,
    pgWriteCommits: atSmall.pgWriteCommits,
    pgStatements: atSmall.pgStatements,
    nginxUs: atSmall.cpuUs.nginx,
  };
}

/** msg/s each part can carry with N nodes, each node on a machine of its own (one event loop = one core). */
export function ceilings(m: ScalingModel, nodes: number, postgresCores: number) {
  return {
    nodes: 1e6 / (m.nodeSendUs / nodes + m.nodeReceiveUs),
    redis: 1e6 / (m.redisPublishUs + nodes * m.redisDeliverUs),
    postgres: (postgresCores * 1e6) / m.postgresUs,
  };
}

/** The model's inputs and what N nodes on N machines should carry, as Markdown. */
export function describeModel(m: ScalingModel, postgresCores: number, sizes = [1, 2, 3, 4, 8, 16, 32]): string {
  const inputs = table(
    ['model input (per message)', 'value', 'from'],
    [
      ['node CPU, split across nodes (send)', `${fmt(m.nodeSendUs)} µs`, `nodes CPU at ${m.sizes[0]} and ${m.sizes[1]} nodes, line through both`],
      ['node CPU, paid by every node (receive)', `${fmt(m.nodeReceiveUs)} µs`, 'slope of the same line'],
      ['Redis CPU, once (publish)', `${fmt(m.redisPublishUs)} µs`, `Redis CPU at ${m.sizes[0]} and ${m.sizes[1]} nodes`],
      ['Redis CPU, per subscribed node (deliver)', `${fmt(m.redisDeliverUs)} µs`, 'slope of the same line'],
      ['PostgreSQL CPU (backends + WAL writer, checkpointer)', `${fmt(m.postgresUs)} µs`, `${m.sizes[0]} node`],
      ['PostgreSQL transactions (all / BEGIN…COMMIT) / round trips', `${fmt(m.pgCommits, 3)} / ${fmt(m.pgWriteCommits, 3)} / ${fmt(m.pgStatements, 2)}`, `${m.sizes[0]} node`],
      ['nginx CPU', `${fmt(m.nginxUs)} µs`, `${m.sizes[0]} node (scales with more balancers)`],
    ],
  );
  const rows = sizes.map((n) => {
    const c = ceilings(m, n, postgresCores);
    const limit = Math.min(c.nodes, c.redis, c.postgres);
    const first = limit === c.nodes ? 'nodes' : limit === c.redis ? 'Redis' : 'PostgreSQL';
    return [n, fmt(c.nodes, 0), fmt(c.redis, 0), fmt(c.postgres, 0), fmt(limit, 0), first];
  });
  const capacity = table(['nodes (1 per machine)', 'nodes carry msg/s', 'Redis carries msg/s', `PostgreSQL (${postgresCores} cores) carries msg/s`, 'cluster msg/s', 'first bottleneck'], rows);
  return `${inputs}\n\n${capacity}`;
}

export interface CheckRow {
  nodes: number;
  /** All parts' CPU per message at the cost rate beyond their idle use (nodes, PostgreSQL, Redis, nginx, generator). */
  totalUs: number;
  /** Cores all parts keep busy with nobody sending. */
  idleCores: number;
  /** Cores busy with other work than the benchmark's, at the peak. */
  otherCores: number;
  /** Highest rate of fully delivered messages the run reached. */
  measured: number;
  /** All parts' CPU per message in that peak step (batches are larger there than at the cost rate). */
  peakTotalUs: number;
}

/** On one machine every part shares its cores: capacity = (cores − idle use) / CPU per message. */
export function describeCheck(rows: CheckRow[], cores: number): string {
  return table(
    [
      'cluster on this machine', 'CPU µs per message (all parts, cost rate)', 'idle use, cores', `predicted msg/s (${cores} cores)`, 'other load at the peak, cores',
      'predicted msg/s (cores left)', 'measured peak msg/s', `error (${cores} cores)`, 'error (cores left)', 'CPU µs per message at the peak', 'cores left / that, msg/s',
    ],
    rows.map((r) => {
      const free = (others: number, us: number) => (Math.max(0.05, cores - r.idleCores - others) * 1e6) / us;
      const [all, left, atPeak] = [free(0, r.totalUs), free(r.otherCores, r.totalUs), free(r.otherCores, r.peakTotalUs)];
      const err = (p: number) => `${p >= r.measured ? '+' : ''}${fmt(((p - r.measured) / r.measured) * 100, 0)} %`;
      return [
        `${r.nodes} node${r.nodes === 1 ? '' : 's'}`, fmt(r.totalUs), fmt(r.idleCores, 2), fmt(all, 0), fmt(r.otherCores, 2),
        fmt(left, 0), fmt(r.measured, 0), err(all), err(left), fmt(r.peakTotalUs), `${fmt(atPeak, 0)} (${err(atPeak)})`,
      ];
    }),
  );
}
