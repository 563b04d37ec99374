/**
 * Soak test (not in CI): `npm run soak -- --minutes 10 [--clients 40] [--warmup 1]`.
 *
 * Runs the real server (src/server/main.ts under tsx, embedded SQLite, in a temp data dir) as a
 * child process, and drives clients that join, send, leave cleanly, and drop without a close
 * (socket destroyed): first a warm-up (JIT, SQLite page cache, allocator arenas reach their
 * working size), then N minutes of soak. The baseline is taken when the warm-up's clients have
 * all gone; the end sample when the soak's have. Each sample reads RSS and open descriptors from
 * /proc and, through the inspector (NODE_OPTIONS=--inspect on loopback), forces a full GC and
 * reads the V8 heap, so "back to baseline" compares live memory, not garbage not yet collected.
 * Fails (exit 1) if descriptors or the heap do not return to the baseline, or any ack was lost.
 */
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../src/protocol/index.js';
import { signUserToken } from '../src/server/core/auth.js';
import { freePort, spawnTs, stop, waitForLine } from '../bench/lib/spawn.js';
import { connectInspector } from '../bench/lib/inspector.js';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, clients: { type: 'string', default: '40' }, warmup: { type: 'string', default: '1' } },
});
const MINUTES = Number(values.minutes);
const WARMUP_MINUTES = Number(values.warmup);
const CLIENTS = Number(values.clients);
const SECRET = 'soak-secret-0123456789abcdef';
const KEY = new TextEncoder().encode(SECRET);

const dataDir = mkdtempSync(join(tmpdir(), 'natter-soak-'));
const port = await freePort();
const inspectPort = await freePort();
const server = spawnTs(new URL('../src/server/main.ts', import.meta.url).pathname, {
  NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}`,
  PORT: String(port), HOST: '127.0.0.1', NATTER_DATA_DIR: dataDir, NATTER_SECRET: SECRET,
  NATTER_ADMIN_KEY: 'soak-admin-key-0123456789', NATTER_SEND_RATE_PER_MINUTE: '100000',
});
await waitForLine(server, /listening on/, 60_000);
const wsUrl = `ws://127.0.0.1:${port}/ws`;
const pid = server.pid!;

const inspector = await connectInspector(inspectPort);

interface Sample {
  phase: string;
  minute: string;
  rssMiB: string;
  heapMiB: string;
  externalMiB: string;
  fds: number;
  open: number;
  sent: number;
  acked: number;
  joins: number;
  leaves: number;
  drops: number;
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function sample(phase: string, gc = false): Promise<Sample> {
  const heap = gc ? await inspector.memory() : undefined;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fds = readdirSync(`/proc/${pid}/fd`).length;
  return {
    phase, minute: ((Date.now() - started) / 60_000).toFixed(1), rssMiB: (rssKiB / 1024).toFixed(1),
    heapMiB: heap ? mib(heap.heapUsed) : '', externalMiB: heap ? mib(heap.external) : '',
    fds, open: live.size, sent, acked, joins, leaves, drops,
  };
}

const live = new Set<WebSocket>();
let sent = 0;
let acked = 0;
let joins = 0;
let leaves = 0;
let drops = 0;
const unacked = new Map<string, WebSocket>();
/** Sends the server refused or never answered, by reason: a soak must end with none. */
const problems = new Map<string, number>();
const problem = (what: string) => problems.set(what, (problems.get(what) ?? 0) + 1);
let seq = 0;

/** Resolves with the value, or with 'timeout' after `ms`: a soak must never wait forever. */
function within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)))]).finally(() => clearTimeout(timer));
}

/** One client session: join, send a few messages (waiting for acks), then leave or drop. */
async function session(user: string, peer: string): Promise<void> {
  const ws = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  live.add(ws);
  joins++;
  ws.on('error', () => undefined);
  const acks = new Map<string, (outcome: string) => void>();
  let closedBy = '';
  ws.on('close', (code) => {
    closedBy = `closed ${code}`;
    for (const resolve of acks.values()) resolve(closedBy);
  });
  ws.on('message', (data) => {
    const f = JSON.parse(String(data)) as { type: string; clientMsgId?: string; name?: string; reqId?: string };
    if (f.type === 'message.ack' && f.clientMsgId) acks.get(f.clientMsgId)?.('ack');
    else if (f.type === 'message.error' && f.clientMsgId) acks.get(f.clientMsgId)?.(`message.error ${f.name}`);
    else if (f.type === 'error') problem(`error ${f.name}`);
  });
  const ready = new Promise<void>((resolve) => ws.on('message', (d) => String(d).includes('"sync.done"') && resolve()));
  ws.send(JSON.stringify({ type: 'session.open', protocol: PROTOCOL_VERSION, token: await signUserToken(KEY, user, { now: Date.now() }) }));
  if ((await within(ready, 30_000)) === 'timeout') {
    problem(`no sync.done in 30 s${closedBy ? ` (${closedBy})` : ''}`);
    ws.terminate();
    live.delete(ws);
    return;
  }
  const count = 5 + Math.floor(Math.random() * 20);
  for (let i = 0; i < count && ws.readyState === WebSocket.OPEN; i++) {
    const clientMsgId = `soak${(seq++).toString(36).padStart(8, '0')}`;
    const done = new Promise<string>((resolve) => acks.set(clientMsgId, resolve));
    unacked.set(clientMsgId, ws);
    ws.send(JSON.stringify({ type: 'message.send', clientMsgId, conversationId: `p2p:${peer}`, elem: { type: 'text', text: `soak ${i} ${'x'.repeat(Math.floor(Math.random() * 500))}` } }));
    sent++;
    const outcome = await within(done, 30_000);
    acks.delete(clientMsgId);
    if (outcome !== 'ack') {
      problem(`send: ${outcome}`);
      break;
    }
    unacked.delete(clientMsgId);
    acked++;
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
  }
  if (Math.random() < 0.3) {
    // A network drop: no close handshake; the server finds out from TCP or the heartbeat.
    (ws as unknown as { _socket: Socket })._socket.destroy();
    drops++;
  } else {
    ws.close();
    leaves++;
  }
  live.delete(ws);
}

