/**
 * Cluster benchmark: the same load as bench/server.ts (N clients in rooms of G, a fixed offered
 * send rate stepped up) against Natter over PostgreSQL and Redis behind nginx, first with
 * 1 node, then with 3 nodes, in one run. Rooms span nodes (round robin, no stickiness), so
 * most deliveries cross Redis. Prints Markdown tables: latency and throughput per step, what
 * each message costs each part (CPU of nodes, PostgreSQL, Redis, nginx, generator; PostgreSQL
 * round trips and commits; Redis commands and bytes), the scaling model fitted on the cost
 * step (a fixed rate every size keeps up with) and its check against the peaks measured here.
 * Medians of --runs runs.
 *
 *   npm run bench:cluster -- --clients 200 --group 10 --rates 500,1000,2000,4000 --seconds 5 --cost-rates 500,1000 --runs 3
 *
 * Needs nginx (/usr/sbin/nginx), redis-server (a private one is started, so its counts are this
 * run's own) and PostgreSQL as the test suites do (README, Services); each cluster size gets a
 * database of its own there. The nodes run with bench/lib/pg-query-counter.ts preloaded.
 */
import { availableParallelism } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { requirePostgres, uniqueName } from '../test/server/helpers/services.js';
import { createNode, freePort, startLocalCluster, type LocalCluster } from '../test/cluster/lib/local-cluster.js';
import { createBenchDatabase, startPrivateRedis, type PrivateRedis } from './lib/bench-services.js';
import { CostProbe, PARTS, type Costs } from './lib/cluster-costs.js';
import { COUNTING_NODE_OPTIONS, forgetPgQueryCounts } from './lib/pg-query-counts.js';
import { machineTicks } from './lib/proc-cpu.js';
import { describeCheck, describeModel, fitScalingModel } from './lib/scaling-model.js';
import { fmt, median, percentile, rssMiB, table } from './lib/stats.js';
import { openNatterSocket } from './lib/natter-socket.js';

/** Load average, as `uptime` prints it, for the report. */
const uptime = () => `load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(', ')}`;

interface BenchClient {
  send(clientMsgId: string): void;
  close(): void;
}

interface Handlers {
  onAck(clientMsgId: string): void;
  onDeliver(clientMsgId: string): void;
}

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '200' },
    group: { type: 'string', default: '10' },
    rates: { type: 'string', default: '500,1000,2000,4000,8000' },
    seconds: { type: 'string', default: '5' },
    nodes: { type: 'string', default: '1,3' },
    'cost-rates': { type: 'string', default: '500,1000' },
    'cost-seconds': { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    /** Keep every run's steps as JSON here; `--report` prints the tables again from such a file. */
    save: { type: 'string' },
    report: { type: 'string' },
    'pg-cores': { type: 'string', default: String(availableParallelism()) },
  },
});
const CLIENTS = Number(values.clients);
const GROUP = Number(values.group);
const RATES = values.rates!.split(',').map(Number);
const SECONDS = Number(values.seconds);
const SIZES = values.nodes!.split(',').map(Number);
/** Fixed rates every size keeps up with; the model's inputs come from them. */
const COST_RATES = values['cost-rates']!.split(',').map(Number);
const COST_SECONDS = Number(values['cost-seconds']);
const RUNS = Number(values.runs);
const PG_CORES = Number(values['pg-cores']);
const TICK_MS = 10;
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
const ADMIN_KEY = 'bench-admin-key-0123456789';

