/**
 * What a message's commit costs the PostgreSQL backends and the node's main thread: the load of
 * bench:commit (200 users in 20 groups of 10, each also in a 1:1 pair, half the sends 1:1), drafts
 * committed by the store in batches of `--batch`, one after the other, each tree on a schema of
 * its own, the trees by turns (A, B, A, B, …: alternating pairs), medians.
 *
 *   npx tsx bench/postgres-commit.ts --tree .,/work/wt/base --rounds 5
 *
 * CPU from /proc (clock ticks, 10 ms: a round commits enough messages for a few hundred of them):
 * the backends of the store's pool (found by their application_name) and this process's main
 * thread, per message (noisy on a shared machine: ±30 % between rounds). And counts: the
 * shared buffers the round's statements touched in the schema's tables and indexes
 * (pg_statio_user_tables, once the pool's backends have exited and flushed their statistics; the
 * warm-up's and the setup's included), per message measured; and WAL bytes per message
 * (pg_current_wal_lsn before and after the measured part: the cluster's, so other sessions
 * writing meanwhile add to it; the lowest round is the nearest).
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Store } from '../src/server/core/store.js';
import { commitDraft, createLoadGroups } from './lib/commit-load.js';
import { cpuSeconds, median } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    tree: { type: 'string', default: '.' },
    rounds: { type: 'string', default: '5' },
    batch: { type: 'string', default: '100' },
    messages: { type: 'string', default: '40000' },
    /** Of the group sends, the share that @mention two other members (0 to 1; default 0). */
    mentions: { type: 'string', default: '0' },
    url: { type: 'string', default: process.env['NATTER_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const ROUNDS = Number(values.rounds);
const BATCH = Number(values.batch);
const MESSAGES = Number(values.messages);
const MENTIONS = Number(values.mentions);
const URL = values.url!;

interface Tree {
  path: string;
  createPostgresStore(options: { connectionString: string; poolSize?: number; searchIndex?: boolean }): Promise<Store>;
  newMessageId(): string;
}
const trees: Tree[] = [];
for (const p of values.tree!.split(',')) {
  const path = resolve(p);
  const store = (await import(join(path, 'src/server/store/postgres-store.ts'))) as Pick<Tree, 'createPostgresStore'>;
  const ids = (await import(join(path, 'src/server/core/message-id.ts'))) as Pick<Tree, 'newMessageId'>;
  trees.push({ path, ...store, ...ids });
}

/** A backend's CPU seconds so far; 0 once it has exited. */
const backendCpu = (pid: number): number => {
  try {
    return cpuSeconds(pid);
  } catch {
    return 0;
  }
};
const mainCpu = () => cpuSeconds(process.pid, process.pid);

const admin = new pg.Client({ connectionString: URL });
await admin.connect();

/** One round of a tree: a fresh schema, the groups, a warm-up, then MESSAGES measured. */
async function round(tree: Tree, r: number): Promise<{ backendUs: number; mainUs: number; walBytes: number; buffers: number }> {
  const schema = `natter_bench_${process.pid}_${r}_${trees.indexOf(tree)}`;
  const app = `natter-bench-${schema}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = `${URL}${URL.includes('?') ? '&' : '?'}application_name=${app}&options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  // No search mover: its moves would run on the same backends, when they come.
  const store = await tree.createPostgresStore({ connectionString: url, poolSize: 4, searchIndex: false });
  try {
    await createLoadGroups(store);
    let k = 0;
    const batch = () => Array.from({ length: BATCH }, () => commitDraft(k++, tree.newMessageId, MENTIONS));
    for (let i = 0; i < 3000 / BATCH; i++) await store.commitMessages(batch());
    const pids = async () => (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [app])).rows.map((x) => x.pid);
    const before = new Map((await pids()).map((p) => [p, backendCpu(p)]));
    const lsn0 = (await admin.query<{ l: string }>('SELECT pg_current_wal_lsn()::text AS l')).rows[0]!.l;
    const main0 = mainCpu();
    for (let i = 0; i < MESSAGES / BATCH; i++) await store.commitMessages(batch());
    const main1 = mainCpu();
    const { rows: [w] } = await admin.query<{ b: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::bigint AS b`, [lsn0]);
    let backend = 0;
    for (const p of await pids()) backend += backendCpu(p) - (before.get(p) ?? 0);
    await store.close();
    // A backend flushes its statistics as it exits.
    while ((await pids()).length > 0) await new Promise((r) => setTimeout(r, 50));
    const { rows: [io] } = await admin.query<{ b: string }>(
      `SELECT sum(coalesce(heap_blks_hit, 0) + coalesce(heap_blks_read, 0) + coalesce(idx_blks_hit, 0) + coalesce(idx_blks_read, 0)
         + coalesce(toast_blks_hit, 0) + coalesce(toast_blks_read, 0) + coalesce(tidx_blks_hit, 0) + coalesce(tidx_blks_read, 0))::bigint AS b
       FROM pg_statio_user_tables WHERE schemaname = $1`, [schema]);
    return { backendUs: (backend * 1e6) / MESSAGES, mainUs: ((main1 - main0) * 1e6) / MESSAGES, walBytes: Number(w!.b) / MESSAGES, buffers: Number(io!.b) / MESSAGES };
  } finally {
    await store.close().catch(() => undefined);
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  }
}

const results = trees.map(() => ({ backendUs: [] as number[], mainUs: [] as number[], walBytes: [] as number[], buffers: [] as number[] }));
for (let r = 0; r < ROUNDS; r++) {
  // Alternating pairs: the first tree goes first in even rounds, last in odd ones.
  const order = r % 2 === 0 ? trees : [...trees].reverse();
  for (const t of order) {
    const x = await round(t, r);
    const out = results[trees.indexOf(t)]!;
    out.backendUs.push(x.backendUs);
    out.mainUs.push(x.mainUs);
    out.walBytes.push(x.walBytes);
    out.buffers.push(x.buffers);
  }
}
await admin.end();
const f = (xs: number[], d = 1) => `median ${median(xs).toFixed(d)} [${xs.map((x) => x.toFixed(d)).join(', ')}]`;
console.log(`postgres commit (batches of ${BATCH}, ${MESSAGES} messages a round, ${MENTIONS > 0 ? `${MENTIONS} of group sends mentioning two, ` : ''}trees by turns):`);
trees.forEach((t, i) => {
  const r = results[i]!;
  console.log(`  ${t.path}:\n    backend CPU µs/msg ${f(r.backendUs)}\n    node main thread CPU µs/msg ${f(r.mainUs)}\n    WAL bytes/msg ${f(r.walBytes, 0)} (lowest ${Math.min(...r.walBytes).toFixed(0)})\n    buffers/msg ${f(r.buffers, 2)}`);
});
