import type { Member } from '../../client/types.js';
import { AT_ALL } from '../../protocol/ids.js';
import { LIMITS } from '../../protocol/limits.js';

/** An `@` being typed: where it is and what follows it up to the caret. */
export interface MentionQuery {
  /** Index of the `@` in the text. */
  start: number;
  /** The characters between the `@` and the caret. */
  query: string;
}

/** One entry of the suggestion list: a member, or everyone (`id` = {@link AT_ALL}). */
export interface MentionOption {
  id: string;
  /** What is inserted after the `@`. */
  label: string;
}

/** A mention the user picked: its `@label` in the text stands for `id`. */
export type Mention = MentionOption;

/** Longest text after an `@` that still counts as a name being typed. */
const MAX_QUERY = 32;
const WORD = /[\p{L}\p{N}_]/u;

/**
 * The `@name` being typed at the caret, if any. The `@` must start the text or follow a space
 * or punctuation (so `bob@example.com` is not one), and nothing between it and the caret may be
 * white space.
 */
export function mentionQueryAt(text: string, caret: number): MentionQuery | undefined {
  for (let i = caret - 1; i >= 0 && caret - i <= MAX_QUERY + 1; i--) {
    const c = text[i]!;
    if (c === '@') {
      const before = text[i - 1];
      if (before !== undefined && (WORD.test(before) || before === '@' || before === '.')) return undefined;
      return { start: i, query: text.slice(i + 1, caret) };
    }
    if (/\s/.test(c)) return undefined;
  }
  return undefined;
}

/** How well `label`/`id` match `q` (lower is better), or -1 for no match. */
function rank(label: string, id: string, q: string): number {
  if (q === '') return 0;
  const l = label.toLowerCase();
  const i = id.toLowerCase();
  if (l.startsWith(q)) return 0;
  if (l.split(/\s+/).some((w) => w.startsWith(q))) return 1;
  if (i.startsWith(q)) return 2;
  if (l.includes(q)) return 3;
  return -1;
}

/**
 * The suggestions for a query: `@all` first (while the query fits it), then the members other
 * than me whose name or id matches, best matches first, at most `max` of them.
 */
export function mentionOptions(members: readonly Member[] | undefined, me: string | undefined, query: string, allLabel: string, max = 8): MentionOption[] {
  const q = query.trim().toLowerCase();
  const options: MentionOption[] = [];
  if (rank(allLabel, 'all', q) >= 0) options.push({ id: AT_ALL, label: allLabel });
  const ranked = (members ?? [])
    .filter((m) => m.id !== me)
    .map((m) => ({ id: m.id, label: m.name?.trim() || m.id }))
    .map((o) => ({ o, r: rank(o.label, o.id, q) }))
    .filter((x) => x.r >= 0)
    .sort((a, b) => a.r - b.r || a.o.label.localeCompare(b.o.label));
  return [...options, ...ranked.slice(0, max).map((x) => x.o)];
}

/** Whether `@label` still stands in the text as a whole token (not `@Bobby` for `@Bob`). */
export function hasMention(text: string, label: string): boolean {
  const token = `@${label}`;
  for (let i = text.indexOf(token); i !== -1; i = text.indexOf(token, i + 1)) {
    const after = text[i + token.length];
    if (after === undefined || !WORD.test(after)) return true;
  }
  return false;
}

/** The `groupAtUserList` of a text: the ids of picked mentions whose `@label` is still in it. */
export function mentionedIds(text: string, mentions: readonly Mention[]): string[] {
  const ids = new Set<string>();
  for (const m of mentions) if (hasMention(text, m.label)) ids.add(m.id);
  return [...ids].slice(0, LIMITS.groupAtUsers);
}
