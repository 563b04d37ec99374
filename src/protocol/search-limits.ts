/**
 * Limits of search, here rather than in `LIMITS` (which the script tag's first paint carries):
 * only the code that searches needs them. A module of its own, apart from `./search.ts`: the
 * client frames' schemas read them, and a module a browser chunk imports statically comes into
 * that chunk whole (the folding, terms and snippets would ride with the send check into the
 * panel's chunk, though only the search, loaded on first use, runs them).
 */
export const SEARCH_LIMITS = {
  /** Code points of a query; longer ones are refused (SEARCH_QUERY_INVALID). */
  queryChars: 100,
  /** Whitespace-separated terms of a query; every one must occur in a result. */
  terms: 8,
  /** Largest page of results (`search.results` says 50 itself: the first paint decodes it). */
  page: 50,
  /** Code units of a snippet around its first match. */
  snippetChars: 80,
} as const;

/**
 * Kinds a search can be narrowed to (`kind`): an elem type (`text`, `file`, `location`, `image`,
 * `video`, `sound`), or `link`, a text holding a web address (`hasLink`). A query's words are
 * found in the text of the first three (a text, a file's name, a location's description); images,
 * videos, sounds and links are found by their kind alone, with no word (or links by their words too).
 */
export const SEARCH_KINDS = ['text', 'file', 'location', 'image', 'video', 'sound', 'link'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];
