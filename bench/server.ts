/**
 * Server benchmark: a mixed workload on loopback. C clients in groups of G, each user also in a
 * 1:1 conversation with a neighbour; sends alternate between the group and the 1:1 (`--p2p`
 * share). A fixed offered send rate is stepped up until delivery stops following. The same load
 * runs against Natter and the Socket.IO peers in one run, from `--workers` generator processes.
 * Reports delivered messages/s, p50/p99 send-to-ack and send-to-delivery, server CPU and RSS,
 * and the generators' own CPU: a generator near 100 % of a core, or sending below the offered
 * rate, marks the step "generator-bound" (the server was not the limit). Each step also says
 * whether the machine was free: the share of the step the server's event loop and each generator
 * spent ready to run but waiting for a CPU (run-queue wait, /proc/<pid>/schedstat) and the load
 * average; a step whose server waited more than 10 % of it is marked "contended: not a target
 * figure" (in its line, the tables and the kept-up summary): on a machine shared with other work
 * its figures are the machine's as much as the server's. Every server is one this run started: it
 * counts once its child prints the port it bound (bench/lib/natter-server.ts), so a port taken by
 * another process between being found free and being bound is never benchmarked. Target `natter-mixed`
 * runs the same load with a share (`--changes`, a fifth by default) of the operations being
 * changes to sent messages (SPEC §9: reactions on and off, and edits, by turns) on a fresh server,
 * reported beside the send-only rows; its rates count operations, and a change's delivery is
 * its event reaching every member's device (the sender's too).
 *
 *   npm run bench:server -- --clients 200 --group 10 --rates 1000,2000,4000,8000,16000,32000 --seconds 5
 *   npm run bench:server -- --targets natter,natter-pg,bare --rates 2000,4000,8000,16000   (the SQLite node, one node over
 *     PostgreSQL + Redis on a scratch database of its own per trial (bench/lib/pg-node.ts), and the floor, same run)
 *   npm run bench:server -- --targets natter,bare-rows,bare --rates 16000 --threads   (between the floor and Natter, the floor
 *     storing Natter's rows with Natter's commit code on its event loop: what the storage SPEC §2 asks for costs, apart from the rest)
 *   npm run bench:server -- --targets natter --rates 8000 --cpu-prof /tmp/prof   (profile the server; natter-pg and the floor, `bare`, too: its profiles go to <dir>/bare)
 *   npm run bench:server -- --targets natter --rates 8000 --alloc-prof /tmp/alloc.heapprofile   (what it allocates)
 *   npm run bench:server -- --targets natter --rates 16000 --trace   (where a send's time goes, after each step: batch
 *     wait, writer queue, commit, reply, jobs per transaction, event-loop delay, GC pauses; NATTER_LATENCY_TRACE; the summary
 *     adds each run's writer transactions, messages a transaction and search index moves)
 *   npm run bench:server -- --targets natter,bare --rates 16000 --threads   (each thread's user and kernel µs a message and
 *     its write and read calls a message, per step; after the run each thread group's runs and median)
 *   npm run bench:server -- --targets natter,natter-webhook --rates 2000,4000   (a webhook endpoint on a local
 *     receiver that answers 200 at once, every event; beside none, same run)
 *   npm run bench:server -- --targets natter,natter-wordlist --rates 2000,4000   (a 1,000-entry word list, SPEC §11:
 *     750 Latin words and 250 CJK terms, none in the load's texts, so every send is checked in full; beside none, same run)
 *   npm run bench:server -- --targets natter,baseline,natter,baseline --baseline . --node-args=--max-semi-space-size=16 --baseline-node-args=
 *     (A/B of the server's Node flags: the same tree, `baseline` with the production flags only)
 *   npm run bench:server -- --targets natter+--max-semi-space-size=16,natter+--max-semi-space-size=32,natter,… --rates 16000
 *     (several settings of the server's Node flags in one run: after `natter+`, flags separated by `+`)
 *   npm run bench:server -- --targets natter,baseline,natter,baseline --baseline /tmp/old   (A/B: /tmp/old is
 *     another copy of the repository, e.g. `git archive <rev> src package.json tsconfig.json` with node_modules linked;
 *     `natter-pg,baseline-pg` the same over PostgreSQL + Redis)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/bundle.js';
import { connectInspector } from './lib/inspector.js';
import { takeTrace, traceFilePath } from './lib/latency-trace-file.js';
import { freePort, startPeer } from './lib/spawn.js';
import type { LoadClient } from './lib/load-worker.js';
import { pool, startNatterServer } from './lib/natter-server.js';
import { pgNodeBacking, type DatabaseStats, type PgNodeBacking } from './lib/pg-node.js';
import { startSocketIoServer } from './lib/socketio-peer.js';
import { cpuSeconds, fmt, percentile, rssMiB, runQueueWaitSeconds, table, writesSoFar } from './lib/stats.js';
import { GROUP_NAMES, GROUPS, groupThreads, threadDelta, threadSamples, type GroupedThreads, type GroupUse, type ThreadGroup, type ThreadUse } from './lib/thread-use.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '200' },
    group: { type: 'string', default: '10' },
    p2p: { type: 'string', default: '0.5' },
    rates: { type: 'string', default: '1000,2000,4000,8000,16000,32000' },
    seconds: { type: 'string', default: '5' },
    /** Seconds at the first rate before the measured steps, not reported (JIT, caches). */
    warmup: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2' },
    /**
     * Each generator sends what is due every this many ms, back to back: at 16,000 msg/s over two
     * generators, 80 frames a burst at 10 ms, 8 at 1 ms (closer to many independent clients).
     * A comma list gives the runs these in turn (`--targets natter,natter --tick-ms 10,1`).
     */
    'tick-ms': { type: 'string', default: '10' },
    targets: { type: 'string', default: 'natter,natter-mixed,socketio,socketio-mem' },
    /** Share of the operations of `natter-mixed` that are reactions and edits. */
    changes: { type: 'string', default: '0.2' },
    smoke: { type: 'boolean', default: false },
    /** Writes a V8 CPU profile of the Natter server process into this directory. */
    'cpu-prof': { type: 'string' },
    /**
     * Writes a sampling allocation profile of the Natter server over the first step into this
     * file (open it in Chrome DevTools' Memory tab): every allocation, including what the young
     * generation collected, which is where a server's GC time goes.
     */
    'alloc-prof': { type: 'string' },
    /**
     * Natter targets run with NATTER_LATENCY_TRACE (src/server/latency-trace-signal.ts): after each
     * step, where its sends' time went (batch wait, writer queue, commit, reply, event loop delay,
     * GC pauses), as histograms on stderr. A diagnostic: the timing itself costs a little.
     */
    trace: { type: 'boolean', default: false },
    /**
     * After each step, its server's threads one by one (bench/lib/thread-use.ts): user and kernel
     * CPU µs a message, read and write calls a message; and after the run, per target and rate, each
     * thread group's figures in every run and their median.
     */
    threads: { type: 'boolean', default: false },
    /** Root of another checkout: target `baseline` runs its server, for alternating A/B runs. */
    baseline: { type: 'string' },
    /**
     * Node flags for the Natter targets' servers, after the production ones (its checkout's `npm start` flags, so
     * they override them), space-separated: e.g. `--node-args=--max-semi-space-size=16`.
     */
    'node-args': { type: 'string', default: '' },
    /** The same for the `baseline` targets only (in place of `--node-args`): A/B of flags with `--baseline .`. */
    'baseline-node-args': { type: 'string' },
  },
});
const CLIENTS = values.smoke ? 20 : Number(values.clients);
const GROUP = Number(values.group);
const P2P = Number(values.p2p);
const RATES = values.smoke ? [200] : values.rates!.split(',').map(Number);
const SECONDS = values.smoke ? 1 : Number(values.seconds);
const WARMUP = values.smoke ? 0 : Number(values.warmup);
const WORKERS = values.smoke ? 1 : Number(values.workers);
const DRAIN_MS = 3000;

