import { ChatError, type ConversationId, type ConversationType } from '../../protocol/index.js';
import { ahead } from './ahead.js';
import { keyOf } from './conversation-key.js';
import { drive } from './maybe-sync.js';
import type { Store } from './store.js';
import type { ConversationKey } from './types.js';

/** Where a conversation id leads: its storage key, its type and what it names (the peer, the group). */
export type Entered = { key: ConversationKey; type: ConversationType; target: string };

/**
 * The checks every way into a conversation shares (sending to it, uploading into it): a 1:1
 * peer that exists and is not deleted (USER_UNKNOWN); a group that exists (GROUP_UNKNOWN) with
 * `userId` among its members (NOT_MEMBER), which an admin need not be. Answers the storage key
 * and what the id names; policy beyond that (friends, blocks, receivers) is the caller's.
 */
export async function enterConversation(store: Store, userId: string, conversationId: ConversationId, admin = false): Promise<Entered> {
  return drive(entering(store, userId, keyOf(userId, conversationId), admin));
}

/**
 * enterConversation's checks of a conversation already named (`keyOf`), yielding each read
 * (maybe-sync.ts): from `Store.held` when the store has it, so a send's checks on SQLite take no
 * await (prepareSend runs this inside its own, its own reads started beside these). A group and
 * the membership are read at once (over the network, one wait instead of two one after the
 * other), GROUP_UNKNOWN still before NOT_MEMBER.
 */
export function* entering(store: Store, userId: string, found: Entered, admin: boolean): Generator<unknown, Entered, unknown> {
  const reads = store.held ?? store;
  if (found.type === 'p2p') {
    const peer = (yield reads.getUser(found.target)) as { deleted: boolean } | undefined;
    if (!peer || peer.deleted) throw new ChatError('USER_UNKNOWN');
  } else {
    const member = admin || ahead(reads.isGroupMember(found.target, userId));
    if (!(yield reads.getGroup(found.target))) throw new ChatError('GROUP_UNKNOWN');
    if (!(yield member)) throw new ChatError('NOT_MEMBER');
  }
  return found;
}
