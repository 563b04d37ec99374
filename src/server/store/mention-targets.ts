import type { Message } from '../../protocol/message.js';
import { AT_ALL } from '../../protocol/ids.js';

/**
 * Who a message's @mentions count for, as rows of the mentions table (`message_mentions`: one per
 * conversation, user or '@all', seq): the unread count's "is there a mention of me after my read
 * mark" is then one index probe, not a read of every row that mentions anyone (100,000 messages
 * mentioning someone else were all read). None for a row that counts for nobody (excluded from
 * unread counts, as every change row is) and none for its sender; a row for one or two members
 * only (targeted, blocked) names those of them it mentions, '@all' as each of them. Null: no row.
 */
export function mentionTargets(sender: string, visibleTo: readonly string[] | null | undefined, excludedFromUnread: boolean, mentions: readonly string[] | null | undefined): string[] | null {
  if (excludedFromUnread || !mentions?.length) return null;
  const out = new Set<string>();
  for (const u of mentions) {
    if (!visibleTo) out.add(u);
    else if (u === AT_ALL) for (const v of visibleTo) out.add(v);
    else if (visibleTo.includes(u)) out.add(u);
  }
  out.delete(sender);
  return out.size > 0 ? [...out] : null;
}

/**
 * How a change (an edit, a recall) moves its target's rows of the mentions table: whom its
 * @mentions counted for before and count for after, or null when that is the same.
 */
export function mentionTargetsChange(
  before: Pick<Message, 'sender' | 'isExcludedFromUnreadCount' | 'groupAtUserList'>,
  after: Pick<Message, 'sender' | 'isExcludedFromUnreadCount' | 'groupAtUserList'>,
  visibleTo: readonly string[] | null | undefined,
): [was: string[] | null, now: string[] | null] | null {
  const was = mentionTargets(before.sender, visibleTo, before.isExcludedFromUnreadCount === true, before.groupAtUserList);
  const now = mentionTargets(after.sender, visibleTo, after.isExcludedFromUnreadCount === true, after.groupAtUserList);
  return JSON.stringify(was) === JSON.stringify(now) ? null : [was, now];
}
