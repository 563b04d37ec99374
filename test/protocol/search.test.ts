import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SEARCH_LIMITS, foldForSearch, matchesTerms, searchSnippet, searchTerms } from '../../src/protocol/search.js';

const marked = (s: { text: string; marks: [number, number][] }) => s.marks.map(([a, b]) => s.text.slice(a, b));

describe('search text (SPEC §12)', () => {
  it('folds case, accents and compatibility forms; controls become spaces', () => {
    assert.equal(foldForSearch('Café ZÜRICH ＡＢＣ ﬁne'), 'cafe zurich abc fine');
    assert.equal(foldForSearch('a\u0000b\tc'), 'a b c');
    assert.equal(foldForSearch('一只斑马'), '一只斑马');
  });

  it('splits a query into distinct folded terms and refuses empty, too long or too many', () => {
    assert.deepEqual(searchTerms('  Zebra  zebra 斑马 '), ['zebra', '斑马']);
    assert.equal(searchTerms(' \u0000 '), undefined);
    assert.equal(searchTerms('x'.repeat(SEARCH_LIMITS.queryChars + 1)), undefined);
    assert.ok(searchTerms('斑'.repeat(SEARCH_LIMITS.queryChars)));
    assert.equal(searchTerms('a b c d e f g h i'), undefined);
    assert.equal(matchesTerms('a zebra here', ['zeb', 'her']), true);
    assert.equal(matchesTerms('a zebra here', ['zeb', 'there']), false);
  });

  it('marks every occurrence of every term in the original text, accents and case kept', () => {
    const s = searchSnippet('Café au lait, CAFE noir', ['cafe']);
    assert.equal(s.text, 'Café au lait, CAFE noir');
    assert.deepEqual(marked(s), ['Café', 'CAFE']);
    assert.deepEqual(marked(searchSnippet('一只斑马在跑', ['斑马'])), ['斑马']);
    assert.deepEqual(searchSnippet('zebra zebra', ['zeb', 'ebra']).marks, [[0, 5], [6, 11]], 'overlapping matches merge');
    assert.deepEqual(marked(searchSnippet('emoji 😀 zebra', ['😀 z'])), ['😀 z']);
  });

  it('cuts long text around the first match with an ellipsis, never inside a surrogate pair', () => {
    const long = `${'😀'.repeat(100)} zebra ${'tail '.repeat(50)}`;
    const s = searchSnippet(long, ['zebra']);
    assert.ok(s.text.startsWith('…') && s.text.endsWith('…'));
    assert.deepEqual(marked(s), ['zebra']);
    assert.doesNotMatch(s.text, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    assert.ok([...s.text].length <= SEARCH_LIMITS.snippetChars + 2);
    assert.equal(searchSnippet('line one\nline two', ['two']).text, 'line one line two');
  });
});
