/**
 * Search benchmark (SPEC §12, issue 20): N messages (1,000,000) across C group conversations
 * (1,000) of 5 members out of 200 users, on SQLite (FTS5 over our words) and PostgreSQL (GIN over a tsvector of them),
 * seeded through the stores' own commit (batches of 2,000 in one transaction each).
 *
 * - Search latency: the server's search as one user (`searchAs`: store query, per-viewer view,
 *   snippets; no socket) for a common word (in 10 % of messages), a rare one (1 in 10,000) and a
 *   two-character Chinese word (0.1 %), across the user's conversations (50 of them, ~50,000
 *   messages) and in one; p50 and p99 of `--queries` runs each.
 * - Commit throughput with the index on beside off, same run and same database: rounds of
 *   `--commits` messages in batches of 100 over 100 conversations (as the commit batcher hands
 *   them over), alternating a store that indexes (default) and one that does not
 *   (`searchIndex: false`), median messages per second of each.
 *
 *   flock /tmp/bench.lock npm run bench:search [-- --messages 1000000 --stores sqlite,postgres]
 *
 * `--keep` seeds once and reuses: the SQLite file and the PostgreSQL schema (named after the
 * corpus size) stay after the run, and a later run with `--keep` finds them seeded and skips
 * straight to the measurements (each run's commit rounds add their messages to conversations
 * 0–99, five of them the searcher's; those committed with the index off are not indexed on SQLite,
 * and on PostgreSQL are moved into the index by the next store that indexes when it opens, before
 * its round is timed). A new store version opening the kept data upgrades it as it would a
 * deployment's. On PostgreSQL an indexing store moves its round's words beside the commits (its
 * connections' CPU is counted in the round; the last moves, up to 2,000 messages' worth, finish
 * when it closes, after the round's clock stopped). Remove them with
 * `--drop` (with the same sizes).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { ConversationId, Message } from '../src/protocol/index.js';
import { groupKey } from '../src/server/core/conversation-key.js';
import { newMessageId } from '../src/server/core/message-id.js';
import { searchAs } from '../src/server/core/search.js';
import type { Store } from '../src/server/core/store.js';
import type { MessageDraft } from '../src/server/core/types.js';
import { createPostgresStore } from '../src/server/store/postgres-store.js';
import { createSqliteStore } from '../src/server/store/sqlite-store.js';
import { cpuSeconds, fmt, median, percentile, table } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    conversations: { type: 'string', default: '1000' },
    queries: { type: 'string', default: '200' },
    commits: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    postgres: { type: 'string', default: process.env['NATTER_BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test' },
    smoke: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    drop: { type: 'boolean', default: false },
  },
});
const SMOKE = values.smoke;
const N = SMOKE ? 5_000 : Number(values.messages);
const C = SMOKE ? 100 : Number(values.conversations);
const QUERIES = SMOKE ? 20 : Number(values.queries);
const COMMITS = SMOKE ? 1000 : Number(values.commits);
const ROUNDS = SMOKE ? 1 : Number(values.rounds);
const USERS = 200;
const VIEWER = 'u0';
/** The viewer is in every 20th conversation. */
const viewerIn = (c: number) => c % 20 === 0;

// ----------------------------------------------------------------------- the corpus
let seed = 42;
/** mulberry32: a small deterministic generator (the corpus is the same every run). */
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'sa', 'to', 'vel', 'qua', 'dor', 'ni', 'pe', 'ur', 'bel', 'shi', 'gan', 'fo', 'rix', 'tem', 'jo', 'wen'];
const VOCAB = Array.from({ length: 5000 }, () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join(''));
const HANZI = [...'的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长'];
const COMMON = 'hello';
const RARE = 'zanzibar';
const CJK = '斑马';