interface StepResult {
  target: string;
  offered: number;
  /** Messages the generators sent in the step, and the step's seconds (sending and draining). */
  sent: number;
  elapsed: number;
  sentPerSec: number;
  deliveredPerSec: number;
  deliveredRatio: number;
  ackP50: number;
  ackP99: number;
  delP50: number;
  delP99: number;
  serverCpu: number;
  /**
   * Server CPU time per message sent (µs): what the server spent per send, fan-out included. Far
   * steadier than rates on a shared machine, where the server may not get a whole core.
   */
  cpuPerMsg: number;
  /** The server's event loop (its main thread), % of one core. */
  loopCpu: number;
  /** Main-thread CPU time per message sent (µs): what the event loop spent per send. */
  loopPerMsg: number;
  /** CPU time per message sent (µs) of the PostgreSQL processes serving the node (natter-pg). */
  databasePerMsg: number;
  /** Transactions its database committed per second (natter-pg): each one a WAL flush, unless grouped. */
  commitsPerSec: number;
  /** Its busiest other thread (the SQLite writer, for Natter's embedded store), % of one core. */
  busiestThreadCpu: number;
  /**
   * Node's V8 platform threads (bench/lib/thread-use.ts), % of one core: the garbage collectors' helpers
   * (parallel scavenges, concurrent marking and sweeping) and the optimising compiler, for every
   * isolate of the process (worker threads' too). More here per message is more allocation.
   */
  platformCpu: number;
  /** The same, CPU time per message sent (µs). */
  platformPerMsg: number;
  /**
   * Bytes the server passed to write calls per message sent (sockets and files: its frames out,
   * the SQLite WAL and checkpoints), and write calls per message: smaller commits write the
   * pages they touch more often.
   */
  writtenPerMsg: number;
  writeCallsPerMsg: number;
  /** Every other thread (libuv's pool, worker threads but the busiest), % of one core. */
  otherThreadsCpu: number;
  /**
   * The server's threads in groups over the step (event loop, V8 platform threads, the SQLite
   * writer or busiest other thread, the rest): user and kernel CPU seconds, read and write calls,
   * bytes written (bench/lib/thread-use.ts).
   */
  threadGroups: Record<ThreadGroup, GroupUse>;
  serverRss: number;
  /** Busiest generator process, % of one core. */
  genCpu: number;
  /** Worst generator's event-loop delay p99 (ms): what its own lateness adds to the latencies it times. */
  genLag: number;
  generatorBound: boolean;
  /**
   * Share of the step (%) the server's event loop spent ready to run but waiting for a CPU (its
   * run-queue wait, /proc/<pid>/schedstat): time the machine's other work took from it.
   */
  serverWait: number;
  /** The same for the generators' processes (the most of any one). */
  genWait: number;
  /** The machine's load average (1 minute) at the step's end. */
  load: number;
  /** The server waited for a CPU more than CONTENDED_WAIT % of the step: its figures are not target figures. */
  contended: boolean;
  /** The server's latency trace of the step (`--trace`). */
  trace?: Record<string, Record<string, number>>;
}

