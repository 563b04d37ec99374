/**
 * The event loop's cost of one send, alone: a chat server (the SQLite node, its writer thread
 * and the in-process bus) in this process, with connections that only count what they are sent,
 * takes `--batch` plain text sends in each turn (half to a group of 10, half 1:1, as
 * bench:server's load) and waits for their acks; `--rounds` such turns are measured after
 * `--warmup`. Reports the main thread's CPU per send (from /proc: the writer thread is not
 * counted) and, in a second pass, what the main thread allocated per send (V8's sampling heap
 * profiler, garbage included). No sockets, no generator processes: on a shared machine the CPU
 * of the path itself is what this keeps steady, where bench:server's moves with the batches
 * a starved server makes.
 *
 *   npx tsx bench/send-path.ts                          (this checkout)
 *   npx tsx bench/send-path.ts --root /tmp/old          (another checkout's server: A/B, alternate them)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/bundle.js';
import { cpuSeconds, fmt } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: ROOT },
    users: { type: 'string', default: '200' },
    batch: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '500' },
    /** Also writes the allocation pass's profile here (open it in Chrome DevTools' Memory tab). */
    'alloc-prof': { type: 'string' },
  },
});
const root = resolve(values.root);
const USERS = Number(values.users);
const BATCH = Number(values.batch);
const GROUP = 10;

interface Conn {
  id: string;
  session?: unknown;
  send(data: string): void;
  close(): void;
}

const { createChatServer } = (await import(join(root, 'src/server/index.ts'))) as typeof import('../src/server/index.js');
const { signUserToken } = (await import(join(root, 'src/server/core/auth.ts'))) as typeof import('../src/server/core/auth.js');
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
const dataDir = mkdtempSync(join(tmpdir(), 'natter-send-path-'));
const server = await createChatServer({ secret: SECRET, adminKey: 'bench-admin-key-0123456789', dataDir, sendsPerMinute: 100_000_000 });
const { url } = await server.listen(0, '127.0.0.1');
const admin = (method: string, path: string, body: unknown) =>
  fetch(url + path, { method, headers: { authorization: 'Bearer bench-admin-key-0123456789', 'content-type': 'application/json' }, body: JSON.stringify(body) });

const users = Array.from({ length: USERS }, (_, i) => `u${i}`);
for (const u of users) await admin('PUT', `/v1/users/${u}`, { name: u });
for (let r = 0; r < USERS / GROUP; r++) await admin('POST', '/v1/groups', { id: `room${r}`, name: `Room ${r}`, members: users.slice(r * GROUP, (r + 1) * GROUP) });

let received = 0;
let acks = 0;
const conns: Conn[] = [];
for (const u of users) {
  const conn: Conn = {
    id: `conn-${u}`,
    send(data) {
      received++;
      if (data.startsWith('{"type":"message.ack"')) acks++;
    },
    close() {},
  };
  const token = await signUserToken(new TextEncoder().encode(SECRET), u, { now: Date.now() });
  await server.core.handleFrame(conn as never, { type: 'session.open', protocol: 1, token } as never);
  conns.push(conn);
}

/**
 * A frame handed to the core as the gateway hands it: `takeFrame` with one settle object a
 * connection where the checkout has it (since issue 23's fourteenth pass), else `handleFrame`.
 */
const core = server.core as unknown as { takeFrame?(conn: Conn, frame: object, settle: { done(): void; failed(frame: object, err: unknown): void }): void; handleFrame(conn: Conn, frame: object): Promise<void> };
let answered = 0;
/** The round waiting for its sends' answers: resolved by the last one. */
let waiting: { target: number; resolve(): void; reject(err: unknown): void } | undefined;
const settle = {
  done(): void {
    if (++answered === waiting?.target) waiting.resolve();
  },
  failed(_frame: object, err: unknown): void {
    waiting?.reject(err);
  },
};
const take = (conn: Conn, frame: object): Promise<void> | undefined => {
  if (!core.takeFrame) return core.handleFrame(conn, frame);
  core.takeFrame(conn, frame, settle);
  return undefined;
};

let sent = 0;
/** One turn of `BATCH` sends from consecutive users, alternating group and 1:1; resolves when all are answered. */
function round(): Promise<unknown> {
  const handled: (Promise<void> | undefined)[] = [];
  for (let i = 0; i < BATCH; i++) {
    const n = sent++;
    const u = n % USERS;
    const peer = u % 2 === 0 ? u + 1 : u - 1;
    const conversationId = n % 2 === 0 ? `group:room${Math.floor(u / GROUP)}` : `p2p:u${peer}`;
    handled.push(take(conns[u]!, { type: 'message.send', clientMsgId: `c${n.toString(36)}`, conversationId, elem: { type: 'text', text: `message number ${n} of the benchmark` } }));
  }
  if (handled[0] !== undefined) return Promise.all(handled);
  // Answered through `settle`: every send of the round acked or refused.
  if (answered === sent) return Promise.resolve();
  return new Promise<void>((resolve, reject) => (waiting = { target: sent, resolve, reject }));
}

async function rounds(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await round();
}

await rounds(Number(values.warmup));
const acksBefore = acks;
const cpu0 = cpuSeconds(process.pid, process.pid);
const t0 = performance.now();
await rounds(Number(values.rounds));
const cpu = cpuSeconds(process.pid, process.pid) - cpu0;
const wall = (performance.now() - t0) / 1000;
const measured = Number(values.rounds) * BATCH;
if (acks - acksBefore !== measured) throw new Error(`${acks - acksBefore} acks for ${measured} sends`);

// Second pass: what the sends allocate (sampled; young-generation garbage included).
const session = new Session();
session.connect();
const post = (method: string, params?: object) =>
  new Promise<any>((ok, fail) => session.post(method, params ?? {}, (err, res) => (err ? fail(err) : ok(res))));
await post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
const allocRounds = Math.max(1, Math.floor(Number(values.rounds) / 4));
await rounds(allocRounds);
const { profile } = await post('HeapProfiler.stopSampling');
session.disconnect();
if (values['alloc-prof']) writeFileSync(values['alloc-prof'], JSON.stringify(profile));
let bytes = 0;
const walk = (node: { selfSize: number; children: unknown[] }): void => {
  bytes += node.selfSize;
  for (const c of node.children) walk(c as typeof node);
};
walk(profile.head);

console.log(`send path (${root}): ${measured} sends in ${fmt(wall, 2)} s, event loop ${fmt((cpu / measured) * 1e6, 1)} µs/send, allocated ${fmt(bytes / (allocRounds * BATCH) / 1024, 2)} KiB/send; ${fmt(received / sent, 2)} frames out per send`);
await server.close();
rmSync(dataDir, { recursive: true, force: true });