interface Step {
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

/** pg_stat_database hears of an idle backend's commits up to 10 s late (PGSTAT_IDLE_INTERVAL). */
const STATS_SETTLE_MS = 11_000;
const WARM_UP_SECONDS = 5;

async function withCluster(nodes: number, redis: PrivateRedis, run: (cluster: LocalCluster, probe: CostProbe) => Promise<Step[]>): Promise<Step[]> {
  const db = await createBenchDatabase();
  const env = {
    NATTER_SECRET: SECRET, NATTER_ADMIN_KEY: ADMIN_KEY, NATTER_DATABASE_URL: db.url, NATTER_REDIS_URL: redis.url,
    NATTER_REDIS_PREFIX: `${uniqueName('natter_bench')}:`, NATTER_SEND_RATE_PER_MINUTE: '100000000',
    NODE_OPTIONS: COUNTING_NODE_OPTIONS,
  };
  // A node outside nginx, with no clients: what it spends is what every node spends on each
  // published event (receive, parse, find no local recipient), measured apart from the rest.
  const bystanderDir = mkdtempSync(join(tmpdir(), 'natter-bystander-'));
  const bystander = createNode(await freePort(), bystanderDir, env);
  let cluster: LocalCluster | undefined;
  try {
    cluster = await startLocalCluster({ nodes, nginxWorkers: 1, env });
    await bystander.start();
    const c = cluster;
    return await run(c, new CostProbe({ nodePids: () => c.nodes.map((n) => n.process!.pid!), bystanderPid: () => bystander.process?.pid, db, redis }));
  } finally {
    const pids = [...(cluster?.nodes ?? []), bystander].map((n) => n.process?.pid);
    await bystander.stop();
    await cluster?.stop();
    for (const pid of pids) if (pid !== undefined) forgetPgQueryCounts(pid);
    rmSync(bystanderDir, { recursive: true, force: true });
    await db.drop();
  }
}

async function connect(cluster: LocalCluster, token: string, user: string, room: number, h: Handlers): Promise<BenchClient> {
  const conversationId = `group:room${room}`;
  const socket = await openNatterSocket(cluster.wsUrl, token, {
    onFrame(f) {
      if (f['type'] === 'message.ack') h.onAck(f['clientMsgId']);
      else if (f['type'] === 'message.new' && f['message'].sender !== user) h.onDeliver(f['message'].clientMsgId);
    },
  });
  return {
    send: (clientMsgId) => socket.send({ type: 'message.send', clientMsgId, conversationId, elem: { type: 'text', text: `hello from ${user}` } }),
    close: () => socket.close(),
  };
}

async function runSteps(cluster: LocalCluster, probe: CostProbe, nodes: number): Promise<Step[]> {
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(cluster.url + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const tokens: string[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    await admin('PUT', `/v1/users/u${i}`, { name: `u${i}` });
    tokens.push(String((await admin('POST', '/v1/tokens', { userId: `u${i}`, ttlSeconds: 3600 })).token));
  }
  for (let r = 0; r * GROUP < CLIENTS; r++) {
    const members = Array.from({ length: Math.min(GROUP, CLIENTS - r * GROUP) }, (_, k) => `u${r * GROUP + k}`);
    await admin('POST', '/v1/groups', { id: `room${r}`, name: `Room ${r}`, members });
  }

  const sentAt = new Map<string, number>();
  let acks: number[] = [];
  let deliveries: number[] = [];
  let delivered = 0;
  let deliveredInWindow = 0;
  let windowEnd = Infinity;
  const clients: BenchClient[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    clients.push(await connect(cluster, tokens[i]!, `u${i}`, Math.floor(i / GROUP), {
      onAck(id) {
        const t = sentAt.get(id);
        if (t !== undefined) acks.push(performance.now() - t);
      },
      onDeliver(id) {
        const t = sentAt.get(id);
        const now = performance.now();
        delivered++;
        if (now <= windowEnd) deliveredInWindow++;
        if (t !== undefined) deliveries.push(now - t);
      },
    }));
  }
  const pids = () => cluster.nodes.map((n) => n.process!.pid!);

  let seq = 0;
  /** `settle`: measure the idle baseline before, and pg_stat_database's commits (which it hears of late). */
  async function step(kind: Step['kind'], rate: number, seconds: number, settle = false): Promise<Step> {
    acks = [];
    deliveries = [];
    delivered = 0;
    deliveredInWindow = 0;
    sentAt.clear();
    let sent = 0;
    if (settle) {
      // The settling is also the idle baseline: what each part spends with nobody sending.
      await sleep(1000);
      const idle = await probe.sample();
      await sleep(STATS_SETTLE_MS - 1000);
      probe.setIdle(idle, await probe.sample());
    }
    const xact0 = settle ? await probe.xactCommits() : NaN;
    const before = await probe.sample();
    const machine0 = machineTicks();
    const start = performance.now();
    windowEnd = start + seconds * 1000;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const elapsed = (performance.now() - start) / 1000;
        const due = Math.min(rate * seconds, Math.floor(rate * elapsed));
        while (sent < due) {
          const id = `b${(seq++).toString(36).padStart(8, '0')}`;
          sentAt.set(id, performance.now());
          clients[sent % CLIENTS]!.send(id);
          sent++;
        }
        if (elapsed >= seconds) {
          clearInterval(timer);
          resolve();
        }
      }, TICK_MS);
    });
    const sendWindow = (performance.now() - start) / 1000;
    const expected = sent * (GROUP - 1);
    const drainDeadline = performance.now() + 3000;
    while (delivered < expected && performance.now() < drainDeadline) await sleep(20);
    const elapsed = (performance.now() - start) / 1000;
    const after = await probe.sample();
    const machine1 = machineTicks();
    const xact1 = settle ? (await sleep(STATS_SETTLE_MS), await probe.xactCommits()) : NaN;
    acks.sort((a, b) => a - b);
    deliveries.sort((a, b) => a - b);
    const result: Step = {
      nodes, kind, offered: rate, sentPerSec: sent / sendWindow, deliveredPerSec: delivered / elapsed, deliveredRatio: delivered / expected,
      throughput: deliveredInWindow / (GROUP - 1) / sendWindow,
      ackP50: percentile(acks, 50), ackP99: percentile(acks, 99), delP50: percentile(deliveries, 50), delP99: percentile(deliveries, 99),
      serverRss: pids().reduce((s, pid) => s + rssMiB(pid), 0),
      machineCpu: ((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * 100,
      costs: probe.costs(before, after, sent),
      xactPerMessage: (xact1 - xact0) / sent,
    };
    console.error(
      `${label(nodes)} @ ${rate}/s${kind === 'load' ? '' : ` (${kind})`}: delivered ${(result.deliveredRatio * 100).toFixed(1)}%, ` +
        `ack p50 ${fmt(result.ackP50)} p99 ${fmt(result.ackP99)} ms, ${fmt(result.costs.totalUs)} µs CPU/msg`,
    );
    return result;
  }

  await step('warm-up', COST_RATES[0]!, WARM_UP_SECONDS);
  const steps: Step[] = [];
  for (const [i, rate] of COST_RATES.entries()) steps.push(await step('cost', rate, COST_SECONDS, i === 0));
  for (const rate of RATES) {
    const s = await step('load', rate, SECONDS);
    steps.push(s);
    if (s.deliveredRatio < 0.5 || s.ackP99 > 5000) break;
  }
  for (const c of clients) c.close();
  return steps;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const label = (n: number) => `${n} node${n === 1 ? '' : 's'}`;

const { runs, load: loadNote } = values.report
  ? (JSON.parse(readFileSync(values.report, 'utf8')) as { runs: Step[][]; load: string })
  : { runs: await measureRuns(), load: uptime() };
printReport(medianSteps(runs), runs.length, loadNote);

async function measureRuns(): Promise<Step[][]> {
  await requirePostgres();
  const redis = await startPrivateRedis();
  const runs: Step[][] = [];
  try {
    for (let run = 1; run <= RUNS; run++) {
      console.error(`run ${run} of ${RUNS} (${uptime()})`);
      const steps: Step[] = [];
      for (const n of SIZES) steps.push(...(await withCluster(n, redis, (c, probe) => runSteps(c, probe, n))));
      runs.push(steps);
      if (values.save) writeFileSync(values.save, JSON.stringify({ load: uptime(), runs }, null, 1));
    }
  } finally {
    await redis.stop();
  }
  return runs;
}

/** Per (size, kind, rate), the median of each figure over the runs that reached that step. */
function medianSteps(runs: Step[][]): Step[] {
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

function printReport(all: Step[], runCount: number, loadNote: string): void {
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
  console.log(table(['cluster', ...PARTS], cost.map((r) => [label(r.nodes), ...PARTS.map((p) => fmt(r.costs.idleCores[p], 3))])));
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