interface Target {
  name: string;
  /** The protocol the generator speaks: Natter's, the bare peer's subset of it, or Socket.IO's. */
  kind: 'natter' | 'bare' | 'socketio';
  url: string;
  pid: number;
  clients: LoadClient[];
  /** Set when the server runs with an inspector (--alloc-prof). */
  inspectPort?: number;
  /** Share of operations that are changes to sent messages (Natter only). */
  changeShare?: number;
  /** Where the server writes its latency trace on SIGUSR2 (`--trace`). */
  traceFile?: string;
  /** The node's database server processes' CPU seconds by pid and its commits, when it has a database of its own. */
  databaseStats?(): Promise<DatabaseStats>;
  stop(): Promise<void>;
}

const users = Array.from({ length: CLIENTS }, (_, i) => `u${i}`);
// Neighbours pair up 1:1 (u0–u1, u2–u3, …); groups are consecutive runs of GROUP users.
const spec = (i: number): Omit<LoadClient, 'token'> => ({ user: users[i]!, group: `room${Math.floor(i / GROUP)}`, peer: users[i ^ 1] ?? users[i - 1]! });

async function natterTarget(root?: string, changeShare = 0, webhook?: { url: string; stop(): Promise<void> }, wordList?: string, backing?: PgNodeBacking, variantFlags?: string[]): Promise<Target> {
  const prof = values['cpu-prof'];
  const inspectPort = values['alloc-prof'] ? await freePort() : undefined;
  const flags = variantFlags ?? (root ? values['baseline-node-args'] ?? values['node-args']! : values['node-args']!).split(' ').filter(Boolean);
  const nodeArgs = [...flags, ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []), ...(inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : [])];
  const env: Record<string, string> = webhook ? { NATTER_WEBHOOK_URL: webhook.url, NATTER_WEBHOOK_SECRET: 'bench-webhook-secret-0123456789' } : {};
  if (wordList) Object.assign(env, { NATTER_WORDLIST_FILE: wordList, NATTER_WORDLIST_MODE: 'reject' });
  if (backing) Object.assign(env, backing.env);
  const traceFile = values.trace ? traceFilePath() : undefined;
  if (traceFile) env['NATTER_LATENCY_TRACE'] = traceFile;
  const server = await startNatterServer(env, nodeArgs, root);
  await pool(users, 16, (u) => server.admin('PUT', `/v1/users/${u}`, { name: u }).then(() => undefined));
  for (let r = 0; r * GROUP < CLIENTS; r++) {
    await server.admin('POST', '/v1/groups', { id: `room${r}`, name: `Room ${r}`, members: users.slice(r * GROUP, (r + 1) * GROUP) });
  }
  const clients = await Promise.all(users.map(async (_, i) => ({ ...spec(i), token: await server.token(users[i]!) })));
  const name = variantFlags ? `natter ${variantFlags.join(' ')}` : backing ? (root ? 'natter-pg (baseline)' : 'natter-pg') : webhook ? 'natter (webhook)' : wordList ? 'natter (1,000-word list)' : root ? 'natter (baseline)' : changeShare > 0 ? `natter, ${fmt(changeShare * 100, 0)} % reactions and edits` : 'natter';
  return { name, kind: 'natter', url: server.wsUrl, pid: server.pid, clients, inspectPort, changeShare, traceFile, databaseStats: backing?.databaseStats, stop: async () => (await server.stop(), await webhook?.stop(), await backing?.drop()) };
}

/** A word list file of 1,000 entries (750 Latin words, 250 CJK terms) that the load's texts never contain. */
function wordListFile(): string {
  const file = join(tmpdir(), `natter-bench-wordlist-${process.pid}.txt`);
  const entries = Array.from({ length: 1000 }, (_, i) => (i % 4 === 3 ? `禁止词${i}` : `forbidden${i}word`));
  writeFileSync(file, `# bench: none of these is in a sent text\n${entries.join('\n')}\n`);
  return file;
}

