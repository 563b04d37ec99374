import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';
import { draft } from './store-contract.js';

/** This process's threads (Linux, as CI): a worker thread is one more. */
const threads = (): number => Number(/^Threads:\s+(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]);

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting: ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

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
    await until('the commit is checkpointed into the database file', () => readFileSync(file).includes(text));
    await store.close();
  });
});
