import type { Message } from '../../protocol/index.js';
import type { SearchFilter } from './types.js';
import { foldForSearch, isSpacedWordChar, matchesKind, searchWords, searchableText } from '../../protocol/search.js';

/**
 * What a store indexes of a message for search (SPEC §12): its folded searchable text, or null
 * when it has none (media, system notes, changes, a recalled message, or a stored row without an
 * elem, which indexing an old database must step over rather than fail to start on).
 */
export const searchTextOf = (message: Pick<Message, 'elem'>): string | null =>
  typeof message?.elem === 'object' && message.elem !== null ? fold(searchableText(message.elem)) || null : null;

/** Printable ASCII only: folding is lower-casing (most messages, folded on every commit). */
const PLAIN = /^[\x20-\x7e]*$/;
const fold = (text: string) => (PLAIN.test(text) ? text.toLowerCase() : foldForSearch(text));

/**
 * The words a store indexes of folded searchable text (`searchWords`), each distinct one once,
 * space-separated (neither store's index counts repeats), and those of them a prefix can be looked
 * up by (Latin ones of three letters or more, as `lookupWords` looks up): the SQLite store lists
 * them in a vocabulary so that a prefix becomes the words it stands for. Nulls when none.
 */
/**
 * A word of this many UTF-16 units or more is Latin and goes into the vocabulary: a character of
 * a spaceless script is a word alone (one or two units), and three units of a Latin word are three
 * letters (astral letters are all spaceless or rare), so the SQLite writer thread tells them from
 * the words alone.
 */
export const VOCABULARY_MIN_UNITS = 3;

export function wordsOf(text: string | null): { words: string | null; prefixes: string[] | null } {
  const words = indexWords(text);
  if (words === null) return { words, prefixes: null };
  const prefixes = words.split(' ').filter((w) => w.length >= VOCABULARY_MIN_UNITS);
  return { words, prefixes: prefixes.length > 0 ? prefixes : null };
}

/** The index column of folded text (`wordsOf`'s words). */
export function indexWords(text: string | null): string | null {
  if (text === null) return null;
  const all = searchWords(text);
  if (all.length === 0) return null;
  // A short text's repeats are found by looking back along it, with no Set to build and hash
  // every word into (computed for each message on the event loop; most are a few words).
  const distinct = all.length <= LOOK_BACK_WORDS ? all.filter(isFirst) : [...new Set(all)];
  return distinct.join(' ');
}

/** Words up to which a text's repeats are found by looking back (quadratic, so only a few). */
const LOOK_BACK_WORDS = 16;
const isFirst = (w: string, i: number, all: string[]): boolean => all.indexOf(w) === i;

/**
 * What a store looks up in its word index for folded `terms`: each term's words, a Latin one as
 * a prefix (a term's words start words of the text; the last may end inside one), a character of
 * a spaceless script as itself. Latin words under three letters are left out: a prefix that short
 * matches much of the index, and the check on the text that follows every lookup covers them.
 * Empty when nothing is left to look up (the store then scans the viewer's conversations).
 */
export function lookupWords(terms: readonly string[]): { word: string; prefix: boolean }[] {
  const found = new Map<string, boolean>();
  for (const t of terms) {
    for (const w of searchWords(t)) {
      const spaced = isSpacedWordChar(w);
      if (!spaced || [...w].length >= 3) found.set(w, spaced);
    }
  }
  return [...found].map(([word, prefix]) => ({ word, prefix }));
}

/** Whether a term must be checked to start where a word does (it starts with a Latin letter or digit). */
export const needsWordStart = (term: string): boolean => isSpacedWordChar(String.fromCodePoint(term.codePointAt(0)!));

/**
 * A message's search kind as a store keeps it beside the row (SQLite's `search_kind`, written with
 * the commit and the change): the elem type of a picture, video, sound, file or location, `link`
 * for a text holding a web address, null for everything else (most rows: no index entry).
 */
export function searchKindOf(m: Pick<Message, 'elem'>): string | null {
  const e = m?.elem;
  if (typeof e !== 'object' || e === null) return null;
  if (e.type === 'image' || e.type === 'video' || e.type === 'sound' || e.type === 'file' || e.type === 'location') return e.type;
  return e.type === 'text' && matchesKind(e, 'link') ? 'link' : null;
}

/** Whether `m` passes a search's filters (SearchFilter): the stores' check where their SQL does not make it. */
export function passesSearchFilter(m: Message, f: SearchFilter | undefined): boolean {
  return f === undefined || ((f.sender === undefined || m.sender === f.sender)
    && (f.idAbove === undefined || m.id > f.idAbove)
    && (f.idBelow === undefined || m.id < f.idBelow)
    && (f.kind === undefined || matchesKind(m.elem, f.kind)));
}