function text(i: number): string {
  const words: string[] = [];
  if (random() < 0.1) {
    let s = '';
    for (let k = 8 + Math.floor(random() * 12); k > 0; k--) s += HANZI[Math.floor(random() * HANZI.length)];
    words.push(s);
  } else {
    for (let k = 4 + Math.floor(random() * 12); k > 0; k--) words.push(VOCAB[Math.floor(VOCAB.length * random() ** 3)]!);
  }
  if (i % 10 === 0) words.splice(Math.floor(random() * words.length), 0, COMMON);
  if (i % 10_000 === 7) words.push(RARE);
  if (i % 1000 === 3) words.push(`一只${CJK}在跑`);
  return words.join(' ');
}

function membersOf(c: number): string[] {
  const members = new Set<string>(viewerIn(c) ? [VIEWER] : []);
  while (members.size < 5) members.add(`u${1 + Math.floor(random() * (USERS - 1))}`);
  return [...members];
}

function draftOf(c: number, sender: string, body: string): MessageDraft {
  const key = groupKey(`c${c}`);
  const id = newMessageId();
  const message: Message = {
    id, conversationId: key as ConversationId, seq: 0, clientMsgId: `b${id.replace(/-/g, '')}`, sender, senderProfile: { name: sender },
    time: Date.now(), elem: { type: 'text', text: body },
  };
  return { key, type: 'group', message };
}

/** Each conversation's members (the generator's first draws: the same on every run). */
function membersOfAll(): Map<number, string[]> {
  seed = 42;
  const members = new Map<number, string[]>();
  for (let c = 0; c < C; c++) members.set(c, membersOf(c));
  return members;
}

async function seedStore(store: Store, members: Map<number, string[]>): Promise<void> {
  for (const [c, m] of members) await store.createGroup({ id: `c${c}`, name: `Conversation ${c}`, createdAt: 1, historyVisibility: 'all' }, m);
  const started = performance.now();
  let batch: MessageDraft[] = [];
  for (let i = 0; i < N; i++) {
    const c = Math.floor(random() * C);
    const m = members.get(c)!;
    batch.push(draftOf(c, m[Math.floor(random() * m.length)]!, text(i)));
    if (batch.length === 2000 || i === N - 1) {
      await store.commitMessages(batch);
      batch = [];
      if ((i + 1) % 100_000 === 0) process.stderr.write(`  seeded ${i + 1}\n`);
    }
  }
  process.stderr.write(`  seeded ${N} in ${fmt((performance.now() - started) / 1000)} s\n`);
}

// ----------------------------------------------------------------------- measurements
async function latencies(store: Store, query: string, conversationId?: ConversationId): Promise<{ p50: number; p99: number; hits: number; n: number }> {
  const times: number[] = [];
  let hits = 0;
  // At most 30 s a row: a slow plan is reported, not waited out.
  const deadline = performance.now() + 30_000;
  for (let i = 0; i < QUERIES && performance.now() < deadline; i++) {
    const t0 = performance.now();
    const page = await searchAs(store, VIEWER, { query, ...(conversationId && { conversationId }) });
    times.push(performance.now() - t0);
    hits = page.results.length;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), hits, n: times.length };
}

/**
 * Messages per second of a round, and the CPU time this process spent per message (every
 * thread: the event loop and, on SQLite, the writer thread), in µs: less swayed than the rate by
 * the other processes of a shared machine (fsync waits are not CPU time). PostgreSQL's own CPU
 * is in its server processes: `serverCpu` counts the store's own connections (the commits, and
 * any work the store does beside them on its pool).
 */
async function commitRate(store: Store, members: Map<number, string[]>, place: Place): Promise<{ rate: number; cpu: number; serverCpu: number }> {
  const server0 = await place.serverCpu?.();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let done = 0; done < COMMITS; done += 100) {
    const batch: MessageDraft[] = [];
    for (let k = 0; k < 100; k++) {
      const c = (done + k) % 100;
      batch.push(draftOf(c, members.get(c)![0]!, text(done + k)));
    }
    await store.commitMessages(batch);
  }
  const rate = COMMITS / ((performance.now() - started) / 1000);
  const used = process.cpuUsage(cpu);
  const server1 = await place.serverCpu?.();
  const serverCpu = server0 && server1 ? [...server1].reduce((t, [pid, s]) => t + s - (server0.get(pid) ?? 0), 0) * 1e6 / COMMITS : NaN;
  return { rate, cpu: (used.user + used.system) / COMMITS, serverCpu };
}

