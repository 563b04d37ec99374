/*
 * Mentions the composer keeps and sends (`groupAtUserList`). Finding the `@name` being typed and
 * the suggestions for it are `./mention-options.ts`'s, with the list that shows them (loaded on
 * the first `@` in a group: the script tag's extras chunk).
 */
import { LIMITS } from '../../protocol/limits.js';

/** One entry of the suggestion list: a member, or everyone (`id` = `AT_ALL` of the protocol's ids). */
export interface MentionOption {
  id: string;
  /** What is inserted after the `@`. */
  label: string;
}

/** A mention the user picked: its `@label` in the text stands for `id`. */
export type Mention = MentionOption;

/** A letter, digit or underscore: what continues a name after `@` (or a word before it). */
export const WORD = /[\p{L}\p{N}_]/u;

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
