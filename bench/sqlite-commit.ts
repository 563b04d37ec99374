/**
 * Micro-benchmark of the SQLite store's commit (issue 23): what the writer thread spends per
 * message, without sockets or the rest of a send. The bench's own load: 200 users in 20 groups
 * of 10, each also in a 1:1 pair, half the sends 1:1; ids as the server makes them (UUIDv7),
 * clientMsgIds as the client does (time first), the load generator's texts.
 *
 *   npm run bench:commit                                        (this tree)
 *   npm run bench:commit -- --tree .,/tmp/old --rounds 7        (A/B against another checkout, same load)
 *
 * Two measures, each `--rounds` times (median and all figures printed):
 * - `statements`: the commit on the calling thread (`commitOnThisThread`, the writer's own code,
 *   with the calling thread's wire encoding and the search words) over a file with
 *   `synchronous = OFF`, batches of `--batch`, the search index's moves included (every 2,000
 *   rows): CPU µs per message, the trees interleaved batch by batch (each first every other
 *   batch), so whatever else the machine runs weighs on them alike; and the WAL frames written
 *   per message (pages dirtied by the commits: a count, not a timing, the same on any machine).
 * - `writer`: the store itself (its writer thread, `synchronous = FULL`), `--rate` drafts/s
 *   submitted in 1 ms ticks without waiting, as the batcher does; CPU of the writer thread (the
 *   busiest thread after the main one) and of the main thread (which makes the drafts too) per
 *   message, from /proc; the trees by turns. Beside them the checkpointer thread's CPU and write
 *   calls a message, how often the WAL restarted from its beginning and its most frames in use
 *   (from the -wal and -shm headers, each tick): whether the WAL stays bounded.
 * - `latency`: the store behind `CommitBatcher`, as a send reaches it, `--rate` drafts/s in 1 ms
 *   ticks: each draft's time from its submit to its answer (p50, p99, max), the first second not
 *   counted; the trees by turns. What the writer's queue, commit, search moves and reply add to a
 *   send's ack, without sockets or the rest of a send.
 */
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { MessageDraft } from '../src/server/core/types.js';
import type { Store } from '../src/server/core/store.js';
import type { CommitBatcher } from '../src/server/core/commit-batcher.js';
import { commitDraft, createLoadGroups } from './lib/commit-load.js';
import { median } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    tree: { type: 'string', default: '.' },
    rounds: { type: 'string', default: '5' },
    batch: { type: 'string', default: '100' },
    messages: { type: 'string', default: '40000' },
    rate: { type: 'string', default: '16000' },
    seconds: { type: 'string', default: '4' },
    /** Of the group sends, the share that @mention two other members (0 to 1; default 0). */
    mentions: { type: 'string', default: '0' },
    /** One measure only: statements, writer or latency (default: all three). */
    only: { type: 'string' },
  },
});
const ROUNDS = Number(values.rounds);
const BATCH = Number(values.batch);
const MESSAGES = Number(values.messages);
const MENTIONS = Number(values.mentions);
/** Batches of each round not counted (JIT, caches, the search index's first move). */
const WARMUP = Math.ceil(3000 / BATCH);

interface Tree {
  path: string;
  createSqliteStore(file: string): Store;
  CommitBatcher: new (store: Store) => Pick<CommitBatcher, 'enqueue' | 'drain'>;
  commitOnThisThread(db: unknown, search?: boolean): { commit(drafts: MessageDraft[]): unknown[] };
  newMessageId(): string;
}
const trees: Tree[] = [];
for (const path of values.tree.split(',').map((t) => resolve(t))) {
  const store = (await import(join(path, 'src/server/store/sqlite-store.ts'))) as Pick<Tree, 'createSqliteStore'>;
  const writer = (await import(join(path, 'src/server/store/sqlite-writer.ts'))) as Pick<Tree, 'commitOnThisThread'>;
  const ids = (await import(join(path, 'src/server/core/message-id.ts'))) as Pick<Tree, 'newMessageId'>;
  const batcher = (await import(join(path, 'src/server/core/commit-batcher.ts'))) as Pick<Tree, 'CommitBatcher'>;
  trees.push({ path, createSqliteStore: store.createSqliteStore, CommitBatcher: batcher.CommitBatcher, commitOnThisThread: writer.commitOnThisThread, newMessageId: ids.newMessageId });
}
const newMessageId = trees[0]!.newMessageId;

/** The k-th send of the load (bench/lib/commit-load.ts). */
const draft = (k: number): MessageDraft => commitDraft(k, newMessageId, MENTIONS);

