/**
 * Cluster benchmark: the same load as bench/server.ts (N clients in rooms of G, a fixed offered
 * send rate stepped up) against Natter over PostgreSQL and Redis behind nginx, first with
 * 1 node, then with 3 nodes, in one run. Rooms span nodes (round robin, no stickiness), so
 * most deliveries cross Redis. Prints a Markdown table and the 3-node/1-node ratios.
 *
 *   npm run bench:cluster -- --clients 200 --group 10 --rates 500,1000,2000,4000 --seconds 5
 *
 * Needs nginx (/usr/sbin/nginx), PostgreSQL and Redis as the test suites do (README, Services).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { dropRedisKeys, freshSchema, REDIS_URL, requirePostgres, requireRedis, uniqueName } from '../test/server/helpers/services.js';
import { startLocalCluster, type LocalCluster } from '../test/cluster/lib/local-cluster.js';
import { cpuSeconds, fmt, percentile, rssMiB, table } from './lib/stats.js';
import { openNatterSocket } from './lib/natter-socket.js';

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
  },
});
const CLIENTS = Number(values.clients);
const GROUP = Number(values.group);
const RATES = values.rates!.split(',').map(Number);
const SECONDS = Number(values.seconds);
const TICK_MS = 10;
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
const ADMIN_KEY = 'bench-admin-key-0123456789';

interface Step {
  nodes: number;
  offered: number;
  sentPerSec: number;
  deliveredPerSec: number;
  deliveredRatio: number;
  ackP50: number;
  ackP99: number;
  delP50: number;
  delP99: number;
  serverCpu: number;
  serverRss: number;
  genCpu: number;
  /** Whole machine, all cores: PostgreSQL, Redis and nginx run here too (100 % = every core busy). */
  machineCpu: number;
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - cpu[3]! - (cpu[4] ?? 0), total };
}

async function withCluster(nodes: number, run: (cluster: LocalCluster) => Promise<Step[]>): Promise<Step[]> {
  const db = await freshSchema();
  const prefix = `${uniqueName('natter_bench')}:`;
  const cluster = await startLocalCluster({
    nodes,
    nginxWorkers: 1,
    env: {
      NATTER_SECRET: SECRET, NATTER_ADMIN_KEY: ADMIN_KEY, NATTER_DATABASE_URL: db.url, NATTER_REDIS_URL: REDIS_URL,
      NATTER_REDIS_PREFIX: prefix, NATTER_SEND_RATE_PER_MINUTE: '100000000',
    },
  });
  try {
    return await run(cluster);
  } finally {
    await cluster.stop();
    await db.drop();
    await dropRedisKeys(prefix);
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

async function runSteps(cluster: LocalCluster, nodes: number): Promise<Step[]> {
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
  const clients: BenchClient[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    clients.push(await connect(cluster, tokens[i]!, `u${i}`, Math.floor(i / GROUP), {
      onAck(id) {
        const t = sentAt.get(id);
        if (t !== undefined) acks.push(performance.now() - t);
      },
      onDeliver(id) {
        const t = sentAt.get(id);
        delivered++;
        if (t !== undefined) deliveries.push(performance.now() - t);
      },
    }));
  }
  const pids = () => cluster.nodes.map((n) => n.process!.pid!);
  const cpu = () => pids().reduce((sum, pid) => sum + cpuSeconds(pid), 0);

  const steps: Step[] = [];
  let seq = 0;
  for (const rate of RATES) {
    acks = [];
    deliveries = [];
    delivered = 0;
    sentAt.clear();
    let sent = 0;
    const cpu0 = cpu();
    const gen0 = process.cpuUsage();
    const machine0 = machineTicks();
    const start = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const elapsed = (performance.now() - start) / 1000;
        const due = Math.min(rate * SECONDS, Math.floor(rate * elapsed));
        while (sent < due) {
          const id = `b${(seq++).toString(36).padStart(8, '0')}`;
          sentAt.set(id, performance.now());
          clients[sent % CLIENTS]!.send(id);
          sent++;
        }
        if (elapsed >= SECONDS) {
          clearInterval(timer);
          resolve();
        }
      }, TICK_MS);
    });
    const sendWindow = (performance.now() - start) / 1000;
    const expected = sent * (GROUP - 1);
    const drainDeadline = performance.now() + 3000;
    while (delivered < expected && performance.now() < drainDeadline) await new Promise((r) => setTimeout(r, 20));
    const elapsed = (performance.now() - start) / 1000;
    const gen = process.cpuUsage(gen0);
    const machine1 = machineTicks();
    acks.sort((a, b) => a - b);
    deliveries.sort((a, b) => a - b);
    const step: Step = {
      nodes, offered: rate, sentPerSec: sent / sendWindow, deliveredPerSec: delivered / elapsed, deliveredRatio: delivered / expected,
      ackP50: percentile(acks, 50), ackP99: percentile(acks, 99), delP50: percentile(deliveries, 50), delP99: percentile(deliveries, 99),
      serverCpu: ((cpu() - cpu0) / elapsed) * 100, serverRss: pids().reduce((s, pid) => s + rssMiB(pid), 0),
      genCpu: ((gen.user + gen.system) / 1e6 / elapsed) * 100,
      machineCpu: ((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * 100,
    };
    steps.push(step);
    console.error(`${nodes} node(s) @ ${rate}/s: delivered ${(step.deliveredRatio * 100).toFixed(1)}%, ack p50 ${fmt(step.ackP50)} p99 ${fmt(step.ackP99)} ms`);
    if (step.deliveredRatio < 0.5 || step.ackP99 > 5000) break;
  }
  for (const c of clients) c.close();
  return steps;
}

