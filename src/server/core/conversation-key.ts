import {
  ChatError,
  p2pConversation,
  parseConversationId,
  type ConversationId,
  type ConversationType,
} from '../../protocol/index.js';
import type { ConversationKey } from './types.js';

/** The one storage key of the 1:1 chat between a and b, whoever asks. */
export function p2pKey(a: string, b: string): ConversationKey {
  return a < b ? `p2p:${a}|${b}` : `p2p:${b}|${a}`;
}

export function groupKey(groupId: string): ConversationKey {
  return `group:${groupId}`;
}

/** The storage key of a conversation id as `userId` names it. */
export function keyOf(userId: string, id: ConversationId): { key: ConversationKey; type: ConversationType; target: string } {
  const { type, target } = parseConversationId(id);
  if (type === 'group') return { key: groupKey(target), type, target };
  if (target === userId) throw new ChatError('SELF_CONVERSATION');
  return { key: p2pKey(userId, target), type, target };
}

/** Splits a key into its type and, for p2p, both users. */
export function parseKey(key: ConversationKey): { type: 'group'; groupId: string } | { type: 'p2p'; users: [string, string] } {
  if (key.startsWith('group:')) return { type: 'group', groupId: key.slice(6) };
  const bar = key.indexOf('|');
  return { type: 'p2p', users: [key.slice(4, bar), key.slice(bar + 1)] };
}

/** The conversation id `viewer` sees for a key. */
export function viewOf(key: ConversationKey, viewer: string): ConversationId {
  // Read off the key's text, not parsed into parts: a view is taken for every message sent.
  if (key.startsWith('group:')) return key as ConversationId; // a group's key is its id
  const bar = key.indexOf('|');
  const viewerFirst = bar === 4 + viewer.length && key.startsWith(viewer, 4);
  return p2pConversation(viewerFirst ? key.slice(bar + 1) : key.slice(4, bar));
}
