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

/** A base character with its combining marks: NFKC composes within one, never across two. */
const CLUSTER = /\P{M}\p{M}*|\p{M}+/gsu;
/** A non-ASCII character that can be part of a word (CJK characters are words of their own: see `isCjk`). */
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/** The form both sides are compared in (the stored form of an entry). */
export function foldWord(s: string): string {
  return s.normalize('NFKC').toLowerCase().normalize('NFKC').trim().replace(/\s+/gu, ' ');
}

/**
 * Characters that NFKC and lower-casing turn into one character each, never composing with the
 * next plain one: ASCII, CJK ideographs and punctuation, kana, Hangul syllables, full-width ASCII
 * (which becomes ASCII). A run of them folds whole; a combining mark after one is not plain.
 */
const isPlain = (c: number) =>
  c < 0x80 || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3001 && c <= 0x3035) || (c >= 0x3041 && c <= 0x3096) || (c >= 0x30a1 && c <= 0x30fa)
  || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xff01 && c <= 0xff5e);
const foldRun = (run: string) => run.normalize('NFKC').toLowerCase();

const isCjk = (c: number) =>
  (c >= 0x1100 && c <= 0x11ff) || (c >= 0x2e80 && c <= 0x2fdf) || (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3130 && c <= 0x318f)
  || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa960 && c <= 0xa97f) || (c >= 0xac00 && c <= 0xd7ff)
  || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff66 && c <= 0xff9f) || (c >= 0xd840 && c <= 0xd87f);

/**
 * The text folded for matching. Runs of plain characters are folded whole; anything else cluster
 * by cluster (a base and its marks), as `foldMapped` does everywhere, so both give the same text:
 * a segment starts at a base character (the plain one before it, which may carry its marks) and
 * ends before a plain one, never inside a cluster.
 */
export function fold(original: string): string {
  let out = '';
  let runStart = 0;
  let i = 0;
  const n = original.length;
  while (i < n) {
    if (isPlain(original.charCodeAt(i))) {
      i++;
      continue;
    }
    const from = i > runStart ? i - 1 : i;
    out += foldRun(original.slice(runStart, from));
    let to = i + 1;
    while (to < n && !isPlain(original.charCodeAt(to))) to++;
    for (const m of original.slice(from, to).matchAll(CLUSTER)) out += m[0].normalize('NFKC').toLowerCase();
    runStart = i = to;
  }
  return out + foldRun(original.slice(runStart));
}

/**
 * The folded text with where each folded UTF-16 unit came from in the original (`from[i]`: start
 * of its cluster, `to[i]`: end), for masking the original's characters. Slower: run on a hit only.
 * (`fold` and this are exported for the test that they give the same text.)
 */
export function foldMapped(original: string): { text: string; from: Uint32Array; to: Uint32Array } {
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

/** Word ranges `[start, end)` of a folded text: runs of letters, digits and marks that are not CJK. */
function words(t: string): number[] {
  const out: number[] = [];
  let start = -1;
  for (let i = 0; i <= t.length; i++) {
    const c = i < t.length ? t.charCodeAt(i) : 0x20;
    let word: boolean;
    if (c < 0x80) word = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
    else if (isCjk(c)) word = false;
    else if (c >= 0xd800 && c < 0xdc00) {
      word = WORD_CHAR.test(t.slice(i, i + 2));
      if (word && start < 0) start = i;
      if (word) {
        i++;
        continue;
      }
    } else word = c >= 0xdc00 && c < 0xe000 ? start >= 0 : WORD_CHAR.test(t[i]!);
    if (word && start < 0) start = i;
    else if (!word && start >= 0) {
      out.push(start, i);
      start = -1;
    }
  }
  return out;
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
  /** First UTF-16 unit of each CJK term: most characters of a text are skipped on this alone. */
  readonly #firstUnits = new Uint8Array(0x10000);
  readonly size: number;

  constructor(entries: readonly WordEntry[], defaultMode: WordMode) {
    let size = 0;
    for (const e of entries) {
      const word = foldWord(e.word);
      if (!word) continue;
      const reject = (e.mode ?? defaultMode) === 'reject';
      size++;
      // Entries and texts are cut into words by the same function, so they agree on what a word is.
      if ([...word].some((ch) => isCjk(ch.charCodeAt(0)))) {
        const first = String.fromCodePoint(word.codePointAt(0)!);
        const list = this.#terms.get(first) ?? [];
        list.push({ term: word, reject });
        this.#terms.set(first, list);
        this.#firstUnits[word.charCodeAt(0)] = 1;
        continue;
      }
      const w = words(word);
      if (w.length === 0) continue;
      const parts: string[] = [];
      for (let k = 0; k < w.length; k += 2) parts.push(word.slice(w[k], w[k + 1]));
      const list = this.#words.get(parts[0]!) ?? [];
      list.push({ rest: parts.slice(1), reject });
      this.#words.set(parts[0]!, list);
    }
    this.size = size;
  }

  /** Checks one text: reject wins over mask; masking replaces each matched character (cluster) with `*`. */
  check(original: string): WordVerdict {
    if (this.size === 0 || original.length === 0) return { action: 'allow' };
    const first = this.#scan(fold(original));
    if (first === 'reject') return { action: 'reject' };
    if (first.length === 0) return { action: 'allow' };
    // A hit: fold again keeping where each character came from (the same text), to mask the original.
    const mapped = foldMapped(original);
    const hits = this.#scan(mapped.text);
    if (hits === 'reject') return { action: 'reject' };
    const masked = new Uint8Array(original.length);
    for (let h = 0; h < hits.length; h += 2) {
      for (let i = hits[h]!; i < hits[h + 1]!; i++) for (let j = mapped.from[i]!; j < mapped.to[i]!; j++) masked[j] = 1;
    }
    let out = '';
    for (const m of original.matchAll(CLUSTER)) out += masked[m.index] ? '*' : m[0];
    return { action: 'mask', text: out };
  }

  /** Ranges of `t` (a folded text) to mask, as [start, end, …], or `reject`. */
  #scan(t: string): number[] | 'reject' {
    const hits: number[] = [];
    if (this.#words.size > 0) {
      const w = words(t);
      for (let k = 0; k < w.length; k += 2) {
        const phrases = this.#words.get(t.slice(w[k], w[k + 1]));
        if (!phrases) continue;
        for (const p of phrases) {
          if (p.rest.length > 0 && !p.rest.every((x, r) => {
            const at = k + 2 * (r + 1);
            return at < w.length && t.slice(w[at], w[at + 1]) === x;
          })) continue;
          if (p.reject) return 'reject';
          for (let r = 0; r <= p.rest.length; r++) hits.push(w[k + 2 * r]!, w[k + 2 * r + 1]!);
        }
      }
    }
    if (this.#terms.size > 0) {
      const units = this.#firstUnits;
      for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i);
        if (!units[c]) continue;
        const terms = this.#terms.get(c >= 0xd800 && c < 0xdc00 ? t.slice(i, i + 2) : t[i]!);
        if (!terms) continue;
        for (const { term, reject } of terms) {
          if (!t.startsWith(term, i)) continue;
          if (reject) return 'reject';
          hits.push(i, i + term.length);
        }
      }
    }
    return hits;
  }
}
