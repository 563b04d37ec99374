/**
 * Server benchmark: N clients on loopback in rooms of G, each sending text at a fixed offered
 * rate, stepped up. Same workload against Natter and the Socket.IO peers, in one run.
 * Reports delivered messages/s, p50/p99 send-to-ack and send-to-delivery latency, server CPU
 * and RSS, and this load generator's own CPU (when it nears 100 % the generator is the limit).
 *
 *   npm run bench:server -- --clients 200 --group 10 --rates 1000,2000,4000 --seconds 5
 */
import { parseArgs } from 'node:util';
import { cpuSeconds, fmt, percentile, rssMiB, table } from './lib/stats.js';
import { startNatter, startSocketIo, type BenchClient, type Target } from './lib/targets.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '200' },
    group: { type: 'string', default: '10' },
    rates: { type: 'string', default: '1000,2000,4000,8000,16000' },
    seconds: { type: 'string', default: '5' },
    targets: { type: 'string', default: 'natter,socketio,socketio-mem' },
  },
});
const CLIENTS = Number(values.clients);
const GROUP = Number(values.group);
const RATES = values.rates!.split(',').map(Number);
const SECONDS = Number(values.seconds);
const TICK_MS = 10;

interface StepResult {
  target: string;
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
}

async function runTarget(target: Target): Promise<StepResult[]> {
  const rooms: string[][] = [];
  for (let i = 0; i < CLIENTS; i++) (rooms[Math.floor(i / GROUP)] ??= []).push(`u${i}`);
  await target.prepare(rooms);

  const sentAt = new Map<string, number>();
  let acks: number[] = [];
  let deliveries: number[] = [];
  let delivered = 0;
  const clients: BenchClient[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    clients.push(
      await target.connect(`u${i}`, Math.floor(i / GROUP), {
        onAck(id) {
          const t = sentAt.get(id);
          if (t !== undefined) acks.push(performance.now() - t);
        },
        onDeliver(id) {
          const t = sentAt.get(id);
          delivered++;
          if (t !== undefined) deliveries.push(performance.now() - t);
        },
      }),
    );
  }

  const results: StepResult[] = [];
  let seq = 0;
  for (const rate of RATES) {
    acks = [];
    deliveries = [];
    delivered = 0;
    sentAt.clear();
    let sent = 0;
    const cpu0 = cpuSeconds(target.pid);
    const gen0 = process.cpuUsage();
    const start = performance.now();
    // Send on a fixed schedule: at each tick, catch up to rate * elapsed (spread over clients).
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
    // Drain: wait (bounded) for the deliveries still in flight.
    const drainDeadline = performance.now() + 3000;
    while (delivered < expected && performance.now() < drainDeadline) await new Promise((r) => setTimeout(r, 20));
    const elapsed = (performance.now() - start) / 1000;
    const gen = process.cpuUsage(gen0);
    acks.sort((a, b) => a - b);
    deliveries.sort((a, b) => a - b);
    results.push({
      target: target.name,
      offered: rate,
      sentPerSec: sent / sendWindow,
      deliveredPerSec: delivered / elapsed,
      deliveredRatio: delivered / expected,
      ackP50: percentile(acks, 50),
      ackP99: percentile(acks, 99),
      delP50: percentile(deliveries, 50),
      delP99: percentile(deliveries, 99),
      serverCpu: ((cpuSeconds(target.pid) - cpu0) / elapsed) * 100,
      serverRss: rssMiB(target.pid),
      genCpu: ((gen.user + gen.system) / 1e6 / elapsed) * 100,
    });
    const r = results.at(-1)!;
    console.error(`${target.name} @ ${rate}/s: delivered ${(r.deliveredRatio * 100).toFixed(1)}%, ack p99 ${fmt(r.ackP99)} ms`);
    // A step that lost the offered rate badly is the last one worth running.
    if (r.deliveredRatio < 0.5 || r.ackP99 > 5000) break;
  }
  for (const c of clients) c.close();
  return results;
}

const starters: Record<string, () => Promise<Target>> = {
  natter: startNatter,
  socketio: () => startSocketIo(true),
  'socketio-mem': () => startSocketIo(false),
};

const all: StepResult[] = [];
for (const name of values.targets!.split(',')) {
  const target = await starters[name]!();
  try {
    all.push(...(await runTarget(target)));
  } finally {
    await target.stop();
  }
}

/** Highest offered rate a target kept up with: ≥ 95 % delivered and p99 ack under 1 s. */
const keptUp = (name: string) =>
  Math.max(0, ...all.filter((r) => r.target === name && r.deliveredRatio >= 0.95 && r.ackP99 < 1000).map((r) => r.offered));

console.log(`\nServer benchmark: ${CLIENTS} clients in rooms of ${GROUP}, ${SECONDS} s per step, loopback\n`);
console.log(
  table(
    ['server', 'offered msg/s', 'sent msg/s', 'delivered msg/s', 'delivered %', 'ack p50 ms', 'ack p99 ms', 'delivery p50 ms', 'delivery p99 ms', 'server CPU %', 'server RSS MiB', 'generator CPU %'],
    all.map((r) => [
      r.target, r.offered, fmt(r.sentPerSec, 0), fmt(r.deliveredPerSec, 0), fmt(r.deliveredRatio * 100),
      fmt(r.ackP50), fmt(r.ackP99), fmt(r.delP50), fmt(r.delP99), fmt(r.serverCpu, 0), fmt(r.serverRss, 0), fmt(r.genCpu, 0),
    ]),
  ),
);
const natter = keptUp('natter');
console.log('\nHighest offered rate kept up (≥ 95 % delivered, p99 ack < 1 s):');
for (const name of new Set(all.map((r) => r.target))) {
  const k = keptUp(name);
  const ratio = name === 'natter' || k === 0 ? '' : ` (natter: ${fmt(natter / k)}×)`;
  console.log(`- ${name}: ${k} msg/s${ratio}`);
}
