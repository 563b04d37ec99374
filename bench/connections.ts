/**
 * Connections benchmark: idle connections one server node holds, and the memory each costs
 * (server RSS growth / connections). Natter connections are authenticated sessions that have
 * finished their catch-up (`sync.done`), each user in a group of 10; Socket.IO connections
 * have joined their room of 10. Clients are spread over several generator processes.
 *
 *   npm run bench:connections -- --counts 1000,5000,10000 --workers 4
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/bundle.js';
import { pool, startNatterServer } from './lib/natter-server.js';
import { startSocketIoServer } from './lib/socketio-peer.js';
import { cpuSeconds, fmt, rssMiB, table } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    counts: { type: 'string', default: '1000,5000,10000' },
    workers: { type: 'string', default: '4' },
    group: { type: 'string', default: '10' },
    smoke: { type: 'boolean', default: false },
  },
});
const COUNTS = values.smoke ? [100] : values.counts!.split(',').map(Number);
const WORKERS = values.smoke ? 2 : Number(values.workers);
const GROUP = Number(values.group);
const MAX = Math.max(...COUNTS);

// `ulimit -n` is per process and inherited: the server needs one descriptor per connection.
const limits = readFileSync('/proc/self/limits', 'utf8');
const [soft, hard] = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(limits)!.slice(1).map((v) => (v === 'unlimited' ? Infinity : Number(v)));
const NEED = MAX + 1000;
if (soft! < NEED && !process.env.BENCH_REEXEC) {
  const raise = Math.min(hard!, Math.max(NEED, 65_536));
  const args = process.argv.slice(1).map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  console.error(`open files: soft limit ${soft}, raising to ${raise} for this run`);
  const r = spawnSync('sh', ['-c', `ulimit -n ${raise} && exec '${process.execPath}' --import tsx ${args}`], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_REEXEC: '1' },
  });
  process.exit(r.status ?? 1);
}
if (soft! < NEED) console.error(`open files capped at ${soft} (hard limit ${hard}): counts above ~${soft! - 1000} may fail`);

interface Step {
  server: string;
  count: number;
  open: number;
  failed: number;
  connectS: number;
  rss: number;
  perConnKiB: number;
  /** RSS growth per connection since the previous step (less sensitive to the baseline). */
  marginalKiB: number;
  cpu: number;
}

interface Client {
  user: string;
  token?: string;
  rooms: string[];
}

function startWorkers(): ChildProcess[] {
  return Array.from({ length: WORKERS }, () =>
    fork(join(ROOT, 'bench/lib/idle-worker.ts'), [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
}

function ask<T>(child: ChildProcess, msg: unknown, answer: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { type: string }) => {
      if (m.type !== answer) return;
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
    child.send(msg as object);
  });
}

async function run(server: string, kind: 'natter' | 'socketio', url: string, pid: number, clients: Client[]): Promise<Step[]> {
  const workers = startWorkers();
  const steps: Step[] = [];
  try {
    await new Promise((r) => setTimeout(r, values.smoke ? 200 : 1000)); // let the server settle after setup
    const baseline = rssMiB(pid);
    let opened = 0;
    for (const count of COUNTS) {
      const batch = clients.slice(opened, count);
      const cpu0 = cpuSeconds(pid);
      const t0 = performance.now();
      const answers = await Promise.all(
        workers.map((w, i) => ask<{ count: number; failed: number; firstError: string }>(w, { type: 'open', kind, url, clients: batch.filter((_, j) => j % WORKERS === i) }, 'opened')),
      );
      const connectS = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds(pid) - cpu0;
      opened = count;
      const failed = answers.reduce((n, a) => n + a.failed, 0);
      if (failed > 0) console.error(`${server}: ${failed} connections failed, e.g. ${answers.find((a) => a.firstError)?.firstError}`);
      await new Promise((r) => setTimeout(r, values.smoke ? 200 : 2000)); // idle: what the server keeps, not what it allocated while connecting
      const open = (await Promise.all(workers.map((w) => ask<{ open: number }>(w, { type: 'count' }, 'count')))).reduce((n, a) => n + a.open, 0);
      const rss = rssMiB(pid);
      const prev = steps.at(-1);
      const marginalKiB = prev ? ((rss - prev.rss) * 1024) / (open - prev.open) : NaN;
      steps.push({ server, count, open, failed, connectS, rss, perConnKiB: ((rss - baseline) * 1024) / open, marginalKiB, cpu });
      console.error(`${server}: ${open} open, RSS ${fmt(rss)} MiB (baseline ${fmt(baseline)})`);
    }
  } finally {
    for (const w of workers) w.kill();
  }
  return steps;
}

const users = Array.from({ length: MAX }, (_, i) => `u${i}`);
const roomOf = (i: number) => `room${Math.floor(i / GROUP)}`;
const all: Step[] = [];

{
  const server = await startNatterServer();
  try {
    const t0 = performance.now();
    await pool(users, 16, (u) => server.admin('PUT', `/v1/users/${u}`, { name: u }).then(() => undefined));
    const rooms = Array.from({ length: Math.ceil(MAX / GROUP) }, (_, r) => users.slice(r * GROUP, (r + 1) * GROUP));
    await pool(rooms, 16, (members, r) => server.admin('POST', '/v1/groups', { id: `room${r}`, name: `Room ${r}`, members }).then(() => undefined));
    const clients = await Promise.all(users.map(async (user, i) => ({ user, token: await server.token(user), rooms: [roomOf(i)] })));
    console.error(`natter: ${MAX} users and ${rooms.length} groups created in ${fmt((performance.now() - t0) / 1000)} s`);
    all.push(...(await run('natter', 'natter', server.wsUrl, server.pid, clients)));
  } finally {
    await server.stop();
  }
}
{
  const server = await startSocketIoServer({ persist: true });
  try {
    all.push(...(await run('socket.io', 'socketio', server.url, server.pid, users.map((user, i) => ({ user, rooms: [roomOf(i)] })))));
  } finally {
    await server.stop();
  }
}

console.log(`\nConnections: idle sockets on one node (${WORKERS} generator processes, loopback); memory = server RSS growth / open connections\n`);
console.log(
  table(
    ['server', 'connections asked', 'open after idle', 'failed', 'connect time s', 'server CPU s to connect', 'server RSS MiB', 'KiB per connection', 'marginal KiB per connection', 'socket.io KiB / natter KiB'],
    all.map((s) => {
      const natter = all.find((n) => n.server === 'natter' && n.count === s.count);
      return [
        s.server, s.count.toLocaleString('en-US'), s.open.toLocaleString('en-US'), s.failed, fmt(s.connectS), fmt(s.cpu), fmt(s.rss, 0), fmt(s.perConnKiB), fmt(s.marginalKiB),
        s.server === 'natter' || !natter ? '' : fmt(s.perConnKiB / natter.perConnKiB),
      ];
    }),
  ),
);
console.log('\nNatter sessions are authenticated (JWT), synced (1 group each) and heartbeated; Socket.IO sockets joined one room each.');
