import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SEARCH_LIMITS, foldForSearch, hasLink, matchesKind, matchesTerms, searchSnippet, searchTerms, searchWords, termAt } from '../../src/protocol/search.js';
import type { Elem } from '../../src/protocol/index.js';

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

  it('takes an empty query as no terms only when asked (a search by its filters alone)', () => {
    assert.equal(searchTerms('   '), undefined);
    assert.deepEqual(searchTerms('   ', true), []);
    assert.deepEqual(searchTerms('Fox', true), ['fox']);
    assert.equal(searchTerms('x'.repeat(SEARCH_LIMITS.queryChars + 1), true), undefined);
  });

  it('tells a link by http://, https:// or www. in any case, and a message\'s kind; no kind: anything a person sent', () => {
    for (const t of ['see https://example.com', 'HTTP://X', 'www.example.org', 'go to WWW.x']) assert.equal(hasLink(t), true, t);
    for (const t of ['example.com', 'http:/x', 'wwwx', 'mailto:a@b.c', 'https:example']) assert.equal(hasLink(t), false, t);
    const image: Elem = { type: 'image', url: '/f', width: 1, height: 1, size: 1, mime: 'image/png' };
    assert.equal(matchesKind(image, 'image'), true);
    assert.equal(matchesKind(image, 'video'), false);
    assert.equal(matchesKind({ type: 'text', text: 'at www.x.org' }, 'link'), true);
    assert.equal(matchesKind({ type: 'text', text: 'at www.x.org' }, 'text'), true);
    assert.equal(matchesKind({ type: 'text', text: 'no address' }, 'link'), false);
    assert.equal(matchesKind({ type: 'file', url: '/f', name: 'www.pdf', size: 1, mime: 'application/pdf' }, 'link'), false, 'a link is a text');
    assert.equal(matchesKind(image, undefined), true);
    assert.equal(matchesKind({ type: 'recalled' } as Elem, undefined), false);
    assert.equal(matchesKind({ type: 'system', event: 'custom', text: 'x' } as Elem, undefined), false);
  });

  it('splits folded text into words: runs of letters and digits, each Chinese or Japanese character alone', () => {
    assert.deepEqual(searchWords(foldForSearch('The quick-brown Fox, 100%_done')), ['the', 'quick', 'brown', 'fox', '100', 'done']);
    assert.deepEqual(searchWords(foldForSearch('明天 meeting在会议室')), ['明', '天', 'meeting', '在', '会', '议', '室']);
    assert.deepEqual(searchWords(foldForSearch('2024年の東京タワー')), ['2024', '年', 'の', '東', '京', 'タ', 'ワ', 'ー']);
    assert.deepEqual(searchWords('𠀀x'), ['𠀀', 'x'], 'a character outside the BMP');
    assert.equal(searchWords(foldForSearch('안녕하세요 world')).length, 2, 'Korean is written with spaces: its words stay words');
  });

  it('finds a term where a word begins: after a space, punctuation, a Chinese character or the start; anywhere when it starts with punctuation or Chinese', () => {
    assert.equal(termAt('the quick fox', 'qui'), true);
    assert.equal(termAt('the quick fox', 'uick'), false);
    assert.equal(termAt('the quick fox', 'the'), true);
    assert.equal(termAt('quarterly-report.pdf', 'report'), true);
    assert.equal(termAt('quarterly-report.pdf', '-rep'), true);
    assert.equal(termAt('quarterly-report.pdf', 'eport'), false);
    assert.equal(termAt('一只斑马在跑', '斑马'), true);
    assert.equal(termAt('下载report', 'report'), true);
    assert.equal(termAt('𠀀report', 'report'), true, 'after a character outside the BMP');
    assert.equal(termAt('xreport report', 'report'), true, 'a later occurrence counts');
    assert.equal(matchesTerms('a zebra here', ['ebra']), false);
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