/** A webhook receiver in this process: reads each POST and answers 200 at once; counts events. */
async function webhookReceiver(): Promise<{ url: string; stop(): Promise<void> }> {
  let events = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => (events++, res.writeHead(200).end()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`,
    async stop() {
      console.error(`webhook receiver: ${events} events received`);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * The floor: a bare `ws` server with per-turn SQLite commits (bench/peers/bare-ws-server.ts); with
 * `natterRows`, the same server storing Natter's rows by Natter's commit code (`bare-rows`).
 */
async function bareTarget(natterRows = false): Promise<Target> {
  // Profiled beside Natter (`--cpu-prof`), in a folder of its own: the per-stage table compares the two.
  const prof = values['cpu-prof'];
  const profDir = join(prof ?? '', natterRows ? 'bare-rows' : 'bare');
  const peer = await startPeer(join(ROOT, 'bench/peers/bare-ws-server.ts'), natterRows ? { BARE_ROWS: 'natter' } : {}, prof ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []);
  const clients = users.map((_, i) => spec(i));
  const name = natterRows ? "bare ws + Natter's rows" : 'bare ws + sqlite';
  return { name, kind: 'bare', url: `ws://127.0.0.1:${peer.port}/`, pid: peer.pid, clients, stop: peer.stop };
}

async function socketIoTarget(persist: boolean): Promise<Target> {
  const server = await startSocketIoServer({ persist });
  const name = persist ? 'socket.io + sqlite' : 'socket.io (no persistence)';
  return { name, kind: 'socketio', url: server.url, pid: server.pid, clients: users.map((_, i) => spec(i)), stop: () => server.stop() };
}

function ask<T>(child: ChildProcess, msg: object, answer: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { type: string }) => {
      if (m.type !== answer) return;
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
    child.send(msg);
  });
}

