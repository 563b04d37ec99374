import { replyExcerpt, type Elem } from './elems.js';

/**
 * A formatted text message as plain text, for one-line previews, reply excerpts, screen-reader
 * announcements and notifications: the markers of Natter's formatting (bold, italic,
 * strikethrough, code, fences, quotes, links `[text](url)` → `text`, backslash escapes) are
 * dropped, list markers stay (they read well). A regex pass, not the parser: previews must not
 * wait for the parser's chunk; it agrees with the parser on well-formed text. Bounded: each
 * inline pattern looks at most 500 characters ahead.
 */
export function plainText(text: string): string {
  if (!/[*_`~\\[>]/.test(text)) return text;
  let plain = recent.get(text);
  if (plain === undefined) {
    if (recent.size >= 100) recent.clear();
    recent.set(text, (plain = strip(text)));
  }
  return plain;
}

/** The last answers (a list re-renders its previews often). */
const recent = /* @__PURE__ */ new Map<string, string>();

function strip(text: string): string {
  return text
    .replace(/^ {0,3}```.*(?:\n|$)/gm, '')
    .replace(/^ {0,3}(?:> ?)+/gm, '')
    .replace(/\[([^\]\n]{1,500})\]\((?:https?:|mailto:)[^\s()<>]*\)/gi, '$1')
    .replace(/(`+)([^`]{1,500}?)\1(?!`)/g, (_, _ticks: string, code: string) => code.replace(/[*_~]/g, '\u0000$&'))
    .replace(/(?<!\u0000)(\*\*|__|~~)(?=\S)([^]{0,500}?\S)\1/g, '$2')
    .replace(/(?<![\p{L}\p{N}_\\\u0000])_(?=\S)([^_]{0,500}?\S)_(?![\p{L}\p{N}_])/gu, '$1')
    .replace(/(?<![*\\\u0000])\*(?=[^\s*])([^*]{0,500}?[^\s*\\])\*(?!\*)/g, '$1')
    .replace(/\\([\\`*_~[\]()>#+\-.!|])/g, '$1')
    .replace(/\u0000/g, '')
    .trim();
}

/** The one-line excerpt a reply quotes (`replyExcerpt`), a text without its formatting markers. */
export function quoteExcerpt(elem: Elem): string {
  return replyExcerpt(elem.type === 'text' ? { ...elem, text: plainText(elem.text) } : elem);
}
