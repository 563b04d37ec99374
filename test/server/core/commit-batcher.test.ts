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
