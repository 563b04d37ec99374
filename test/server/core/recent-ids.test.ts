import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentIds } from '../../../src/server/core/recent-ids.js';

describe('RecentIds (the ids of the messages a node published lately)', () => {
  it('remembers at least its last capacity entries and at most twice that, whenever it is asked', () => {
    const recent = new RecentIds(100);
    const id = (n: number) => `m${n}`;
    for (let n = 0; n < 1000; n++) {
      recent.add(id(n));
      // Asked now and then, as a resend's duplicate asks: what was added since is found as well.
      if (n % 37 === 0) {
        assert.ok(recent.has(id(n)), `the entry just added (${n})`);
        for (let back = 0; back < Math.min(100, n + 1); back++) assert.ok(recent.has(id(n - back)), `${back} back of ${n}`);
        if (n >= 200) assert.ok(!recent.has(id(n - 200)), `twice the capacity back of ${n}`);
      }
    }
    assert.ok(!recent.has('never'));
    // Entries added after a question, never asked about since, are still found at the next one.
    for (let n = 1000; n < 1050; n++) recent.add(id(n));
    for (let n = 950; n < 1050; n++) assert.ok(recent.has(id(n)), `${n}`);
  });

  it('drops a whole generation at a time: a full newer one becomes the older', () => {
    const recent = new RecentIds(3);
    for (const id of ['a', 'b', 'c', 'd']) recent.add(id);
    assert.deepEqual(['a', 'b', 'c', 'd', 'e'].map((id) => recent.has(id)), [true, true, true, true, false]);
    for (const id of ['e', 'f', 'g']) recent.add(id);
    assert.deepEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => recent.has(id)), [false, false, false, true, true, true, true]);
  });
});
