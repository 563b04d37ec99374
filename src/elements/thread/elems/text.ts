import { html, type TemplateResult } from 'lit';
import { linkify } from '../../linkify.js';

/** A run of text, and whether it is an `@name` mention token. */
export interface MentionPart {
  text: string;
  mention: boolean;
}

const WORD = /[\p{L}\p{N}_]/u;

/**
 * Splits text at `@name` tokens for the given names (longest first). A token starts at the text's
 * start or after a non-word character (so `a@b.c` is no mention) and ends before one.
 */
export function splitMentions(text: string, names: readonly string[]): MentionPart[] {
  const sorted = [...new Set(names.filter((n) => n !== ''))].sort((a, b) => b.length - a.length);
  if (sorted.length === 0 || !text.includes('@')) return [{ text, mention: false }];
  const parts: MentionPart[] = [];
  let last = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', Math.max(at + 1, last))) {
    if (at > 0 && WORD.test(text[at - 1]!)) continue;
    const name = sorted.find((n) => text.startsWith(n, at + 1) && !WORD.test(text[at + 1 + n.length] ?? ''));
    if (name === undefined) continue;
    if (at > last) parts.push({ text: text.slice(last, at), mention: false });
    last = at + 1 + name.length;
    parts.push({ text: text.slice(at, last), mention: true });
  }
  if (last < text.length) parts.push({ text: text.slice(last), mention: false });
  return parts;
}

/** Text as text: safe links (http, https, mailto) and styled `@name` tokens, never HTML. */
export function renderText(text: string, mentionNames: readonly string[]): string | (string | TemplateResult)[] {
  // Most messages hold neither: one text node, without the parts an array renders with.
  if (!text.includes(':') && (mentionNames.length === 0 || !text.includes('@'))) return text;
  return linkify(text).flatMap((part) =>
    part.href
      ? [html`<a part="link" href=${part.href} target="_blank" rel="noopener noreferrer">${part.text}</a>`]
      : splitMentions(part.text, mentionNames).map((run) => (run.mention ? html`<span part="mention">${run.text}</span>` : run.text)),
  );
}
