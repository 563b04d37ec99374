/**
 * The cluster's scaling model (README, "Scaling on paper"), from what a message cost each
 * part in the cost steps: two fixed rates that every cluster size keeps up with, at two sizes.
 *
 * A part's CPU per message falls as the rate grows, because commits gather more messages
 * (group commit): per second it spends `overhead` cores whatever the rate, plus `marginal` µs
 * per message. The two cost rates give both: CPU per message = marginal + overhead / rate.
 *
 * Every node receives and parses every published event (one Redis channel), and Redis sends
 * each event to every subscribed node:
 *
 *   node marginal       = send + N × receive      (send: split across nodes; receive: on every node)
 *   Redis marginal      = publish + S × deliver   (one thread; S subscribers: N nodes and the bystander)
 *   PostgreSQL marginal = measured at the smaller size
 *
 * `receive` is what the bystander node (subscribed, no clients) spends per message; `send` is
 * the rest of the smaller size's marginal. Redis's `deliver` is the slope of a line through the two sizes.
 */
import { DEPLOYMENT_PARTS, type Costs, type Part } from './cluster-costs.js';
import { fmt, table } from './stats.js';

/** One cost step: the offered rate and what each message cost. */
export interface RateCosts {
  rate: number;
  costs: Costs;
}

/** A part's CPU at one size: µs per message, and cores busy per second whatever the rate. */
export interface PartCost {
  marginalUs: number;
  overheadCores: number;
}

/** CPU per message = marginal + overhead / rate, through the lowest and the highest cost rate (one rate: no overhead). */
export function splitByRate(steps: RateCosts[], parts: readonly Part[]): PartCost {
  const us = (s: RateCosts) => parts.reduce((sum, p) => sum + s.costs.cpuUs[p], 0);
  const sorted = [...steps].sort((a, b) => a.rate - b.rate);
  const [low, high] = [sorted[0]!, sorted.at(-1)!];
  if (low.rate === high.rate) return { marginalUs: us(low), overheadCores: 0 };
  const overheadUsPerSecond = Math.max(0, (us(low) - us(high)) / (1 / low.rate - 1 / high.rate));
  return { marginalUs: Math.max(0, us(high) - overheadUsPerSecond / high.rate), overheadCores: overheadUsPerSecond / 1e6 };
}

/** Fixed part and per-node part of a line through (n1, y1) and (n2, y2); a negative slope (noise) counts as flat. */
function line(n1: number, y1: number, n2: number, y2: number): { fixed: number; perNode: number; slope: number } {
  const slope = (y2 - y1) / (n2 - n1);
  const perNode = Math.max(0, slope);
  return { fixed: Math.max(0, y1 - n1 * perNode), perNode, slope };
}

/** A fitted per-node cost, saying so when the fit came out negative (noise) and was taken as zero. */
const perNodeCell = (value: number, slope: number, unit: string, digits = 1) =>
  slope < 0 ? `0 (fit: ${fmt(slope, digits)} ${unit}, noise)` : `${fmt(value, digits)} ${unit}`;

export interface ScalingModel {
  sizes: [number, number];
  /** Node CPU: µs per message split across nodes (send) and paid by every node (receive); overhead cores, fixed and per node. */
  nodeSendUs: number;
  nodeReceiveUs: number;
  /** Whether `nodeReceiveUs` is the bystander's (else the line through the sizes). */
  receiveFromBystander: boolean;
  /** Fitted slopes before negative ones are taken as zero (nodeReceive: the line through both sizes' node CPU, a cross-check of the bystander's). */
  slopes: { nodeReceive: number; nodeOverhead: number; redisDeliver: number };
  nodeOverheadFixed: number;
  nodeOverheadPerNode: number;
  redisPublishUs: number;
  redisDeliverUs: number;
  redisOverheadCores: number;
  postgres: PartCost;
  /** Per message at the higher cost rate, smaller size. */
  pgCommits: number;
  pgWriteCommits: number;
  pgStatements: number;
  nginx: PartCost;
}