/** A fresh database with the load's users and groups, made by the store itself. */
async function freshFile(tree: Tree): Promise<{ file: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'natter-commit-bench-'));
  const file = join(dir, 'natter.db');
  const store = tree.createSqliteStore(file);
  await createLoadGroups(store);
  await store.close();
  return { file, dir };
}


/**
 * The statements' CPU per message of each tree, interleaved batch by batch (tree A's batch, tree
 * B's, A's, …: whatever else the machine runs meanwhile weighs on both alike), each tree on a
 * database of its own; and the WAL frames each wrote per message (the pages its commits dirtied,
 * autocheckpoint off: a count, not a timing).
 */
async function statements(): Promise<{ us: number[]; frames: number[] }> {
  const dbs = await Promise.all(trees.map(async (t) => {
    const { file, dir } = await freshFile(t);
    const db = new Database(file);
    db.pragma('synchronous = OFF');
    db.pragma('wal_autocheckpoint = 0');
    return { db, dir, commit: t.commitOnThisThread(db), cpu: 0 };
  }));
  const batches = Array.from({ length: Math.ceil(MESSAGES / BATCH) }, (_, b) => Array.from({ length: BATCH }, (_, j) => draft(b * BATCH + j)));
  // Warm-up (the JIT, a first move of the search index), then the measured batches: the same
  // drafts for each tree, copied so neither sees the other's objects.
  for (const [i, b] of batches.entries()) {
    // Each tree goes first every other batch.
    for (const d of i % 2 === 0 ? dbs : [...dbs].reverse()) {
      const copy = b.map((x) => ({ ...x, message: { ...x.message } }));
      const t0 = process.cpuUsage();
      d.commit.commit(copy);
      const t = process.cpuUsage(t0);
      if (i >= WARMUP) d.cpu += t.user + t.system;
      if (i === WARMUP - 1) d.db.pragma('wal_checkpoint(TRUNCATE)');
    }
  }
  const measured = (batches.length - WARMUP) * BATCH;
  const out = { us: [] as number[], frames: [] as number[] };
  for (const d of dbs) {
    const [{ log }] = d.db.pragma('wal_checkpoint(PASSIVE)') as [{ log: number }];
    out.us.push(d.cpu / measured);
    out.frames.push(log / measured);
    d.db.close();
    rmSync(d.dir, { recursive: true, force: true });
  }
  return out;
}

/** CPU seconds and write calls (`syscw`) of each thread of this process, by thread id. */
function threads(): Map<number, { cpu: number; writes: number }> {
  const tick = 100;
  const out = new Map<number, { cpu: number; writes: number }>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const writes = Number(/^syscw: (\d+)$/m.exec(readFileSync(`/proc/self/task/${tid}/io`, 'utf8'))![1]);
      out.set(Number(tid), { cpu: (Number(fields[11]) + Number(fields[12])) / tick, writes });
    } catch {}
  }
  return out;
}

/**
 * The WAL's state from its two files' headers: the checkpoint sequence (the WAL header's, big-endian
 * at byte 12: one more each time the WAL restarts from its beginning) and the frames in use
 * (mxFrame of the wal-index header in the -shm file, native byte order at byte 16).
 */
function walState(file: string): { restarts: number; frames: number } | undefined {
  const b = Buffer.alloc(32);
  try {
    const read = (path: string): void => {
      const fd = openSync(path, 'r');
      try {
        readSync(fd, b, 0, 32, 0);
      } finally {
        closeSync(fd);
      }
    };
    read(`${file}-wal`);
    const restarts = b.readUInt32BE(12);
    read(`${file}-shm`);
    return { restarts, frames: b.readUInt32LE(16) };
  } catch {
    return undefined;
  }
}

interface WriterUse {
  writer: number;
  main: number;
  /** The checkpointer thread (the other thread the store starts): CPU µs and write calls a message. */
  checkpointer: number;
  checkpointerWrites: number;
  /** Times the WAL restarted from its beginning in the measured seconds, and its most frames in use. */
  walRestarts: number;
  walFrames: number;
}

