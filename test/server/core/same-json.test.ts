import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sameJson } from '../../../src/server/core/same-json.js';

describe('sameJson', () => {
  it('tells JSON values apart by content, whatever the key order', () => {
    assert.ok(sameJson({ type: 'text', text: 'hi', mentions: ['a', 'b'] }, { mentions: ['a', 'b'], text: 'hi', type: 'text' }));
    assert.ok(sameJson({ a: { b: [1, { c: null }] } }, { a: { b: [1, { c: null }] } }));
    assert.ok(!sameJson({ type: 'text', text: 'oh darn it' }, { type: 'text', text: 'oh **** it' }));
    assert.ok(!sameJson({ a: 1 }, { a: 1, b: undefined }), 'a key more');
    assert.ok(!sameJson({ a: [1, 2] }, { a: [2, 1] }), 'array order counts');
    assert.ok(!sameJson([1], { 0: 1 }), 'an array is not an object');
    assert.ok(!sameJson({ a: null }, { a: {} }));
    assert.ok(!sameJson(undefined, { type: 'text' }));
  });
});
