import { ChatError, type ConversationId, type ConversationType } from '../../protocol/index.js';
import { ahead } from './ahead.js';
import { keyOf } from './conversation-key.js';
import type { Store } from './store.js';
import type { ConversationKey } from './types.js';

/**
 * The checks every way into a conversation shares (sending to it, uploading into it): a 1:1
 * peer that exists and is not deleted (USER_UNKNOWN); a group that exists (GROUP_UNKNOWN) with
 * `userId` among its members (NOT_MEMBER), which an admin need not be. Answers the storage key
 * and what the id names; policy beyond that (friends, blocks, receivers) is the caller's.
 */
export async function enterConversation(
  store: Store,
  userId: string,
  conversationId: ConversationId,
  admin = false,
): Promise<{ key: ConversationKey; type: ConversationType; target: string }> {
  const found = keyOf(userId, conversationId);
  await checkEntry(store, userId, found, admin);
  return found;
}

/**
 * enterConversation's checks of a conversation already named (`keyOf`), for a caller that starts
 * its own checks beside them. The group and the membership are read at once (on PostgreSQL in the
 * same turn's queries, not one round trip after the other), GROUP_UNKNOWN still before NOT_MEMBER.
 */
export async function checkEntry(store: Store, userId: string, found: { type: ConversationType; target: string }, admin: boolean): Promise<void> {
  if (found.type === 'p2p') {
    const peer = await store.getUser(found.target);
    if (!peer || peer.deleted) throw new ChatError('USER_UNKNOWN');
    return;
  }
  const member = admin ? undefined : ahead(store.isGroupMember(found.target, userId));
  if (!(await store.getGroup(found.target))) throw new ChatError('GROUP_UNKNOWN');
  if (member && !(await member)) throw new ChatError('NOT_MEMBER');
}
