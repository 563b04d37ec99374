import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommitBatcher } from '../../../src/server/core/commit-batcher.js';
import { groupKey } from '../../../src/server/core/conversation-key.js';
import type { MessageDraft } from '../../../src/server/core/types.js';
import { createMemoryStore } from '../../../src/server/store/memory-store.js';
import { draft } from '../store/store-contract.js';

describe('CommitBatcher', () => {
  it('commits everything submitted in one event-loop turn in one store call', async () => {
    const store = createMemoryStore();
    const calls: MessageDraft[][] = [];
    const commit = store.commitMessages.bind(store);
    store.commitMessages = (drafts) => {
      calls.push(drafts);
      return commit(drafts);
    };
    const batcher = new CommitBatcher(store);
    const outcomes = await Promise.all(Array.from({ length: 25 }, () => batcher.submit(draft(groupKey('g'), 'a'))));
    assert.equal(calls.length, 1);
    assert.deepEqual(outcomes.map((o) => o.status !== 'conflict' && o.message.seq), Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('rejects every draft of a failed batch and commits the next batch normally', async () => {
    const store = createMemoryStore();
    const commit = store.commitMessages.bind(store);
    let fail = true;
    store.commitMessages = async (drafts) => {
      if (fail) throw new Error('disk full');
      return commit(drafts);
    };
    const batcher = new CommitBatcher(store);
    const failed = await Promise.allSettled([batcher.submit(draft(groupKey('g'), 'a')), batcher.submit(draft(groupKey('g'), 'a'))]);
    assert.deepEqual(failed.map((r) => r.status), ['rejected', 'rejected']);
    fail = false;
    const ok = await batcher.submit(draft(groupKey('g'), 'a'));
    assert.equal(ok.status !== 'conflict' && ok.message.seq, 1);
  });

  it('drain() waits for pending commits', async () => {
    const store = createMemoryStore();
    const batcher = new CommitBatcher(store);
    let done = false;
    void batcher.submit(draft(groupKey('g'), 'a')).then(() => (done = true));
    await batcher.drain();
    await Promise.resolve();
    assert.equal(done, true);
  });
});

describe('CommitBatcher with a slow store', () => {
  it('gathers the drafts submitted while a commit runs into the next commit (group commit), seqs in order', async () => {
    const store = createMemoryStore();
    const calls: number[] = [];
    const commit = store.commitMessages.bind(store);
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    store.commitMessages = async (drafts) => {
      calls.push(drafts.length);
      await gate;
      return commit(drafts);
    };
    const batcher = new CommitBatcher(store);
    const first = batcher.submit(draft(groupKey('g'), 'a'));
    // Later turns, while the first commit is still running.
    const later: Promise<unknown>[] = [];
    for (let turn = 0; turn < 3; turn++) {
      await new Promise((r) => setImmediate(r));
      for (let i = 0; i < 4; i++) later.push(batcher.submit(draft(groupKey('g'), 'a')));
    }
    gate = Promise.resolve();
    release();
    const outcomes = await Promise.all([first, ...later]);
    assert.deepEqual(calls, [1, 12]);
    assert.deepEqual(outcomes.map((o) => (o as { message: { seq: number } }).message.seq), Array.from({ length: 13 }, (_, i) => i + 1));
  });
});

describe('CommitBatcher with a store that commits in call order (SQLite writer thread)', () => {
  it('hands a long turn\'s first drafts to a store that coalesces queued commits before the turn ends', async () => {
    const store = createMemoryStore();
    const commit = store.commitMessages.bind(store);
    const calls: number[] = [];
    Object.assign(store, { commitsInCallOrder: true, coalescesQueuedCommits: true });
    store.commitMessages = (drafts) => {
      calls.push(drafts.length);
      return commit(drafts);
    };
    const batcher = new CommitBatcher(store);
    // Submitted in one go, as a turn that read 200 frames (each send's checks are microtasks only).
    const all = Array.from({ length: 200 }, () => batcher.submit(draft(groupKey('g'), 'a')));
    const inTurn = [...calls];
    const outcomes = await Promise.all(all);
    assert.deepEqual(inTurn, [64, 64, 64], 'three batches went before the turn ended');
    assert.deepEqual(calls, [64, 64, 64, 8]);
    assert.deepEqual(outcomes.map((o) => o.status !== 'conflict' && o.message.seq), Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('hands over each turn\'s batch at once (the writer commits those queued together), and seqs still follow the order of submission', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createSqliteStore } = await import('../../../src/server/store/sqlite-store.js');
    const store = createSqliteStore(join(mkdtempSync(join(tmpdir(), 'natter-pipeline-')), 'natter.db'));
    try {
      await store.createGroup({ id: 'g', name: 'G', createdAt: 1 }, ['a']);
      assert.equal(store.commitsInCallOrder, true);
      const commit = store.commitMessages.bind(store);
      let outstanding = 0;
      let most = 0;
      store.commitMessages = async (drafts) => {
        most = Math.max(most, ++outstanding);
        try {
          return await commit(drafts);
        } finally {
          outstanding--;
        }
      };
      const batcher = new CommitBatcher(store);
      const all: Promise<import('../../../src/server/core/types.js').CommitOutcome>[] = [];
      for (let turn = 0; turn < 4; turn++) {
        for (let i = 0; i < 400; i++) all.push(batcher.submit(draft(groupKey('g'), 'a')));
        await new Promise((r) => setImmediate(r));
      }
      const outcomes = await Promise.all(all);
      // Held back until a commit ended, a turn's drafts waited for the batch queued before them too.
      // (4 when no commit ends within the four turns; held back, never more than 2.)
      assert.ok(most > 2, `every turn's batch handed over at once (${most} in flight at most)`);
      assert.deepEqual(outcomes.map((o) => o.status !== 'conflict' && o.message.seq), Array.from({ length: 1600 }, (_, i) => i + 1));
    } finally {
      await store.close();
    }
  });
});

describe('CommitBatcher with a store that commits concurrently (PostgreSQL pool)', () => {
  it('commits one batch at a time while few drafts wait, and a second beside it once 32 do', async () => {
    const store = Object.assign(createMemoryStore(), { concurrentCommits: 5 });
    const commit = store.commitMessages.bind(store);
    const calls: string[][] = [];
    const gates: (() => void)[] = [];
    store.commitMessages = async (drafts) => {
      calls.push(drafts.map((d) => d.key));
      await new Promise<void>((r) => gates.push(r));
      return commit(drafts);
    };
    const batcher = new CommitBatcher(store);
    const turn = () => new Promise((r) => setImmediate(r));
    const all = Array.from({ length: 5 }, () => batcher.submit(draft(groupKey('a'), 'x')));
    await turn();
    all.push(...Array.from({ length: 5 }, () => batcher.submit(draft(groupKey('b'), 'x'))));
    await turn();
    assert.equal(calls.length, 1, 'five drafts wait for the commit in flight');
    all.push(...Array.from({ length: 27 }, () => batcher.submit(draft(groupKey('c'), 'x'))));
    await turn();
    assert.equal(calls.length, 2, '32 waiting: a second batch goes beside the first');
    assert.deepEqual([...new Set(calls[1])], [groupKey('b'), groupKey('c')]);
    for (const open of gates.splice(0)) open();
    await Promise.all(all);
  });
});