interface Result {
  store: string;
  rows: (string | number)[][];
  on: number;
  off: number;
  cpuOn: number;
  cpuOff: number;
  serverCpuOn: number;
  serverCpuOff: number;
}

/** Where a store's data lives: open it, and (`--keep`) tell and mark whether it is seeded. */
interface Place {
  open(searchIndex: boolean): Promise<Store>;
  cleanup(): Promise<void>;
  analyze?(): Promise<unknown>;
  seeded(): Promise<boolean>;
  markSeeded(): Promise<unknown>;
  /** CPU seconds so far of each database server process serving the store's connections, by pid. */
  serverCpu?(): Promise<Map<number, number>>;
}

async function run(name: string, place: Place): Promise<Result> {
  try {
    const store = await place.open(true);
    const members = membersOfAll();
    if (values.keep && await place.seeded()) process.stderr.write(`${name}: reusing the kept ${N} messages\n`);
    else {
      process.stderr.write(`${name}: seeding ${N} messages in ${C} conversations\n`);
      await seedStore(store, members);
      // As autovacuum would have by then on a database that grew to this size: the planner's statistics.
      await place.analyze?.();
      if (values.keep) await place.markSeeded();
    }
    const oneConversation = `group:c${[...members.keys()].find(viewerIn)}` as ConversationId;
    const rows: (string | number)[][] = [];
    for (const [what, query] of [['common word', COMMON], ['rare word', RARE], ['2 Chinese characters', CJK]] as const) {
      for (const [scope, id] of [['across', undefined], ['in one', oneConversation]] as const) {
        await latencies(store, query, id); // warm
        const r = await latencies(store, query, id);
        rows.push([name, what, scope, r.hits, r.n, fmt(r.p50, 2), fmt(r.p99, 2)]);
      }
    }
    await store.close();
    const on: { rate: number; cpu: number; serverCpu: number }[] = [];
    const off: { rate: number; cpu: number; serverCpu: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const indexing of [false, true]) {
        const s = await place.open(indexing);
        (indexing ? on : off).push(await commitRate(s, members, place));
        await s.close();
      }
    }
    process.stderr.write(`${name}: rounds msg/s on ${on.map((r) => fmt(r.rate, 0)).join(', ')}; off ${off.map((r) => fmt(r.rate, 0)).join(', ')}\n`);
    if (place.serverCpu) process.stderr.write(`${name}: rounds server µs CPU/msg on ${on.map((r) => fmt(r.serverCpu, 1)).join(', ')}; off ${off.map((r) => fmt(r.serverCpu, 1)).join(', ')}\n`);
    return {
      store: name, rows, on: median(on.map((r) => r.rate)), off: median(off.map((r) => r.rate)),
      cpuOn: median(on.map((r) => r.cpu)), cpuOff: median(off.map((r) => r.cpu)),
      serverCpuOn: median(on.map((r) => r.serverCpu)), serverCpuOff: median(off.map((r) => r.serverCpu)),
    };
  } finally {
    await place.cleanup();
  }
}

