import type { Elem } from './elems.js';
import { SEARCH_LIMITS, type SearchKind } from './search-limits.js';

export { SEARCH_LIMITS };

/**
 * Search (SPEC §12), the part both sides share: what of a message is searchable, how text is
 * folded before it is indexed or compared, how a query becomes terms, and the highlighted
 * snippet of a result. The server folds what it indexes with `foldForSearch` and the client
 * searches its local cache with `matchesTerms`, so a query finds the same messages on- and offline.
 */


/** The searchable text of an elem: text, file name, location and custom descriptions, merger title. */
export function searchableText(elem: Elem): string {
  switch (elem.type) {
    case 'text': return elem.text;
    case 'file': return elem.name;
    case 'location': return elem.description;
    case 'custom': return elem.description ?? '';
    case 'merger': return elem.title;
    default: return '';
  }
}

/**
 * Whether text holds a web address: `http://`, `https://` or `www.`, in any case (ASCII only). The
 * stores test the same three strings in SQL (their kind index: sqlite-search.ts, postgres-search.ts),
 * so a plain substring test, not a URL parser.
 */
export const hasLink = (text: string): boolean => LINK.test(text);
const LINK = /https?:\/\/|www\./i;

/**
 * Elem types a search without words finds (a filter narrows them): what a person sent, not a
 * system note, a call record, a change or a recalled message.
 */
export const UNSEARCHED_TYPES: readonly string[] = ['system', 'call', 'change', 'recalled'];

/** Whether `elem` is of search kind `kind` (absent: any a search finds without words). */
export function matchesKind(elem: Elem, kind: SearchKind | undefined): boolean {
  if (kind === undefined) return !UNSEARCHED_TYPES.includes(elem.type);
  if (kind === 'link') return elem.type === 'text' && hasLink(elem.text);
  return elem.type === kind;
}

const MARKS = /\p{M}/gu;

/**
 * Folds text for comparison: compatibility-decomposed, combining marks (diacritics) removed,
 * lower-cased, so "Café" and "cafe" compare equal and full-width "ＡＢＣ" matches "abc". `from[i]`
 * is the index in `text` of the code unit that gave folded code unit `i` (for highlighting).
 */
export function foldWithMap(text: string): { folded: string; from: number[] } {
  let folded = '';
  const from: number[] = [];
  let i = 0;
  for (const ch of text) {
    // Plain ASCII is most text: it folds to its lower case alone.
    // Controls (NUL too, which neither FTS5 nor PostgreSQL text takes) separate words like spaces.
    const c = ch.charCodeAt(0);
    const f = c < 0x20 || (c >= 0x7f && c < 0xa0) ? ' ' : ch.length === 1 && c < 0x80 ? ch.toLowerCase() : ch.normalize('NFKD').replace(MARKS, '').toLowerCase();
    folded += f;
    for (let k = 0; k < f.length; k++) from.push(i);
    i += ch.length;
  }
  return { folded, from };
}

/** `text` folded for indexing and comparison (see `foldWithMap`). */
export function foldForSearch(text: string): string {
  return foldWithMap(text).folded;
}

/**
 * The folded terms of a query: split on whitespace, duplicates and empty ones dropped, at most
 * SEARCH_LIMITS.terms. Undefined when the query is empty or too long (SEARCH_QUERY_INVALID); with
 * `empty`, a query of nothing but whitespace is no terms (a search by its filters alone).
 */
export function searchTerms(query: string, empty = false): string[] | undefined {
  // Over twice the limit in code units is over it in code points: refused before a frame's 256 KB are spread.
  if (query.length > SEARCH_LIMITS.queryChars * 2 || [...query].length > SEARCH_LIMITS.queryChars) return undefined;
  const terms = [...new Set(foldForSearch(query).split(/\s+/u).filter((t) => t.length > 0))];
  if ((terms.length === 0 && !empty) || terms.length > SEARCH_LIMITS.terms) return undefined;
  return terms;
}

/**
 * Scripts written without spaces between words (Chinese, Japanese kana, Thai, Lao, Khmer,
 * Myanmar, Bopomofo), as code point ranges: each of their characters is a word of its own, so
 * "斑马" is found inside "一只斑马在跑". Korean is written with spaces (and folds to jamo): its
 * words are words. The PostgreSQL store puts the same ranges in a regex (postgres-search.ts).
 */
