import { safeHref } from '../linkify.js';

/**
 * The formatting a text message may carry, a small subset of Markdown: **bold** (or __bold__),
 * *italic* (or _italic_ between words), ~~strikethrough~~, `inline code`, fenced code blocks,
 * `> quotes`, `- lists` and `1. numbered lists`, and [links](https://…) to http(s) and mailto
 * only. No HTML, no images, no headings: anything else is text. The result is a tree of plain
 * values that the renderer turns into Lit templates (text always as text, never as markup).
 *
 * Bounded work on any input: nesting stops at {@link MAX_QUOTE_DEPTH} quotes and
 * {@link MAX_INLINE_DEPTH} inline levels (deeper markers stay text), and a marker without a
 * closer is found out once per parse (no quadratic rescans).
 */
export type Inline =
  | { t: 'text'; text: string }
  | { t: 'strong' | 'em' | 'del'; children: Inline[] }
  | { t: 'code'; text: string }
  | { t: 'link'; href: string; children: Inline[] };

export type Block =
  | { t: 'para'; children: Inline[] }
  | { t: 'code'; text: string }
  | { t: 'quote'; children: Block[] }
  | { t: 'list'; ordered: boolean; start: number; items: Inline[][] };

export const MAX_QUOTE_DEPTH = 3;
export const MAX_INLINE_DEPTH = 4;

const FENCE = /^ {0,3}```/;
const QUOTE = /^ {0,3}> ?/;
const ITEM = /^ {0,3}(?:([-*+])|(\d{1,9})[.)])[ \t]+(\S.*)$/;
const ESCAPABLE = /[\\`*_~[\]()>#+\-.!|]/;
const SPACE = /\s/;
const WORD = /[\p{L}\p{N}]/u;

/** Parses a message's text into blocks. */
export function parseMarkdown(text: string, depth = 0): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    while (para.length > 0 && para[0]!.trim() === '') para.shift();
    while (para.length > 0 && para[para.length - 1]!.trim() === '') para.pop();
    if (para.length > 0) blocks.push({ t: 'para', children: parseInline(para.join('\n')) });
    para = [];
  };
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    if (FENCE.test(line)) {
      flush();
      // An unclosed fence runs to the end of the text, as in CommonMark.
      let end = i + 1;
      while (end < lines.length && !/^ {0,3}```\s*$/.test(lines[end]!)) end++;
      blocks.push({ t: 'code', text: lines.slice(i + 1, end).join('\n') });
      i = end + 1;
      continue;
    }
    if (depth < MAX_QUOTE_DEPTH && QUOTE.test(line)) {
      flush();
      const inner: string[] = [];
      for (; i < lines.length && QUOTE.test(lines[i]!); i++) inner.push(lines[i]!.replace(QUOTE, ''));
      blocks.push({ t: 'quote', children: parseMarkdown(inner.join('\n'), depth + 1) });
      continue;
    }
    const item = ITEM.exec(line);
    if (item) {
      flush();
      const ordered = item[2] !== undefined;
      const items: Inline[][] = [];
      for (let m: RegExpExecArray | null = item; m && (m[2] !== undefined) === ordered; m = ITEM.exec(lines[++i] ?? '')) items.push(parseInline(m[3]!));
      blocks.push({ t: 'list', ordered, start: ordered ? Number(item[2]) : 1, items });
      continue;
    }
    para.push(line);
    i++;
  }
  flush();
  return blocks;
}

/** Parses one run of inline text. */
export function parseInline(src: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let buf = '';
  /** Per marker: a position from which no closer was found (none will be from later either). */
  const noCloser = new Map<string, number>();
  const push = (node: Inline) => {
    if (buf) out.push({ t: 'text', text: buf });
    buf = '';
    out.push(node);
  };
  for (let i = 0; i < src.length; ) {
    const c = src[i]!;
    const next = src[i + 1] ?? '';
    if (c === '\\' && ESCAPABLE.test(next)) {
      buf += next;
      i += 2;
      continue;
    }
    if (c === '`') {
      let n = 1;
      while (src[i + n] === '`') n++;
      const run = '`'.repeat(n);
      const close = (noCloser.get(run) ?? Infinity) <= i ? -1 : findRun(src, run, i + n);
      if (close === -1) {
        noCloser.set(run, Math.min(noCloser.get(run) ?? Infinity, i));
        buf += run;
        i += n;
        continue;
      }
      const code = src.slice(i + n, close);
      push({ t: 'code', text: /^ .* $/s.test(code) && code.trim() ? code.slice(1, -1) : code });
      i = close + n;
      continue;
    }
    if (depth < MAX_INLINE_DEPTH && c === '[') {
      const link = matchLink(src, i, noCloser);
      if (link) {
        push({ t: 'link', href: link.href, children: parseInline(link.text, depth + 1) });
        i = link.end;
        continue;
      }
    }
    if (depth < MAX_INLINE_DEPTH && (c === '*' || c === '_' || (c === '~' && next === '~'))) {
      const marker = next === c ? c + c : c;
      const close = openerAt(src, i, marker) ? findCloser(src, marker, i + marker.length, noCloser) : -1;
      if (close !== -1) {
        const t = c === '~' ? 'del' : marker.length === 2 ? 'strong' : 'em';
        push({ t, children: parseInline(src.slice(i + marker.length, close), depth + 1) });
        i = close + marker.length;
        continue;
      }
      buf += marker;
      i += marker.length;
      continue;
    }
    buf += c;
    i++;
  }
  if (buf) out.push({ t: 'text', text: buf });
  return out;
}

