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
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { requirePostgres, uniqueName } from '../test/server/helpers/services.js';
import { createNode, freePort, startLocalCluster, type LocalCluster } from '../test/cluster/lib/local-cluster.js';
import { createBenchDatabase, startPrivateRedis, type PrivateRedis } from './lib/bench-services.js';
import { CostProbe } from './lib/cluster-costs.js';
import { COUNTING_NODE_OPTIONS, forgetPgQueryCounts } from './lib/pg-query-counts.js';
import { machineTicks } from './lib/proc-cpu.js';
import { label, medianSteps, printReport, type Step } from './lib/cluster-report.js';
import { fmt, percentile, rssMiB } from './lib/stats.js';
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

const { runs, load: loadNote } = values.report
  ? (JSON.parse(readFileSync(values.report, 'utf8')) as { runs: Step[][]; load: string })
  : { runs: await measureRuns(), load: uptime() };
printReport(medianSteps(runs), {
  clients: CLIENTS, group: GROUP, seconds: SECONDS, sizes: SIZES, rates: RATES, costRates: COST_RATES, costSeconds: COST_SECONDS,
  pgCores: PG_CORES, runCount: runs.length, loadNote,
});

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