export const SPACELESS: readonly [number, number][] = [
  // Thai and Lao, Myanmar, Khmer, kana to CJK Unified Ideographs (folded text holds no Hangul
  // compatibility jamo nor compatibility ideographs in between: NFKD maps them out), Ext. B–H.
  [0x0e00, 0x0eff], [0x1000, 0x109f], [0x1780, 0x17ff], [0x3040, 0x9fff], [0x20000, 0x3134f],
];
const WORD_CHAR = /^[\p{L}\p{N}]/u;

/** What code point `c` is to words: 0 a separator, 1 a letter or digit of a spaced script, 2 a word alone. */
const kindOf = (c: number): number =>
  SPACELESS.some(([a, b]) => c >= a && c <= b) ? 2 : WORD_CHAR.test(String.fromCodePoint(c)) ? 1 : 0;

/**
 * The words of folded text, as the stores index them: runs of letters and digits, and each
 * character of a spaceless script alone. One index entry per word, where trigrams cost one per
 * character; a term is found where a word begins (see `termAt`). A scan by code point, not a
 * regex: it runs for every message committed.
 */
export function searchWords(folded: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < folded.length;) {
    const c = folded.codePointAt(i)!;
    const n = c > 0xffff ? 2 : 1;
    // ASCII letters and digits without a regex: most of what is indexed.
    const kind = c < 0x80 ? +((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a)) : kindOf(c);
    if (kind === 1) {
      if (start < 0) start = i;
    } else {
      if (start >= 0) words.push(folded.slice(start, i)), (start = -1);
      if (kind === 2) words.push(folded.slice(i, i + n));
    }
    i += n;
  }
  if (start >= 0) words.push(folded.slice(start));
  return words;
}

/** Whether `ch` (its first code point) is a word character of a spaced script: a term may not start after one. */
export const isSpacedWordChar = (ch: string): boolean => kindOf(ch.codePointAt(0) ?? 0) === 1;

/**
 * Whether folded `text` holds `term` where a word begins: after a space, punctuation or the start,
 * anywhere when the term starts with punctuation or a spaceless-script character. So "qui" finds
 * "quick", "report" finds "Quarterly-Report.pdf" and "斑马" finds "一只斑马在跑", but "uick" does
 * not find "quick" (a word index, which costs a commit a sixth of a trigram one, cannot).
 */
export function termAt(text: string, term: string): boolean {
  const anywhere = kindOf(term.codePointAt(0) ?? 0) !== 1;
  for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) {
    if (anywhere || at === 0 || kindOf(text.codePointAt(at - (at > 1 && isLow(text.charCodeAt(at - 1)) ? 2 : 1))!) !== 1) return true;
  }
  return false;
}

/** Whether folded `text` holds every term where a word begins (`termAt`). */
export function matchesTerms(folded: string, terms: readonly string[]): boolean {
  return folded.length > 0 && terms.every((t) => termAt(folded, t));
}

/** A result's excerpt: plain text and the [start, end) code-unit ranges in it that matched. */
export interface SearchSnippet {
  text: string;
  marks: [number, number][];
}

/**
 * The excerpt of `text` around its first match with every occurrence of every term marked, at
 * most about SEARCH_LIMITS.snippetChars code points, with "…" where it was cut. Plain text: whoever
 * shows it renders the marks as elements, never as HTML.
 */
export function searchSnippet(text: string, terms: readonly string[]): SearchSnippet {
  const { folded, from } = foldWithMap(text);
  const ranges: [number, number][] = [];
  for (const t of terms) {
    for (let at = folded.indexOf(t); at >= 0; at = folded.indexOf(t, at + t.length)) {
      const endUnit = at + t.length - 1;
      const end = from[endUnit]! + (isHigh(text.charCodeAt(from[endUnit]!)) ? 2 : 1);
      ranges.push([from[at]!, end]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  const first = merged[0]?.[0] ?? 0;
  // A quarter of the window before the first match, the rest after it; never inside a surrogate pair.
  let start = Math.max(0, first - SEARCH_LIMITS.snippetChars / 4);
  if (start > 0 && isLow(text.charCodeAt(start))) start--;
  let end = Math.min(text.length, start + SEARCH_LIMITS.snippetChars);
  if (end < text.length && isLow(text.charCodeAt(end))) end++;
  const lead = start > 0 ? '…' : '';
  const body = text.slice(start, end).replace(/\s/gu, ' ');
  const marks = merged
    .filter(([s, e]) => e > start && s < end)
    .map(([s, e]): [number, number] => [Math.max(s, start) - start + lead.length, Math.min(e, end) - start + lead.length]);
  return { text: lead + body + (end < text.length ? '…' : ''), marks };
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