/** The next run of exactly `run` backticks from `from`, or -1. */
function findRun(src: string, run: string, from: number): number {
  for (let at = src.indexOf(run, from); at !== -1; at = src.indexOf(run, at + 1)) {
    if (src[at - 1] !== '`' && src[at + run.length] !== '`') return at;
    while (src[at + 1] === '`') at++;
  }
  return -1;
}

/** Whether a marker at `i` may open: followed by a non-space, and an `_` not inside a word. */
function openerAt(src: string, i: number, marker: string): boolean {
  const after = src[i + marker.length] ?? ' ';
  if (SPACE.test(after)) return false;
  return marker[0] !== '_' || !WORD.test(src[i - 1] ?? ' ');
}

/** Where `marker` closes after `from` (preceded by a non-space, not part of a longer run), or -1. */
function findCloser(src: string, marker: string, from: number, noCloser: Map<string, number>): number {
  if ((noCloser.get(marker) ?? Infinity) <= from) return -1;
  const c = marker[0]!;
  for (let at = src.indexOf(marker, from); at !== -1; at = src.indexOf(marker, at + 1)) {
    // A single marker inside a double one (`*a **b** c*`) is not its closer, nor is a longer run.
    if (marker.length === 1 && (src[at + 1] === c || src[at - 1] === c)) continue;
    if (marker.length === 2 && src[at + 2] === c) continue;
    if (at === from || SPACE.test(src[at - 1]!)) continue;
    if (c === '_' && WORD.test(src[at + marker.length] ?? ' ')) continue;
    return at;
  }
  noCloser.set(marker, Math.min(noCloser.get(marker) ?? Infinity, from));
  return -1;
}

const LINK_TARGET = /\(([^\s()<>]+)\)/y;

/** `[text](url)` at `i` with a safe URL (http, https, mailto), or undefined. */
function matchLink(src: string, i: number, noCloser: Map<string, number>): { text: string; href: string; end: number } | undefined {
  if ((noCloser.get(']') ?? Infinity) <= i) return undefined;
  const close = src.indexOf(']', i + 1);
  if (close === -1) {
    noCloser.set(']', i);
    return undefined;
  }
  const text = src.slice(i + 1, close);
  if (!text.trim() || /[[\n]/.test(text)) return undefined;
  LINK_TARGET.lastIndex = close + 1;
  const target = LINK_TARGET.exec(src);
  const href = target ? safeHref(target[1]!) : undefined;
  return href && target ? { text, href, end: close + 1 + target[0].length } : undefined;
}
