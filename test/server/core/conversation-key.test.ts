import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupKey, p2pKey, viewOf } from '../../../src/server/core/conversation-key.js';

describe('viewOf', () => {
  it('gives each side of a 1:1 chat the other as its conversation', () => {
    const key = p2pKey('bob', 'alice');
    assert.equal(viewOf(key, 'alice'), 'p2p:bob');
    assert.equal(viewOf(key, 'bob'), 'p2p:alice');
  });

  it('tells apart users whose ids start alike', () => {
    const key = p2pKey('u1', 'u10');
    assert.equal(viewOf(key, 'u1'), 'p2p:u10');
    assert.equal(viewOf(key, 'u10'), 'p2p:u1');
    const other = p2pKey('ab', 'a');
    assert.equal(viewOf(other, 'a'), 'p2p:ab');
    assert.equal(viewOf(other, 'ab'), 'p2p:a');
  });

  it('gives every member a group’s own id', () => {
    assert.equal(viewOf(groupKey('room|1'), 'alice'), 'group:room|1');
  });
});