await requirePostgres();
await requireRedis();
const all: Step[] = [];
for (const n of values.nodes!.split(',').map(Number)) all.push(...(await withCluster(n, (c) => runSteps(c, n))));

const label = (n: number) => `${n} node${n === 1 ? '' : 's'}`;
console.log(`\nCluster benchmark: ${CLIENTS} clients in rooms of ${GROUP}, ${SECONDS} s per step, nginx + PostgreSQL + Redis on loopback\n`);
console.log(
  table(
    ['cluster', 'offered msg/s', 'sent msg/s', 'delivered msg/s', 'delivered %', 'ack p50 ms', 'ack p99 ms', 'delivery p50 ms', 'delivery p99 ms', 'nodes CPU %', 'nodes RSS MiB', 'generator CPU %', 'machine CPU %'],
    all.map((r) => [
      label(r.nodes), r.offered, fmt(r.sentPerSec, 0), fmt(r.deliveredPerSec, 0), fmt(r.deliveredRatio * 100),
      fmt(r.ackP50), fmt(r.ackP99), fmt(r.delP50), fmt(r.delP99), fmt(r.serverCpu, 0), fmt(r.serverRss, 0), fmt(r.genCpu, 0), fmt(r.machineCpu, 0),
    ]),
  ),
);

// Ratios per offered rate that both ran: 3 nodes against 1 node.
const sizes = [...new Set(all.map((r) => r.nodes))].sort((a, b) => a - b);
if (sizes.length >= 2) {
  const [base, big] = [sizes[0]!, sizes.at(-1)!];
  const rows = RATES.flatMap((rate) => {
    const a = all.find((r) => r.nodes === base && r.offered === rate);
    const b = all.find((r) => r.nodes === big && r.offered === rate);
    return a && b ? [[rate, fmt(b.deliveredPerSec / a.deliveredPerSec, 2), fmt(b.ackP50 / a.ackP50, 2), fmt(b.ackP99 / a.ackP99, 2), fmt(b.serverCpu / a.serverCpu, 2)]] : [];
  });
  console.log(`\nRatios, ${label(big)} / ${label(base)} (same offered rate):\n`);
  console.log(table(['offered msg/s', 'delivered msg/s', 'ack p50', 'ack p99', 'nodes CPU'], rows));
  const keptUp = (n: number) => Math.max(0, ...all.filter((r) => r.nodes === n && r.deliveredRatio >= 0.95 && r.ackP99 < 1000).map((r) => r.offered));
  console.log(`\nHighest offered rate kept up (≥ 95 % delivered, p99 ack < 1 s): ${label(base)} ${keptUp(base)} msg/s, ${label(big)} ${keptUp(big)} msg/s`);
}