const POSTGRES: Part[] = ['postgres', 'postgresShared'];

export function fitScalingModel(small: number, atSmall: RateCosts[], big: number, atBig: RateCosts[]): ScalingModel {
  const [nodeSmall, nodeBig] = [splitByRate(atSmall, ['nodes']), splitByRate(atBig, ['nodes'])];
  const [redisSmall, redisBig] = [splitByRate(atSmall, ['redis']), splitByRate(atBig, ['redis'])];
  const node = line(small, nodeSmall.marginalUs, big, nodeBig.marginalUs);
  const nodeOverhead = line(small, nodeSmall.overheadCores, big, nodeBig.overheadCores);
  // Runs saved before the bystander existed have none: then the line through both sizes stands in.
  // What the bystander spent per message at the higher cost rate, mean of both sizes. An upper
  // bound: Redis hands a busy subscriber several messages per read, so it falls as the rate grows.
  const atTop = (steps: RateCosts[]) => [...steps].sort((a, b) => b.rate - a.rate)[0]!.costs.cpuUs.bystander;
  const bystander = (atTop(atSmall) + atTop(atBig)) / 2;
  // With a bystander, each size had one more subscriber than nodes.
  const extra = Number.isFinite(bystander) ? 1 : 0;
  const redis = line(small + extra, redisSmall.marginalUs, big + extra, redisBig.marginalUs);
  const receive = Number.isFinite(bystander) ? bystander : node.perNode;
  const send = Math.max(0, nodeSmall.marginalUs - small * receive);
  const top = [...atSmall].sort((a, b) => b.rate - a.rate)[0]!.costs;
  return {
    sizes: [small, big],
    nodeSendUs: send,
    nodeReceiveUs: receive,
    receiveFromBystander: Number.isFinite(bystander),
    slopes: { nodeReceive: node.slope, nodeOverhead: nodeOverhead.slope, redisDeliver: redis.slope },
    nodeOverheadFixed: nodeOverhead.fixed,
    nodeOverheadPerNode: nodeOverhead.perNode,
    redisPublishUs: redis.fixed,
    redisDeliverUs: redis.perNode,
    redisOverheadCores: Math.max(redisSmall.overheadCores, redisBig.overheadCores),
    postgres: splitByRate(atSmall, POSTGRES),
    pgCommits: top.pgCommits,
    pgWriteCommits: top.pgWriteCommits,
    pgStatements: top.pgStatements,
    nginx: splitByRate(atSmall, ['nginx']),
  };
}

/** msg/s each part can carry with N nodes, each node on a machine of its own (one event loop: one core). */
export function ceilings(m: ScalingModel, nodes: number, postgresCores: number) {
  const perNodeOverhead = (m.nodeOverheadFixed + nodes * m.nodeOverheadPerNode) / nodes;
  return {
    nodes: (Math.max(0, 1 - perNodeOverhead) * 1e6) / (m.nodeSendUs / nodes + m.nodeReceiveUs),
    redis: (Math.max(0, 1 - m.redisOverheadCores) * 1e6) / (m.redisPublishUs + nodes * m.redisDeliverUs),
    postgres: (Math.max(0, postgresCores - m.postgres.overheadCores) * 1e6) / m.postgres.marginalUs,
  };
}

