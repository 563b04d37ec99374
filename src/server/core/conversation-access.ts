import { ChatError, type ConversationId, type ConversationType } from '../../protocol/index.js';
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
  if (found.type === 'p2p') {
    const peer = await store.getUser(found.target);
    if (!peer || peer.deleted) throw new ChatError('USER_UNKNOWN');
  } else {
    if (!(await store.getGroup(found.target))) throw new ChatError('GROUP_UNKNOWN');
    if (!admin && !(await store.isGroupMember(found.target, userId))) throw new ChatError('NOT_MEMBER');
  }
  return found;
}
