import type { Member } from '../../client/types.js';
import { AT_ALL } from '../../protocol/ids.js';
import { WORD, type MentionOption } from './mention-suggest.js';
import { withoutBidiControls } from '../i18n/isolate.js';

/*
 * The `@name` being typed and the suggestions for it: only `<mention-list>`'s code (loaded on the
 * first `@` in a group) runs these, so they are not in `./mention-suggest.ts`, which the composer
 * imports (the script tag's panel carried them).
 */

/** An `@` being typed: where it is and what follows it up to the caret. */
export interface MentionQuery {
  /** Index of the `@` in the text. */
  start: number;
  /** The characters between the `@` and the caret. */
  query: string;
}

/** Longest text after an `@` that still counts as a name being typed. */
const MAX_QUERY = 32;

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
    // The label goes into the text: a name's override (U+202E) would reverse what is written after it.
    .map((m) => ({ id: m.id, label: withoutBidiControls(m.name ?? '').trim() || m.id }))
    .map((o) => ({ o, r: rank(o.label, o.id, q) }))
    .filter((x) => x.r >= 0)
    .sort((a, b) => a.r - b.r || a.o.label.localeCompare(b.o.label));
  return [...options, ...ranked.slice(0, max).map((x) => x.o)];
}