async function writer(tree: Tree): Promise<WriterUse> {
  const { file, dir } = await freshFile(tree);
  const store = tree.createSqliteStore(file);
  const rate = Number(values.rate);
  const threadsBefore = threads();
  let wal = { restarts: 0, frames: 0, last: -1 };
  const run = async (seconds: number) => {
    const start = performance.now();
    let sent = 0;
    let k = 0;
    const inFlight: Promise<unknown>[] = [];
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        const due = Math.min(Math.round(rate * seconds), Math.floor((rate * (performance.now() - start)) / 1000));
        if (due > sent) {
          inFlight.push(store.commitMessages(Array.from({ length: due - sent }, () => draft(k++))));
          sent = due;
        }
        const w = walState(file);
        if (w) {
          if (w.restarts !== wal.last) wal = { ...wal, restarts: wal.restarts + (wal.last >= 0 ? 1 : 0), last: w.restarts };
          wal.frames = Math.max(wal.frames, w.frames);
        }
        if (sent >= rate * seconds) {
          clearInterval(timer);
          done();
        }
      }, 1);
    });
    await Promise.all(inFlight);
    return sent;
  };
  await run(1);
  const before = threads();
  wal = { restarts: 0, frames: 0, last: wal.last };
  const sent = await run(Number(values.seconds));
  const after = threads();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const use = [...after].map(([tid, s]) => ({ tid, cpu: s.cpu - (before.get(tid)?.cpu ?? 0), writes: s.writes - (before.get(tid)?.writes ?? 0) }));
  const main = use.find((u) => u.tid === process.pid)!.cpu;
  // The store's two threads started with its first commit: the writer, then the checkpointer (the busier first).
  const started = use.filter((u) => !threadsBefore.has(u.tid)).sort((a, b) => b.cpu - a.cpu);
  const per = (x: number): number => (x * 1e6) / sent;
  return {
    writer: per(started[0]?.cpu ?? 0), main: per(main),
    checkpointer: per(started[1]?.cpu ?? 0), checkpointerWrites: (started[1]?.writes ?? 0) / sent,
    walRestarts: wal.restarts, walFrames: wal.frames,
  };
}

/** Milliseconds from each draft's submit to its answer, through the tree's CommitBatcher, after the first second. */
async function latency(tree: Tree): Promise<{ p50: number; p99: number; max: number }> {
  const { file, dir } = await freshFile(tree);
  const store = tree.createSqliteStore(file);
  const batcher = new tree.CommitBatcher(store);
  const rate = Number(values.rate);
  const total = rate * (1 + Number(values.seconds));
  const times: number[] = [];
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor((rate * (performance.now() - start)) / 1000));
      for (; sent < due; sent++) {
        const at = performance.now();
        const counted = sent >= rate;
        const answered = (): void => {
          if (counted) times.push(performance.now() - at);
        };
        batcher.enqueue(draft(sent), { committed: answered, failed: answered });
      }
      if (sent >= total) {
        clearInterval(timer);
        done();
      }
    }, 1);
  });
  await batcher.drain();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  const at = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: times[times.length - 1]! };
}

const f = (x: number): string => x.toFixed(2);
const list = (xs: number[]): string => `median ${f(median(xs))} [${xs.map(f).join(', ')}]`;
if (values.only === undefined || values.only === 'statements') {
  const us = trees.map(() => [] as number[]);
  const frames = trees.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    const x = await statements();
    x.us.forEach((u, i) => us[i]!.push(u));
    x.frames.forEach((u, i) => frames[i]!.push(u));
  }
  console.log(`statements (synchronous=OFF, batches of ${BATCH}, ${MESSAGES} messages a round, the trees interleaved batch by batch):`);
  trees.forEach((t, i) => console.log(`  ${t.path}: CPU µs/msg ${list(us[i]!)}; WAL frames/msg ${list(frames[i]!)}`));
}
if (values.only === undefined || values.only === 'writer') {
  const runs = trees.map(() => [] as WriterUse[]);
  // Rounds alternate between the trees (A B A B …).
  for (let r = 0; r < ROUNDS; r++) for (const [i, t] of trees.entries()) runs[i]!.push(await writer(t));
  console.log(`writer (synchronous=FULL, ${values.rate} drafts/s for ${values.seconds} s a round, the trees by turns):`);
  trees.forEach((t, i) => {
    const of = (k: keyof WriterUse): string => list(runs[i]!.map((x) => x[k]));
    console.log(`  ${t.path}: writer thread CPU µs/msg ${of('writer')}; main thread ${of('main')}; checkpointer thread ${of('checkpointer')}, its write calls/msg ${of('checkpointerWrites')}; WAL restarts ${of('walRestarts')}, most frames in the WAL ${of('walFrames')}`);
  });
}
if (values.only === undefined || values.only === 'latency') {
  const runs = trees.map(() => [] as { p50: number; p99: number; max: number }[]);
  for (let r = 0; r < ROUNDS; r++) for (const [i, t] of trees.entries()) runs[i]!.push(await latency(t));
  console.log(`latency (CommitBatcher and the store, ${values.rate} drafts/s for ${values.seconds} s after 1 s, submit to answer in ms, the trees by turns):`);
  trees.forEach((t, i) => {
    const of = (k: 'p50' | 'p99' | 'max'): string => list(runs[i]!.map((x) => x[k]));
    console.log(`  ${t.path}: p50 ${of('p50')}; p99 ${of('p99')}; max ${of('max')}`);
  });
}
