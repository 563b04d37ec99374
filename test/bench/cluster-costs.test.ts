import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { COUNTING_NODE_OPTIONS, forgetPgQueryCounts, readPgQueryCounts } from '../../bench/lib/pg-query-counts.js';
import { descendants, ProcessCpu } from '../../bench/lib/proc-cpu.js';
import { ceilings, fitScalingModel, splitByRate } from '../../bench/lib/scaling-model.js';
import { PARTS, type Costs } from '../../bench/lib/cluster-costs.js';
import { requirePostgres } from '../server/helpers/services.js';

const FIXTURE = new URL('./fixtures/pg-queries.ts', import.meta.url).pathname;

/** Spins for `ms` of its own CPU time, prints `spun`, then idles until killed. */
const BUSY = `const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
while (cpu() < Number(process.argv[1])); console.log('spun'); setInterval(() => {}, 1000);`;

describe('cluster benchmark probes', () => {
  it('counts a node\'s PostgreSQL round trips and transactions as PostgreSQL does', async () => {
    await requirePostgres();
    const child = spawn(process.execPath, [FIXTURE], { env: { ...process.env, NODE_OPTIONS: COUNTING_NODE_OPTIONS }, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
      assert.match(chunk.toString(), /done/);
      const counts = await readPgQueryCounts(child.pid!);
      // BEGIN, SELECT 1, COMMIT, SELECT 2, SELECT $1: five round trips; one transaction of
      // BEGIN … COMMIT and two autocommitted statements: three commits.
      assert.equal(counts.statements, 5);
      assert.equal(counts.commits, 3);
      assert.equal(counts.explicitCommits, 1);
      assert.equal(counts.byStatement['SELECT $1::int AS three'], 1);
      // Asked again, it answers again with the same totals.
      assert.equal((await readPgQueryCounts(child.pid!)).statements, 5);
    } finally {
      child.kill('SIGKILL');
      forgetPgQueryCounts(child.pid!);
    }
  });

  it('charges a process group the CPU its processes used, one started after the first snapshot from zero', async () => {
    const children: ReturnType<typeof spawn>[] = [];
    /** Starts a spinner and resolves once it has spun. */
    const spin = async (ms: number) => {
      const c = spawn(process.execPath, ['-e', BUSY, String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(c);
      await once(c.stdout!, 'data');
    };
    try {
      const cpu = new ProcessCpu({ mine: () => descendants(process.pid).filter((p) => children.some((c) => c.pid === p.pid)).map((p) => p.pid) });
      await spin(300);
      const a = await cpu.snapshot();
      await spin(400);
      const used = ProcessCpu.between(a, await cpu.snapshot()).mine;
      // The first one was done spinning before `a`; the second started after it and spun 0.4 s
      // (and a little more to start Node; /proc counts in 10 ms ticks).
      assert.ok(used >= 0.37 && used < 0.7, `charged ${used} s`);
    } finally {
      for (const c of children) c.kill('SIGKILL');
    }
  });

  it('splits a part\'s CPU into overhead and marginal cost by rate, and fits per-node costs from the bystander and two sizes', () => {
    const costs = (nodesUs: number, redisUs: number, postgresUs: number): Costs => ({
      cpuUs: { ...Object.fromEntries(PARTS.map((p) => [p, 0])), nodes: nodesUs, redis: redisUs, postgres: postgresUs, bystander: 20 } as Costs['cpuUs'],
      idleCores: Object.fromEntries(PARTS.map((p) => [p, 0])) as Costs['idleCores'],
      totalUs: 0, ourCores: 0, otherCores: 0, pgStatements: 8, pgCommits: 3, pgWriteCommits: 0.5, pgByStatement: {},
      redisCommands: 0, redisByCommand: {}, redisBytesIn: 0, redisBytesOut: 0,
    });
    // PostgreSQL: 0.2 cores whatever the rate + 100 µs per message: 500 µs at 500 msg/s, 300 at 1000.
    assert.deepEqual(splitByRate([{ rate: 500, costs: costs(0, 0, 500) }, { rate: 1000, costs: costs(0, 0, 300) }], ['postgres']), { marginalUs: 100, overheadCores: 0.2 });
    // Nodes: 100 µs split across nodes + 20 µs on every node (what the bystander spends); Redis:
    // 4 µs + 2 µs per subscriber (the nodes and the bystander); no overhead.
    const at = (nodesUs: number, redisUs: number) => [500, 1000].map((rate) => ({ rate, costs: costs(nodesUs, redisUs, 200) }));
    const model = fitScalingModel(1, at(120, 8), 3, at(160, 12));
    assert.equal(model.nodeSendUs, 100);
    assert.equal(model.nodeReceiveUs, 20);
    assert.equal(model.redisPublishUs, 4);
    assert.equal(model.redisDeliverUs, 2);
    const at4 = ceilings(model, 4, 2);
    assert.equal(at4.nodes, 1e6 / (100 / 4 + 20));
    assert.equal(at4.redis, 1e6 / (4 + 4 * 2));
    assert.equal(at4.postgres, 2e6 / 200);
  });
});