async function runTarget(target: Target, tickMs: number): Promise<StepResult[]> {
  const workers = Array.from({ length: WORKERS }, () =>
    fork(join(ROOT, 'bench/lib/load-worker.ts'), [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const results: StepResult[] = [];
  try {
    await Promise.all(workers.map((w, i) => ask(w, { type: 'connect', kind: target.kind, url: target.url, group: GROUP, clients: target.clients.filter((_, j) => j % WORKERS === i) }, 'connected')));
    /** Runs one step at `rate` for `seconds` and measures it. */
    const measure = async (step: number, rate: number, seconds: number): Promise<StepResult> => {
      const sampling = step === 0 && target.inspectPort ? await startAllocationSampling(target.inspectPort) : undefined;
      if (target.traceFile) await takeTrace(target.pid, target.traceFile);
      const cpu0 = cpuSeconds(target.pid);
      const serverWait0 = runQueueWaitSeconds(target.pid);
      const genWait0 = workers.map((w) => runQueueWaitSeconds(w.pid!));
      const threads0 = threadSamples(target.pid);
      const writes0 = writesSoFar(target.pid);
      const database0 = await target.databaseStats?.();
      const start = performance.now();
      const sentAnswers = await Promise.all(workers.map((w) => ask<{ sent: number; window: number }>(w, { type: 'step', step, rate: rate / WORKERS, seconds, p2pShare: P2P, group: GROUP, changeShare: target.changeShare ?? 0, tickMs }, 'sent')));
      const sendWindow = Math.max(...sentAnswers.map((a) => a.window));
      // Drain: wait (bounded) for the deliveries still in flight.
      const deadline = performance.now() + DRAIN_MS;
      for (;;) {
        const p = await Promise.all(workers.map((w) => ask<{ delivered: number; expected: number }>(w, { type: 'progress' }, 'progress')));
        if (p.reduce((n, x) => n + x.delivered, 0) >= p.reduce((n, x) => n + x.expected, 0) || performance.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const elapsed = (performance.now() - start) / 1000;
      if (sampling) await sampling.stop(values['alloc-prof']!);
      const cpuUsed = cpuSeconds(target.pid) - cpu0;
      const serverWait = ((runQueueWaitSeconds(target.pid) - serverWait0) / elapsed) * 100;
      const genWait = Math.max(...workers.map((w, i) => ((runQueueWaitSeconds(w.pid!) - genWait0[i]!) / elapsed) * 100));
      const writes1 = writesSoFar(target.pid);
      const trace = target.traceFile && step >= 0 ? await takeTrace(target.pid, target.traceFile) : undefined;
      if (trace) printTrace(`${target.name} @ ${rate}/s`, trace);
      const database1 = await target.databaseStats?.();
      const databaseUsed = database0 && database1 ? [...database1.cpu].reduce((t, [pid, s]) => t + s - (database0.cpu.get(pid) ?? 0), 0) : NaN;
      const commitsPerSec = database0 && database1 ? (database1.commits - database0.commits) / elapsed : NaN;
      const threads = groupThreads(target.pid, threadDelta(threads0, threadSamples(target.pid)));
      const cpuOf = (g: ThreadGroup) => threads.groups[g].user + threads.groups[g].kernel;
      const loopSeconds = threads.groups.loop.threads ? cpuOf('loop') : NaN;
      const loopCpu = (loopSeconds / elapsed) * 100;
      const busiestThreadCpu = (cpuOf('writer') / elapsed) * 100;
      const serverCpu = (cpuUsed / elapsed) * 100;
      const reports = await Promise.all(
        workers.map((w) => ask<{ sent: number; delivered: number; expected: number; acks: Float64Array; deliveries: Float64Array; cpuPercent: number; loopDelayP99: number }>(w, { type: 'report' }, 'report')),
      );
      const merge = (arrays: Float64Array[]) => arrays.flatMap((a) => Array.from(a)).sort((a, b) => a - b);
      const acks = merge(reports.map((r) => r.acks));
      const deliveries = merge(reports.map((r) => r.deliveries));
      const sent = reports.reduce((n, r) => n + r.sent, 0);
      const delivered = reports.reduce((n, r) => n + r.delivered, 0);
      const expected = reports.reduce((n, r) => n + r.expected, 0);
      const genCpu = Math.max(...reports.map((r) => r.cpuPercent));
      const genLag = Math.max(...reports.map((r) => r.loopDelayP99));
      const sentPerSec = sent / sendWindow;
      if (values.threads && step >= 0) printThreads(`${target.name} @ ${rate}/s`, threads, sent, elapsed);
      return {
        target: target.name, offered: rate, sent, elapsed, sentPerSec, deliveredPerSec: delivered / elapsed, deliveredRatio: delivered / expected,
        ackP50: percentile(acks, 50), ackP99: percentile(acks, 99), delP50: percentile(deliveries, 50), delP99: percentile(deliveries, 99),
        serverCpu, cpuPerMsg: sent > 0 ? (cpuUsed / sent) * 1e6 : NaN, writtenPerMsg: sent > 0 ? (writes1.bytes - writes0.bytes) / sent : NaN, writeCallsPerMsg: sent > 0 ? (writes1.calls - writes0.calls) / sent : NaN, platformCpu: (cpuOf('platform') / elapsed) * 100, platformPerMsg: sent > 0 ? (cpuOf('platform') / sent) * 1e6 : NaN, otherThreadsCpu: (cpuOf('rest') / elapsed) * 100, threadGroups: threads.groups, loopCpu, loopPerMsg: sent > 0 ? (loopSeconds / sent) * 1e6 : NaN, databasePerMsg: (databaseUsed / sent) * 1e6, commitsPerSec, busiestThreadCpu, serverRss: rssMiB(target.pid), genCpu, genLag,
        generatorBound: genCpu >= 90 || sentPerSec < rate * 0.97,
        serverWait, genWait, load: loadavg()[0]!, contended: serverWait > CONTENDED_WAIT,
        trace,
      };
    };
    // Every server is measured warm: its JIT has compiled the hot paths and its caches are filled,
    // as in a server that has been up for a while. The warm-up step is not reported.
    if (WARMUP > 0) {
      const w = await measure(-1, RATES[0]!, WARMUP);
      console.error(`${target.name}: warmed up for ${WARMUP} s at ${RATES[0]}/s (ack p99 ${fmt(w.ackP99)} ms, not reported)`);
    }
    for (const [step, rate] of RATES.entries()) {
      const r = await measure(step, rate, SECONDS);
      results.push(r);
      console.error(`${target.name} @ ${rate}/s: delivered ${fmt(r.deliveredRatio * 100)} %, ack p99 ${fmt(r.ackP99)} ms, server CPU ${fmt(r.serverCpu, 0)} % (${fmt(r.cpuPerMsg, 0)} µs/msg; event loop ${fmt(r.loopCpu, 0)} %, ${fmt(r.loopPerMsg, 0)} µs/msg, busiest other thread ${fmt(r.busiestThreadCpu, 0)} %, V8 platform threads ${fmt(r.platformCpu, 0)} % (${fmt(r.platformPerMsg, 1)} µs/msg), the rest ${fmt(r.otherThreadsCpu, 0)} %; writes ${fmt(r.writtenPerMsg / 1024, 1)} KiB and ${fmt(r.writeCallsPerMsg, 2)} calls a message; ${threadLine(r)}${Number.isNaN(r.databasePerMsg) ? '' : `; PostgreSQL ${fmt(r.databasePerMsg, 0)} µs/msg, ${fmt(r.commitsPerSec, 0)} commits/s`}), generator CPU ${fmt(r.genCpu, 0)} % (loop delay p99 ${fmt(r.genLag)} ms); ${machineLine(r)}`);
      // A step that lost the offered rate badly is the last one worth running.
      if (r.deliveredRatio < 0.5 || r.ackP99 > 5000) break;
    }
  } finally {
    for (const w of workers) w.kill();
  }
  return results;
}

/**
 * A step whose server's event loop waited for a CPU more than this share of the step (%) ran on a
 * contended machine: its rates, latencies and even CPU per message (cache and frequency effects)
 * are the machine's as much as the server's, so it is marked and not quoted against a target.
 */
const CONTENDED_WAIT = 10;

/** Was the machine free during a step: the run-queue waits, the load average, the verdict. */
function machineLine(r: StepResult): string {
  return `run-queue wait: server ${fmt(r.serverWait)} %, generators ${fmt(r.genWait)} % of the step; load ${fmt(r.load)}${r.contended ? ' — contended: not a target figure' : ''}`;
}

/** A thread group's figures over a step: % of a core, user and kernel µs a message, calls and KiB a message. */
function perMessage(u: ThreadUse, sent: number, elapsed: number) {
  const each = (x: number) => (sent > 0 ? x / sent : NaN);
  return { core: ((u.user + u.kernel) / elapsed) * 100, user: each(u.user) * 1e6, kernel: each(u.kernel) * 1e6, writeCalls: each(u.writeCalls), readCalls: each(u.readCalls), kib: each(u.written) / 1024 };
}

/** The step line's thread clause: each group's user/kernel µs a message, and write/read calls a message. */
function threadLine(r: StepResult): string {
  const short: Record<ThreadGroup, string> = { loop: 'loop', platform: 'V8', writer: 'writer', rest: 'rest' };
  const ms = GROUPS.map((g) => [short[g], perMessage(r.threadGroups[g], r.sent, r.elapsed)] as const);
  const cpu = ms.map(([g, m]) => `${g} ${fmt(m.user)}/${fmt(m.kernel)}`).join(', ');
  const calls = ms.filter(([g]) => g !== 'V8').map(([g, m]) => `${g} ${fmt(m.writeCalls, 2)}/${fmt(m.readCalls, 2)}`).join(', ');
  return `user/kernel µs a message: ${cpu}; write/read calls a message: ${calls}`;
}

const THREAD_COLUMNS = ['% of a core', 'user µs/msg', 'kernel µs/msg', 'write calls/msg', 'read calls/msg', 'KiB written/msg'];

/** `--threads`: a step's thread groups, then every thread that did anything, one row each. */
function printThreads(title: string, { groups, threads }: GroupedThreads, sent: number, elapsed: number): void {
  const row = (name: string, u: ThreadUse) => {
    const m = perMessage(u, sent, elapsed);
    return [name, fmt(m.core), fmt(m.user), fmt(m.kernel), fmt(m.writeCalls, 2), fmt(m.readCalls, 2), fmt(m.kib, 2)];
  };
  const rows = [
    ...GROUPS.map((g) => row(`${GROUP_NAMES[g]}: ${groups[g].threads} thread${groups[g].threads === 1 ? '' : 's'}`, groups[g])),
    ...threads.filter((t) => t.user + t.kernel + t.writeCalls + t.readCalls > 0).map((t) => row(`  ${t.label}, thread ${t.tid}`, t)),
  ];
  console.error(`\nthreads, ${title} (${sent} messages in ${fmt(elapsed)} s):\n${table(['thread', ...THREAD_COLUMNS], rows)}\n`);
}

function printTrace(title: string, trace: Record<string, Record<string, number>>): void {
  const rows = Object.entries(trace).map(([name, h]) => [name, h['count']!, fmt(h['p50']!), fmt(h['p90']!), fmt(h['p99']!), fmt(h['max']!), Number.isNaN(h['sum']) ? '' : fmt(h['sum']!, 0)]);
  console.error(`\nlatency trace, ${title} (ms, or a count):\n${table(['histogram', 'samples', 'p50', 'p90', 'p99', 'max', 'sum'], rows)}\n`);
}

/** Samples the server's allocations (young-generation garbage included) until `stop`. */
async function startAllocationSampling(port: number) {
  const inspector = await connectInspector(port);
  await inspector.call('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return {
    async stop(file: string) {
      const { profile } = (await inspector.call('HeapProfiler.stopSampling')) as { profile: unknown };
      writeFileSync(file, JSON.stringify(profile));
      inspector.close();
      console.error(`allocation profile written to ${file}`);
    },
  };
}

/** The baseline's checkout (this one, built once, when `--baseline .` or none). */
const BASELINE = values.baseline && resolve(values.baseline) !== resolve(ROOT) ? resolve(values.baseline) : ROOT;

const starters: Record<string, () => Promise<Target>> = {
  natter: () => natterTarget(),
  'natter-mixed': () => natterTarget(undefined, Number(values.changes)),
  baseline: () => natterTarget(BASELINE),
  'natter-webhook': async () => natterTarget(undefined, 0, await webhookReceiver()),
  'natter-wordlist': () => natterTarget(undefined, 0, undefined, wordListFile()),
  'natter-pg': async () => natterTarget(undefined, 0, undefined, undefined, await pgNodeBacking()),
  'baseline-pg': async () => natterTarget(BASELINE, 0, undefined, undefined, await pgNodeBacking()),
  bare: () => bareTarget(),
  'bare-rows': () => bareTarget(true),
  socketio: () => socketIoTarget(true),
  'socketio-mem': () => socketIoTarget(false),
};

const all: StepResult[] = [];
/** Each run of a target (a target named several times in `--targets` runs several times): its steps in order. */
const runs: StepResult[][] = [];
const TICKS = values['tick-ms']!.split(',').map(Number);
for (const [run, name] of values.targets!.split(',').entries()) {
  // `natter+<flag>+<flag>…`: this tree's server with these Node flags after the production ones
  // (in place of `--node-args`), so several settings alternate in one run.
  const variant = name.startsWith('natter+') ? name.split('+').slice(1).filter(Boolean) : undefined;
  const start = variant ? () => natterTarget(undefined, 0, undefined, undefined, undefined, variant) : starters[name];
  if (!start) throw new Error(`unknown target ${name}`);
  const target = await start();
  try {
    const tick = TICKS[run % TICKS.length]!;
    if (TICKS.length > 1) target.name += `, sent every ${tick} ms`;
    const steps = await runTarget(target, tick);
    runs.push(steps);
    all.push(...steps);
  } finally {
    await target.stop();
  }
}

const keeps = (r: StepResult) => r.deliveredRatio >= 0.95 && r.ackP99 < 1000;
/** The highest offered rate of one run below which every step kept up (≥ 95 % delivered, p99 ack under 1 s). */
const keptUpIn = (steps: StepResult[]) => {
  const first = steps.findIndex((r) => !keeps(r));
  return Math.max(0, ...(first < 0 ? steps : steps.slice(0, first)).map((r) => r.offered));
};
/** What each run of a target kept up with, in run order. */
const keptUpRuns = (name: string) => runs.filter((steps) => steps[0]?.target === name).map(keptUpIn);
/** A target's figure: the median of its runs (the lower middle one of an even count). */
const keptUp = (name: string) => {
  const each = keptUpRuns(name).sort((a, b) => a - b);
  return each.length ? each[Math.floor((each.length - 1) / 2)]! : 0;
};

const fanout = P2P * 1 + (1 - P2P) * (GROUP - 1);
console.log(
  `\nServer benchmark: ${CLIENTS} clients in groups of ${GROUP}, each also in a 1:1 pair; ${fmt(P2P * 100, 0)} % of sends 1:1 ` +
    `(${fmt(fanout)} deliveries per send on average); ${SECONDS} s per step after ${WARMUP} s of warm-up; ${WORKERS} generator process(es), each sending what is due every ${values['tick-ms']} ms; loopback\n`,
);
console.log(
  table(
    ['server', 'offered msg/s', 'sent msg/s', 'delivered msg/s', 'delivered %', 'ack p50 ms', 'ack p99 ms', 'delivery p50 ms', 'delivery p99 ms', 'server CPU %', 'server CPU µs/msg', 'event loop CPU %', 'event loop µs/msg', 'PostgreSQL µs/msg', 'PostgreSQL commits/s', 'busiest other thread CPU %', 'V8 platform threads CPU %', 'V8 platform threads µs/msg', 'other threads CPU %', 'server writes KiB/msg', 'server write calls/msg', 'server RSS MiB', 'generator CPU % (busiest)', 'generator loop delay p99 ms', 'server run-queue wait %', 'generators run-queue wait %', 'load average', 'limit', 'machine'],
    all.map((r) => [
      r.target, r.offered, fmt(r.sentPerSec, 0), fmt(r.deliveredPerSec, 0), fmt(r.deliveredRatio * 100),
      fmt(r.ackP50), fmt(r.ackP99), fmt(r.delP50), fmt(r.delP99), fmt(r.serverCpu, 0), fmt(r.cpuPerMsg, 0), fmt(r.loopCpu, 0), fmt(r.loopPerMsg, 0), Number.isNaN(r.databasePerMsg) ? '' : fmt(r.databasePerMsg, 0), Number.isNaN(r.commitsPerSec) ? '' : fmt(r.commitsPerSec, 0), fmt(r.busiestThreadCpu, 0), fmt(r.platformCpu, 0), fmt(r.platformPerMsg, 1), fmt(r.otherThreadsCpu, 0), fmt(r.writtenPerMsg / 1024, 1), fmt(r.writeCallsPerMsg, 2), fmt(r.serverRss, 0), fmt(r.genCpu, 0), fmt(r.genLag),
      fmt(r.serverWait), fmt(r.genWait), fmt(r.load),
      r.generatorBound ? 'generator' : r.deliveredRatio < 0.95 || r.ackP99 >= 1000 ? 'server' : '',
      r.contended ? 'contended: not a target figure' : '',
    ]),
  ),
);
const natter = keptUp('natter');
console.log('\nHighest offered rate kept up (≥ 95 % delivered, p99 ack < 1 s, at that rate and every lower one of the run; median of the runs):');
for (const name of new Set(all.map((r) => r.target))) {
  const k = keptUp(name);
  const each = keptUpRuns(name);
  const perRun = each.length > 1 ? ` (runs: ${each.join(' / ')})` : '';
  const ratio = name === 'natter' || k === 0 ? '' : ` (natter: ${fmt(natter / k)}×)`;
  const bound = all.some((r) => r.target === name && r.offered > k && r.generatorBound) ? '; the generator was the limit above it' : '';
  const steps = all.filter((r) => r.target === name);
  const contended = steps.filter((r) => r.contended).length;
  const machine = contended ? `; ${contended} of ${steps.length} steps contended (server run-queue wait over ${CONTENDED_WAIT} %): not a target figure` : '';
  console.log(`- ${name}: ${k} msg/s${perRun}${ratio}${bound}${machine}`);
}

/** Each run's figure and their median, for the A/B runs: `a, b, c: **median**`. */
const runsAndMedian = (xs: number[], digits = 1) => {
  const sorted = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (!sorted.length) return '';
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return `${xs.map((x) => fmt(x, digits)).join(', ')}: **${fmt(median, digits)}**`;
};
const byTargetAndRate = new Map<string, StepResult[]>();
for (const r of all) {
  const key = `${r.target} | ${r.offered}`;
  byTargetAndRate.set(key, [...(byTargetAndRate.get(key) ?? []), r]);
}
/** Which of a target's runs at a rate were contended (1-based, in run order): `2, 3 of 3: not target figures`. */
const contendedRuns = (rs: StepResult[]) => {
  const which = rs.flatMap((r, i) => (r.contended ? [i + 1] : []));
  return which.length ? `${which.join(', ')} of ${rs.length}: not target figures` : '';
};
const t = (r: StepResult, name: string, field: string) => r.trace?.[name]?.[field] ?? NaN;
console.log('\nPer target and rate, each run in order and the median:\n');
console.log(
  table(
    ['server', 'offered msg/s', 'delivered %', 'ack p50 ms', 'ack p99 ms', 'server CPU %', 'generator loop delay p99 ms', 'server CPU µs/msg', 'event loop µs/msg', 'V8 platform µs/msg', 'server run-queue wait %', 'contended runs', ...(values.trace ? ['send to ack on the server p99 ms', 'commit to ack p99 ms', 'loop delay p99 ms', 'scavenges', 'scavenge p50 ms', 'scavenge max ms', 'scavenges ms in all', 'writer transactions', 'messages a transaction', 'index moves', 'index move p99 ms', 'index moves ms in all'] : [])],
    [...byTargetAndRate].map(([key, rs]) => [
      ...key.split(' | '), runsAndMedian(rs.map((r) => r.deliveredRatio * 100)), runsAndMedian(rs.map((r) => r.ackP50)), runsAndMedian(rs.map((r) => r.ackP99)), runsAndMedian(rs.map((r) => r.serverCpu), 0), runsAndMedian(rs.map((r) => r.genLag)), runsAndMedian(rs.map((r) => r.cpuPerMsg), 0), runsAndMedian(rs.map((r) => r.loopPerMsg), 0), runsAndMedian(rs.map((r) => r.platformPerMsg)), runsAndMedian(rs.map((r) => r.serverWait)),
      contendedRuns(rs),
      ...(values.trace
        ? [runsAndMedian(rs.map((r) => t(r, 'send.toAck', 'p99'))), runsAndMedian(rs.map((r) => t(r, 'send.commitToAck', 'p99'))), runsAndMedian(rs.map((r) => t(r, 'loop.delay', 'p99'))), runsAndMedian(rs.map((r) => t(r, 'gc.scavenge', 'count')), 0), runsAndMedian(rs.map((r) => t(r, 'gc.scavenge', 'p50'))), runsAndMedian(rs.map((r) => t(r, 'gc.scavenge', 'max'))), runsAndMedian(rs.map((r) => t(r, 'gc.scavenge', 'sum')), 0),
            // The SQLite writer's transactions in the step and the drafts each held (batches' drafts
            // over transactions): how much of a transaction's fixed cost each message carries.
            runsAndMedian(rs.map((r) => t(r, 'writer.jobsPerTransaction', 'count')), 0), runsAndMedian(rs.map((r) => t(r, 'batch.size', 'sum') / t(r, 'writer.jobsPerTransaction', 'count')), 0),
            // The search index's moves (each holds the jobs posted meanwhile): one sample a move.
            runsAndMedian(rs.map((r) => t(r, 'writer.moveBeforeJob', 'count')), 0), runsAndMedian(rs.map((r) => t(r, 'writer.moveBeforeJob', 'p99'))), runsAndMedian(rs.map((r) => t(r, 'writer.moveBeforeJob', 'sum')), 0)]
        : []),
    ]),
  ),
);
if (values.threads) {
  // Each thread group of each target and rate: every run's figure in order and their median, so an
  // A/B reads the event loop's kernel time or the writer's WAL write calls as it reads the CPU.
  console.log('\nThreads, per target, rate and group (bench/lib/thread-use.ts), each run in order and the median:\n');
  console.log(
    table(
      ['server', 'offered msg/s', 'threads', ...THREAD_COLUMNS],
      [...byTargetAndRate].flatMap(([key, rs]) =>
        GROUPS.map((g) => {
          const ms = rs.map((r) => perMessage(r.threadGroups[g], r.sent, r.elapsed));
          const col = (k: keyof ReturnType<typeof perMessage>, digits = 1) => runsAndMedian(ms.map((m) => m[k]), digits);
          return [...key.split(' | '), GROUP_NAMES[g], col('core'), col('user'), col('kernel'), col('writeCalls', 2), col('readCalls', 2), col('kib', 2)];
        }),
      ),
    ),
  );
}