/** A store's tables, printed as soon as it is done (a long run keeps what it measured). */
function print(r: Result): void {
  console.log(`\n${r.store}: search as one user (${N.toLocaleString('en-US')} messages, ${C.toLocaleString('en-US')} conversations; the user in ${Math.ceil(C / 20)}), ${QUERIES} queries each, ms:\n`);
  console.log(table(['store', 'query', 'scope', 'results', 'queries', 'p50', 'p99'], r.rows));
  console.log(`\n${r.store}: commit throughput, batches of 100 over 100 conversations, ${COMMITS.toLocaleString('en-US')} messages per round, median of ${ROUNDS} rounds each, msg/s:\n`);
  console.log(table(['store', 'index on', 'index off', 'on / off', 'this process µs CPU/msg on', 'off', 'database server µs CPU/msg on', 'off'],
    [[r.store, fmt(r.on, 0), fmt(r.off, 0), `${fmt((r.on / r.off) * 100, 0)} %`, fmt(r.cpuOn, 1), fmt(r.cpuOff, 1), fmt(r.serverCpuOn, 1), fmt(r.serverCpuOff, 1)]]));
}
// The smoke run (bench:smoke, CI) checks that it all works on the embedded default only.
const kept = `${N}_${C}`;
for (const which of SMOKE ? ['sqlite'] : values.stores.split(',')) {
  if (which === 'sqlite') {
    const dir = values.keep || values.drop ? join(tmpdir(), `natter-bench-search-${kept}`) : mkdtempSync(join(tmpdir(), 'natter-bench-search-'));
    const file = join(dir, 'natter.db');
    const marker = join(dir, 'seeded');
    const remove = async () => rmSync(dir, { recursive: true, force: true });
    if (values.drop) {
      await remove();
      continue;
    }
    mkdirSync(dir, { recursive: true });
    print(await run('SQLite', {
      open: async (searchIndex) => createSqliteStore(file, { searchIndex }),
      cleanup: values.keep ? async () => void process.stderr.write(`SQLite: kept in ${dir}\n`) : remove,
      seeded: async () => existsSync(marker),
      markSeeded: async () => writeFileSync(marker, ''),
    }));
  } else if (which === 'postgres') {
    const schema = values.keep || values.drop ? `bench_search_kept_${kept}` : `bench_search_${process.pid}`;
    // Named, so that the server processes of the store's connections can be told apart (serverCpu).
    const app = `natter-bench-search-${process.pid}`;
    const url = `${values.postgres}${values.postgres.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}&application_name=${app}`;
    const admin = new pg.Client({ connectionString: values.postgres });
    await admin.connect();
    const drop = async () => {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    };
    if (values.drop) {
      await drop();
      continue;
    }
    print(await run('PostgreSQL', {
      open: (searchIndex) => createPostgresStore({ connectionString: url, schema, searchIndex }),
      cleanup: values.keep ? async () => {
        process.stderr.write(`PostgreSQL: kept in schema ${schema}\n`);
        await admin.end();
      } : drop,
      // The word index is filled by the store's move, off the commits (postgres-search-move.ts): the
      // statistics are taken once it caught up, with message_words and its watermarks among them
      // (analysed while message_words was still empty, the planner walked the whole id index for a
      // rare word across, 0.5 s, or gathered every match of a common one, 0.2 s).
      analyze: async () => {
        const behind = `SELECT count(*)::int AS n FROM ${schema}.conversations c LEFT JOIN ${schema}.search_marks s ON s.conv_key = c.key WHERE c.last_seq > coalesce(s.seq, 0)`;
        for (let i = 0; i < 1200 && (await admin.query<{ n: number }>(behind)).rows[0]!.n > 0; i++) await new Promise((r) => setTimeout(r, 100));
        await admin.query(`ANALYZE ${schema}.messages, ${schema}.memberships, ${schema}.groups, ${schema}.message_words, ${schema}.search_marks`);
      },
      seeded: async () => (await admin.query(`SELECT to_regclass('${schema}.bench_seeded') IS NOT NULL AS seeded`)).rows[0].seeded === true,
      markSeeded: () => admin.query(`CREATE TABLE ${schema}.bench_seeded ()`),
      // The server's processes are on this machine (the benchmark runs on loopback); a process
      // that ended between the listing and the read counts nothing.
      serverCpu: async () => new Map((await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [app])).rows
        .map((r) => [r.pid, (() => { try { return cpuSeconds(r.pid); } catch { return 0; } })()])),
    }));
  }
}
