import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDrafts, openDrafts } from '../../src/client/drafts.js';
import { createMemoryStorage } from '../../src/client/storage-memory.js';
import type { ClientStorage, Draft } from '../../src/client/types.js';

/** A storage that keeps drafts (as IndexedDB does), counting the writes. */
function draftStorage(): ClientStorage & { writes: number } {
  let drafts: Draft[] = [];
  const storage = Object.assign(createMemoryStorage(), {
    writes: 0,
    loadDrafts: async () => structuredClone(drafts),
    saveDrafts: async (next: Draft[]) => void (storage.writes++, (drafts = structuredClone(next))),
  });
  return storage;
}

const make = (storage: ClientStorage, delayMs = 5) => createDrafts(storage, delayMs);

describe('drafts', () => {
  test('are kept per conversation, written once per burst, and come back in a new client', async () => {
    const storage = draftStorage();
    const drafts = make(storage, 20);
    await drafts.restored;
    drafts.set('p2p:bob', 'h');
    drafts.set('p2p:bob', 'he');
    drafts.set('p2p:bob', 'hello @Bob', [{ id: 'bob', label: 'Bob' }]);
    drafts.set('group:g1', 'for the group');
    assert.equal(drafts.$drafts.get()['p2p:bob']?.text, 'hello @Bob', 'the store changes at once');
    assert.equal(storage.writes, 0, 'the storage follows after the pause');
    await drafts.flush();
    assert.equal(storage.writes, 1, 'one write for the burst');

    const after = await openDrafts(storage);
    assert.deepEqual(after.$drafts.get()['p2p:bob']?.mentions, [{ id: 'bob', label: 'Bob' }]);
    assert.equal(after.$drafts.get()['group:g1']?.text, 'for the group');
  });

  test('blank text removes the draft, from the store and the device', async () => {
    const storage = draftStorage();
    const drafts = make(storage);
    drafts.set('p2p:bob', 'something');
    await drafts.flush();
    drafts.set('p2p:bob', '   ');
    assert.equal(drafts.$drafts.get()['p2p:bob'], undefined);
    await drafts.flush();
    assert.deepEqual(await storage.loadDrafts!(), []);
  });

  test('typing before the stored drafts are read wins over them', async () => {
    const storage = draftStorage();
    await storage.saveDrafts!([
      { conversationId: 'p2p:bob', text: 'old', updatedAt: 1 },
      { conversationId: 'p2p:carol', text: 'kept', updatedAt: 1 },
    ]);
    const drafts = make(storage);
    drafts.set('p2p:bob', 'new');
    await drafts.flush();
    assert.equal(drafts.$drafts.get()['p2p:bob']?.text, 'new');
    assert.equal(drafts.$drafts.get()['p2p:carol']?.text, 'kept');
    assert.deepEqual((await storage.loadDrafts!()).map((d) => d.text).sort(), ['kept', 'new'], 'the write kept the draft read late');
  });

  test('a storage without draft methods (memory) keeps drafts for the life of the client', async () => {
    const drafts = make(createMemoryStorage());
    await drafts.restored;
    drafts.set('p2p:bob', 'only here');
    await drafts.flush();
    assert.equal(drafts.$drafts.get()['p2p:bob']?.text, 'only here');
  });
});
