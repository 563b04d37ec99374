import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MemberLookups } from '../../../src/server/core/member-lookups.js';
import { createSqliteStore } from '../../../src/server/store/sqlite-store.js';

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('MemberLookups over a store that holds member lists (SQLite)', () => {
  it('answers at once once the list is held (no promise a message), in order behind a read on its way, and anew after a change', async () => {
    const store = createSqliteStore(join(mkdtempSync(join(tmpdir(), 'natter-members-')), 'natter.db'));
    try {
      await store.createGroup({ id: 'g', name: 'G', createdAt: 1 }, ['a', 'b']);
      const lookups = new MemberLookups(store);
      // Not held yet: read, and a second ask in the same turn waits for that read, not overtaking it.
      const first = lookups.of('g');
      assert.ok(first instanceof Promise);
      assert.equal(lookups.of('g'), first);
      assert.deepEqual([...(await first)].sort(), ['a', 'b']);
      await nextTurn();
      // Held now: an array, the same one for the turn's messages of the group.
      const held = lookups.of('g');
      assert.ok(Array.isArray(held), 'a held list is answered without a promise');
      assert.deepEqual([...held].sort(), ['a', 'b']);
      assert.equal(lookups.of('g'), held);
      // A change of membership forgets it: the next turn reads the new list.
      await store.removeGroupMember('g', 'b');
      lookups.forget('g');
      await nextTurn();
      assert.deepEqual(await lookups.of('g'), ['a']);
      await nextTurn();
      assert.deepEqual(lookups.of('g'), ['a']);
    } finally {
      await store.close();
    }
  });
});