/** The model's inputs and what N nodes on N machines should carry, as Markdown. */
export function describeModel(m: ScalingModel, postgresCores: number, sizes = [1, 2, 3, 4, 8, 16, 32]): string {
  const [s, b] = m.sizes;
  const inputs = table(
    ['model input', 'value', 'from'],
    [
      ['node CPU per message, split across nodes (send)', `${fmt(m.nodeSendUs)} µs`, `marginal node CPU at ${s} node${s === 1 ? '' : 's'}, less ${s} × receive`],
      m.receiveFromBystander
        ? ['node CPU per message, on every node (receive)', `${fmt(m.nodeReceiveUs)} µs`, `the bystander node at the higher cost rate, mean of both sizes: an upper bound (line through the nodes' CPU: ${fmt(m.slopes.nodeReceive)} µs)`]
        : ['node CPU per message, on every node (receive)', perNodeCell(m.nodeReceiveUs, m.slopes.nodeReceive, 'µs'), 'slope of the line through both sizes\' node CPU (no bystander in these runs)'],
      ['node overhead, whatever the rate', `${fmt(m.nodeOverheadFixed, 2)} + N × ${perNodeCell(m.nodeOverheadPerNode, m.slopes.nodeOverhead, 'cores', 2)}`, 'the two cost rates, both sizes'],
      ['Redis CPU per message, once (publish)', `${fmt(m.redisPublishUs)} µs`, `marginal Redis CPU at ${s} and ${b} nodes (+ the bystander)`],
      ['Redis CPU per message, per node (deliver)', perNodeCell(m.redisDeliverUs, m.slopes.redisDeliver, 'µs'), 'slope of the same line'],
      ['Redis overhead', `${fmt(m.redisOverheadCores, 2)} cores`, 'the two cost rates'],
      ['PostgreSQL CPU per message (backends, WAL writer, checkpointer)', `${fmt(m.postgres.marginalUs)} µs + ${fmt(m.postgres.overheadCores, 2)} cores`, `${s} node, the two cost rates`],
      ['PostgreSQL transactions (all / BEGIN…COMMIT) / round trips per message', `${fmt(m.pgCommits, 3)} / ${fmt(m.pgWriteCommits, 3)} / ${fmt(m.pgStatements, 2)}`, `${s} node, higher cost rate`],
      ['nginx CPU per message', `${fmt(m.nginx.marginalUs)} µs + ${fmt(m.nginx.overheadCores, 2)} cores`, `${s} node (more balancers scale it)`],
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
  /** The cost steps of this size (all parts, generator included). */
  costSteps: RateCosts[];
  /** Cores busy with other work than the benchmark's, at the peak. */
  otherCores: number;
  /** Highest rate of fully delivered messages the run reached. */
  measured: number;
}


/**
 * On one machine every part shares its cores: capacity = (cores − overhead) / marginal CPU per
 * message, all parts together. Beside it, the naive figure: cores / CPU per message at the
 * lowest cost rate (no overhead split off).
 */
export function describeCheck(rows: CheckRow[], cores: number): string {
  return table(
    [
      'cluster on this machine', 'all parts: µs per message + overhead cores', `predicted msg/s (${cores} cores)`, 'other load at the peak, cores', 'predicted msg/s (cores left)',
      'measured peak msg/s', 'error', `naive: cores left / µs per message at ${Math.min(...rows.flatMap((r) => r.costSteps.map((s) => s.rate)))} msg/s`,
    ],
    rows.map((r) => {
      const split = splitByRate(r.costSteps, DEPLOYMENT_PARTS);
      const left = Math.max(0.05, cores - r.otherCores);
      // A marginal cost of 0 means the cost steps contradict each other (one of them overloaded): no prediction.
      const predict = (free: number) => (split.marginalUs > 0 ? (Math.max(0.05, free - split.overheadCores) * 1e6) / split.marginalUs : NaN);
      const predicted = predict(left);
      const lowest = [...r.costSteps].sort((a, b) => a.rate - b.rate)[0]!.costs.totalUs;
      const naive = (left * 1e6) / lowest;
      const err = (p: number) => (Number.isFinite(p) ? `${p >= r.measured ? '+' : ''}${fmt(((p - r.measured) / r.measured) * 100, 0)} %` : '–');
      return [
        `${r.nodes} node${r.nodes === 1 ? '' : 's'}`, `${fmt(split.marginalUs)} µs + ${fmt(split.overheadCores, 2)}`, fmt(predict(cores), 0), fmt(r.otherCores, 2),
        fmt(predicted, 0), fmt(r.measured, 0), err(predicted), `${fmt(naive, 0)} (${err(naive)})`,
      ];
    }),
  );
}