// Every user exists before anyone writes to them (first logins would race the first sends).
for (let i = 0; i < CLIENTS; i++) {
  const res = await fetch(`http://127.0.0.1:${port}/v1/users/user${i}`, {
    method: 'PUT', headers: { authorization: 'Bearer soak-admin-key-0123456789', 'content-type': 'application/json' }, body: '{}',
  });
  if (!res.ok) throw new Error(`creating user${i}: HTTP ${res.status}`);
}

const started = Date.now();
const samples: Sample[] = [await sample('start', true)];

/** Runs every client until `deadline`, then waits for the server to see every socket gone. */
async function load(minutes: number, phase: string): Promise<Sample> {
  const deadline = Date.now() + minutes * 60_000;
  const sampler = setInterval(() => void sample(phase).then((s) => samples.push(s)), 30_000);
  await Promise.all(Array.from({ length: CLIENTS }, async (_, i) => {
    while (Date.now() < deadline) await session(`user${i}`, `user${(i + 1) % CLIENTS}`).catch(() => undefined);
  }));
  clearInterval(sampler);
  // Destroyed sockets: TCP RST arrives at once on loopback, the heartbeat catches the rest.
  const settle = Date.now() + 15_000;
  let s = await sample(`after ${phase}`);
  while (s.fds > samples[0]!.fds + 2 && Date.now() < settle) {
    await new Promise((r) => setTimeout(r, 500));
    s = await sample(`after ${phase}`);
  }
  await new Promise((r) => setTimeout(r, 2000));
  s = await sample(`after ${phase}`, true);
  samples.push(s);
  return s;
}

const baseline = await load(WARMUP_MINUTES, 'warm-up');
const after = await load(MINUTES, 'soak');
inspector.close();
await stop(server);
rmSync(dataDir, { recursive: true, force: true });

console.log(`\nSoak: ${WARMUP_MINUTES} min warm-up + ${MINUTES} min, ${CLIENTS} concurrent clients, server pid ${pid}\n`);
console.log('| phase | minute | RSS MiB | heap MiB (after GC) | external MiB | open fds | open sockets | sent | acked | joins | leaves | drops |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const s of samples) {
  console.log(`| ${s.phase} | ${s.minute} | ${s.rssMiB} | ${s.heapMiB} | ${s.externalMiB} | ${s.fds} | ${s.open} | ${s.sent} | ${s.acked} | ${s.joins} | ${s.leaves} | ${s.drops} |`);
}
const peak = Math.max(...samples.map((s) => Number(s.rssMiB)));
const heapGrowth = Number(after.heapMiB) - Number(baseline.heapMiB);
console.log(`\npeak RSS ${peak} MiB; baseline (after warm-up) RSS ${baseline.rssMiB} MiB, heap ${baseline.heapMiB} MiB, fds ${baseline.fds};`);
console.log(`after the soak RSS ${after.rssMiB} MiB, heap ${after.heapMiB} MiB (${heapGrowth >= 0 ? '+' : ''}${heapGrowth.toFixed(1)}), fds ${after.fds}; unacked at the end: ${unacked.size}`);
for (const [what, n] of problems) console.log(`problem: ${what} × ${n}`);
// Live heap within 10 % (+1 MiB of noise) of the warm baseline: anything kept per message,
// per connection or per session would grow with the soak's tens of thousands of each.
const heapOk = Number(after.heapMiB) <= Number(baseline.heapMiB) * 1.1 + 1;
const fdsOk = after.fds <= baseline.fds + 2;
const ok = heapOk && fdsOk && unacked.size === 0 && problems.size === 0;
console.log(ok ? 'OK: heap and descriptors back to baseline, every send acked' : `FAIL:${heapOk ? '' : ' heap grew'}${fdsOk ? '' : ' descriptors leaked'}${unacked.size || problems.size ? ' sends unacked or refused' : ''}`);
process.exit(ok ? 0 : 1);
