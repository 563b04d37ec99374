import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexWords, searchTextOf } from '../../../src/server/core/search-text.js';

describe('indexWords', () => {
  it('keeps each word of a short text once, in the order it first comes', () => {
    assert.equal(indexWords(searchTextOf({ elem: { type: 'text', text: 'The cat saw the other CAT, then the dog.' } })), 'the cat saw other then dog');
  });

  it('keeps each word of a long text once too (past the words looked back along)', () => {
    const text = Array.from({ length: 60 }, (_, i) => `w${i % 25}`).join(' ');
    assert.equal(indexWords(text), Array.from({ length: 25 }, (_, i) => `w${i}`).join(' '));
  });

  it('gives a spaceless script each character as a word, repeats once', () => {
    assert.equal(indexWords(searchTextOf({ elem: { type: 'text', text: '一只斑马, 一只猫' } })), '一 只 斑 马 猫');
  });

  it('is null for a text without words, and for none', () => {
    assert.equal(indexWords('!!! ... ???'), null);
    assert.equal(indexWords(''), null);
    assert.equal(indexWords(null), null);
  });
});
