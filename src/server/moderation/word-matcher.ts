/**
 * The word list's matcher (SPEC §11): compiled once per list, then run on every text a user
 * sends or edits. Matching is case- and width-insensitive: text and entries are compared after
 * NFKC and lower-casing, so "ＦＯＯ" and "Foo" are "foo". A Latin (any non-CJK) entry matches
 * whole words only ("ass" is not in "class"); a CJK entry matches anywhere, as CJK text has no
 * spaces between words. Pure and synchronous: no I/O, no clock.
 */

/** What a match does: refuse the whole message, or replace each matched character with `*`. */
export type WordMode = 'reject' | 'mask';

/** One entry of the list: a word, a phrase or a CJK term, with its own mode (else the list's). */
export interface WordEntry {
  word: string;
  mode?: WordMode;
}

/** The verdict on one text: untouched, masked (the new text) or rejected. */
export type WordVerdict = { action: 'allow' } | { action: 'mask'; text: string } | { action: 'reject' };

const CJK = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]/u;
/** Words of Latin (and every other spaced) script: runs of letters, digits and marks that are not CJK. */
const WORD = /(?:(?![\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}])[\p{L}\p{N}\p{M}])+/gu;
/** A base character with its combining marks: NFKC composes within one, never across two. */
const CLUSTER = /\P{M}\p{M}*|\p{M}+/gsu;
const ASCII = /^[\x00-\x7f]*$/;

/** The form both sides are compared in (the stored form of an entry). */
export function foldWord(s: string): string {
  return s.normalize('NFKC').toLowerCase().normalize('NFKC').trim().replace(/\s+/gu, ' ');
}

/**
 * A text folded for matching, with where each folded UTF-16 unit came from in the original
 * (`from[i]`: start of its cluster, `to[i]`: end), so a match masks the original's characters.
 */
interface Folded {
  text: string;
  from: Uint32Array;
  to: Uint32Array;
}

function fold(original: string): Folded {
  if (ASCII.test(original)) {
    // ASCII folds one unit to one unit: no per-character work.
    const n = original.length;
    const from = new Uint32Array(n);
    const to = new Uint32Array(n);
    for (let i = 0; i < n; i++) (from[i] = i), (to[i] = i + 1);
    return { text: original.toLowerCase(), from, to };
  }
  let text = '';
  const from: number[] = [];
  const to: number[] = [];
  for (const m of original.matchAll(CLUSTER)) {
    const start = m.index;
    const end = start + m[0].length;
    const f = m[0].normalize('NFKC').toLowerCase();
    text += f;
    for (let i = 0; i < f.length; i++) from.push(start), to.push(end);
  }
  return { text, from: Uint32Array.from(from), to: Uint32Array.from(to) };
}

interface Phrase {
  /** The words after the first. */
  rest: string[];
  reject: boolean;
}

/** A compiled list: a hash lookup per word of the text, a first-character index for CJK terms. */
export class WordMatcher {
  /** First word of each Latin entry → its phrases (a single word has `rest` empty). */
  readonly #words = new Map<string, Phrase[]>();
  /** First character of each CJK term → the terms. */
  readonly #terms = new Map<string, { term: string; reject: boolean }[]>();
  readonly size: number;

  constructor(entries: readonly WordEntry[], defaultMode: WordMode) {
    let size = 0;
    for (const e of entries) {
      const word = foldWord(e.word);
      if (!word) continue;
      const reject = (e.mode ?? defaultMode) === 'reject';
      size++;
      if (CJK.test(word)) {
        const first = String.fromCodePoint(word.codePointAt(0)!);
        const list = this.#terms.get(first) ?? [];
        list.push({ term: word, reject });
        this.#terms.set(first, list);
        continue;
      }
      const parts = word.match(WORD);
      if (!parts) continue;
      const list = this.#words.get(parts[0]) ?? [];
      list.push({ rest: parts.slice(1), reject });
      this.#words.set(parts[0], list);
    }
    this.size = size;
  }

  /** Checks one text: reject wins over mask; masking replaces each matched character (cluster) with `*`. */
  check(original: string): WordVerdict {
    if (this.size === 0 || original.length === 0) return { action: 'allow' };
    const f = fold(original);
    /** Ranges of the folded text to mask. */
    const hits: [number, number][] = [];
    if (this.#words.size > 0) {
      const words = [...f.text.matchAll(WORD)];
      for (let i = 0; i < words.length; i++) {
        const phrases = this.#words.get(words[i]![0]);
        if (!phrases) continue;
        for (const p of phrases) {
          if (p.rest.length > 0 && !p.rest.every((w, k) => words[i + 1 + k]?.[0] === w)) continue;
          if (p.reject) return { action: 'reject' };
          for (let k = 0; k <= p.rest.length; k++) {
            const w = words[i + k]!;
            hits.push([w.index, w.index + w[0].length]);
          }
        }
      }
    }
    if (this.#terms.size > 0) {
      const t = f.text;
      for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i);
        // Every CJK term starts at or above U+1100 (Hangul Jamo): skip the rest cheaply.
        if (c < 0x1100) continue;
        const first = c >= 0xd800 && c < 0xdc00 ? t.slice(i, i + 2) : t[i]!;
        const terms = this.#terms.get(first);
        if (!terms) continue;
        for (const { term, reject } of terms) {
          if (!t.startsWith(term, i)) continue;
          if (reject) return { action: 'reject' };
          hits.push([i, i + term.length]);
        }
      }
    }
    if (hits.length === 0) return { action: 'allow' };
    return { action: 'mask', text: mask(original, f, hits) };
  }
}

/** Replaces each original cluster a hit covers with one `*`. */
function mask(original: string, f: Folded, hits: [number, number][]): string {
  const masked = new Uint8Array(original.length);
  for (const [a, b] of hits) for (let i = a; i < b; i++) for (let j = f.from[i]!; j < f.to[i]!; j++) masked[j] = 1;
  let out = '';
  for (const m of original.matchAll(CLUSTER)) out += masked[m.index] ? '*' : m[0];
  return out;
}
