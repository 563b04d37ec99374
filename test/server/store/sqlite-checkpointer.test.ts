import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { until } from '../../guard.js';
import { draft } from './store-contract.js';

/** This process's threads (Linux, as CI): a worker thread is one more. */
const threads = (): number => Number(/^Threads:\s+(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]);

const dir = mkdtempSync(join(tmpdir(), 'natter-checkpointer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite store: the checkpoint thread', () => {
  it("starts with the writer's: none while nothing commits through it, then it folds commits into the file", async () => {
    // Threads a process starts once (libuv's pool, the first worker's) are up before counting.
    await readFile(import.meta.filename);
    const warm = createSqliteStore(join(dir, 'warm.db'));
    await warm.commitMessages([draft(groupKey('g'), 'a')]);
    // Closed: its writer and checkpointer have exited (close waits for their exit).
    await warm.close();
    const base = threads();

    const file = join(dir, 'natter.db');
    const store = createSqliteStore(file);
    await store.createGroup({ id: 'g', name: 'G', createdAt: 1 }, ['a', 'b']);
    await store.putUser('a', { name: 'A' }, 1);
    assert.equal(threads(), base, 'opening and writes on the main connection start no thread');

    const text = `folded-${crypto.randomUUID()}`;
    await store.commitMessages([draft(groupKey('g'), 'a', { elem: { type: 'text', text } })]);
    assert.equal(threads(), base + 2, 'the first commit starts the writer and the checkpointer');
    // Only a checkpoint copies the committed page from the WAL into the database file.
    await until(() => readFileSync(file).includes(text), 'the commit checkpointed into the database file', undefined, 1);
    await store.close();
  });

  it('checkpoints every 250 ms, not every 50: each commit waits for the next tick to reach the file', async () => {
    // Measured (issue 23, 16,000 drafts/s through CommitBatcher): the checkpointer's thread 1.98 →
    // 1.04 µs a message, its write calls 0.32 → 0.18 a message; the WAL stops at the backstop's
    // 64 MiB either way. A commit is folded by the first tick after it; one made right after a
    // fold waits for the next tick, a whole interval later.
    const file = join(dir, 'interval.db');
    const store = createSqliteStore(file);
    await store.createGroup({ id: 'g', name: 'G', createdAt: 1 }, ['a', 'b']);
    const folded = async (): Promise<number> => {
      const text = `tick-${crypto.randomUUID()}`;
      await store.commitMessages([draft(groupKey('g'), 'a', { elem: { type: 'text', text } })]);
      await until(() => readFileSync(file).includes(text), 'the commit checkpointed into the database file', undefined, 1);
      return performance.now();
    };
    const times = [await folded()];
    for (let i = 0; i < 5; i++) times.push(await folded());
    const gaps = times.slice(1).map((t, i) => t - times[i]!).sort((a, b) => a - b);
    // The median of five: a stall of this thread while it polls moves one gap, not three.
    assert.ok(gaps[2]! >= 200, `gaps between folds (ms): ${gaps.map((g) => g.toFixed(0)).join(', ')}`);
    await store.close();
  });
});
