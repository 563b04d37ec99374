import { ChatError, type ConversationId, type MemberInfo, type ServerFrameOf } from '../../protocol/index.js';
import { keyOf } from './conversation-key.js';
import { fieldsBytes, fitting } from './frame-budget.js';
import type { Store } from './store.js';

type MembersPage = Omit<ServerFrameOf<'members'>, 'type' | 'reqId'>;

/** A group's running mutes by user (Moderation.groupMutes). */
export type GroupMutes = (groupId: string) => Promise<Map<string, { until?: number }>>;

/**
 * Members read from the store for one `members` frame: as many as could fit (each is counted at
 * least the 160-byte allowance plus its id, so FRAME_BUDGET holds ~1,500), then cut by bytes.
 * Read by id from `after` on, a page costs the same in a group of any size.
 */
export const MEMBERS_PAGE_ROWS = 1500;

/**
 * One `members` frame's worth of the members of a conversation, after the id `after`: as many
 * as fit in a frame (a group of thousands with long names and avatar URLs does not), with
 * `hasMore` when the client should ask again from the last id. A group's owner and admins also
 * learn who is muted in it (`muted`), so their panel offers Unmute or Mute as fits; nobody else does.
 *
 * A group's page is read from `after` on (Store.listMembers with a page), never the whole group:
 * on SQLite the read runs on the event loop, and any member may ask for pages again and again.
 */
export async function fetchMembersPage(store: Store, userId: string, conversationId: ConversationId, after?: string, groupMutes?: GroupMutes): Promise<MembersPage> {
  const { key, type, target } = keyOf(userId, conversationId);
  let rows: MemberInfo[];
  if (type === 'group') {
    const role = await store.getGroupRole(target, userId);
    if (role === undefined) throw new ChatError('NOT_MEMBER');
    rows = (await store.listMembers(key, { after, limit: MEMBERS_PAGE_ROWS + 1 })).map(({ userId: id, ...rest }) => ({ id, ...rest }));
    if (groupMutes && (role === 'owner' || role === 'admin')) {
      const mutes = await groupMutes(target);
      if (mutes.size > 0) rows = rows.map((m) => (mutes.has(m.id) ? { ...m, muted: mutes.get(m.id)! } : m));
    }
  } else {
    const both = await fetchMembers(store, userId, conversationId);
    rows = after === undefined ? both : both.filter((m) => m.id > after);
  }
  const read = rows.slice(0, MEMBERS_PAGE_ROWS);
  // `muted` fits in the per-item allowance, counted anyway: `{"until":…}` is 30 bytes.
  const n = fitting(read, (m) => fieldsBytes(m.id, m.name, m.avatar) + (m.muted ? 32 : 0));
  return { conversationId, members: n < rows.length ? read.slice(0, n) : read, ...(n < rows.length && { hasMore: true }) };
}

/**
 * The members of a conversation as `userId` may see them: a group's members (refused with
 * NOT_MEMBER for anyone else), or both sides of a 1:1 chat (a side without a row yet has read
 * nothing). Profiles are the users' current ones; `readSeq` is what each has read.
 *
 * A 1:1 chat with someone who is not a contact yet (no conversation, not friends) answers the
 * same whether that id is a user, a deleted one or nobody: both sides at 0, no peer profile,
 * so members.fetch cannot be used to find out which accounts exist.
 */
export async function fetchMembers(store: Store, userId: string, conversationId: ConversationId): Promise<MemberInfo[]> {
  const { key, type, target } = keyOf(userId, conversationId);
  if (type === 'group') {
    const rows = await store.listMembers(key);
    if (!rows.some((r) => r.userId === userId)) throw new ChatError('NOT_MEMBER');
    return rows.map(({ userId: id, ...rest }) => ({ id, ...rest }));
  }
  const [rows, peer, me] = await Promise.all([store.listMembers(key), store.getUser(target), store.getUser(userId)]);
  const contact = rows.length > 0 || (peer !== undefined && !peer.deleted && (await store.areFriends(userId, target)));
  if (!contact) {
    return [userId, target].sort().map((id) => {
      const member: MemberInfo = { id, readSeq: 0 };
      if (id === userId && me?.name !== undefined) member.name = me.name;
      if (id === userId && me?.avatar !== undefined) member.avatar = me.avatar;
      return member;
    });
  }
  if (!peer || peer.deleted) throw new ChatError('USER_UNKNOWN');
  const sides = [userId, target].sort();
  return sides.map((id) => {
    const row = rows.find((r) => r.userId === id);
    const user = id === userId ? me : peer;
    const member: MemberInfo = { id, readSeq: row?.readSeq ?? 0 };
    if (user?.name !== undefined) member.name = user.name;
    if (user?.avatar !== undefined) member.avatar = user.avatar;
    return member;
  });
}
