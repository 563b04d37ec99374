/**
 * Soak test (not in CI): `npm run soak -- --minutes 10 [--clients 40]`.
 *
 * Runs the real server (src/server/main.ts under tsx, embedded SQLite, in a temp data dir) as a
 * child process, and for N minutes drives clients that join, send, leave cleanly, and drop
 * without a close (socket destroyed). Samples the server's RSS and open file descriptors
 * (/proc/<pid>/status, /proc/<pid>/fd) at start, every 30 s, and after every client has gone,
 * then prints a table. Memory and descriptors should return to about the baseline once the
 * clients are gone; the script fails (exit 1) if descriptors do not, or any ack was lost.
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

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, clients: { type: 'string', default: '40' } } });
const MINUTES = Number(values.minutes);
const CLIENTS = Number(values.clients);
const SECRET = 'soak-secret-0123456789abcdef';
const KEY = new TextEncoder().encode(SECRET);

const dataDir = mkdtempSync(join(tmpdir(), 'natter-soak-'));
const port = await freePort();
const server = spawnTs(new URL('../src/server/main.ts', import.meta.url).pathname, {
  PORT: String(port), HOST: '127.0.0.1', NATTER_DATA_DIR: dataDir, NATTER_SECRET: SECRET,
  NATTER_ADMIN_KEY: 'soak-admin-key-0123456789', NATTER_SEND_RATE_PER_MINUTE: '100000',
});
await waitForLine(server, /listening on/, 60_000);
const wsUrl = `ws://127.0.0.1:${port}/ws`;
const pid = server.pid!;

function sample(phase: string) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fds = readdirSync(`/proc/${pid}/fd`).length;
  return { phase, minute: ((Date.now() - started) / 60_000).toFixed(1), rssMiB: (rssKiB / 1024).toFixed(1), fds, open: live.size, sent, acked, joins, leaves, drops };
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
const samples = [sample('start')];
const deadline = started + MINUTES * 60_000;
const sampler = setInterval(() => samples.push(sample('during')), 30_000);
const workers = Array.from({ length: CLIENTS }, async (_, i) => {
  while (Date.now() < deadline) {
    await session(`user${i}`, `user${(i + 1) % CLIENTS}`).catch(() => undefined);
  }
});
await Promise.all(workers);
clearInterval(sampler);
// Give the server a moment to notice destroyed sockets (TCP RST arrives at once on loopback).
const settle = Date.now() + 10_000;
let after = sample('after');
while (after.fds > samples[0]!.fds + 2 && Date.now() < settle) {
  await new Promise((r) => setTimeout(r, 500));
  after = sample('after');
}
samples.push(after);
await stop(server);
rmSync(dataDir, { recursive: true, force: true });

console.log(`\nSoak: ${MINUTES} min, ${CLIENTS} concurrent clients, server pid ${pid}\n`);
console.log('| phase | minute | RSS MiB | open fds | open sockets | sent | acked | joins | leaves | drops |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const s of samples) console.log(`| ${s.phase} | ${s.minute} | ${s.rssMiB} | ${s.fds} | ${s.open} | ${s.sent} | ${s.acked} | ${s.joins} | ${s.leaves} | ${s.drops} |`);
const peak = Math.max(...samples.map((s) => Number(s.rssMiB)));
console.log(`\npeak RSS ${peak} MiB; fds start ${samples[0]!.fds}, after ${after.fds}; unacked at the end: ${unacked.size}`);
for (const [what, n] of problems) console.log(`problem: ${what} × ${n}`);
const ok = after.fds <= samples[0]!.fds + 2 && unacked.size === 0 && problems.size === 0;
console.log(ok ? 'OK: descriptors back to baseline, every send acked' : 'FAIL: descriptors leaked or sends unacked');
process.exit(ok ? 0 : 1);
