import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newMessageId } from '../../../src/server/core/message-id.js';

describe('message ids', () => {
  it('are UUIDv7s (version 7, RFC variant), unique and increasing, even within one millisecond', () => {
    const v7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const ids = Array.from({ length: 50_000 }, () => newMessageId(1_700_000_000_000));
    for (const id of ids) assert.match(id, v7);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids, 'each id sorts after the one before');
  });

  it('carry the time in their first 48 bits and keep increasing when the clock steps back', () => {
    const later = newMessageId(2_000_000_000_000);
    assert.equal(parseInt(later.slice(0, 8) + later.slice(9, 13), 16) >= 2_000_000_000_000, true);
    const afterStepBack = newMessageId(1_000_000_000_000);
    assert.ok(afterStepBack > later);
  });

  it('spend their 62 random bits: no two tails alike over many ids', () => {
    const tails = new Set(Array.from({ length: 20_000 }, () => newMessageId().slice(19)));
    assert.equal(tails.size, 20_000);
  });
});
