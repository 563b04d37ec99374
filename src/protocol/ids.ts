import * as v from 'valibot';

/** User and group ids: start with a letter or digit, then letters, digits and `_ . @ -`, up to 64. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
/** `groupAtUserList` entry meaning "everyone in the group". Cannot collide with a user id. */
export const AT_ALL = '@all';

export const UserIdSchema = v.pipe(v.string(), v.regex(ID_PATTERN, 'invalid user id'));
export const GroupIdSchema = v.pipe(v.string(), v.regex(ID_PATTERN, 'invalid group id'));
export const CLIENT_MSG_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const ClientMsgIdSchema = v.pipe(v.string(), v.regex(CLIENT_MSG_ID_PATTERN, 'invalid clientMsgId'));

export type ConversationType = 'p2p' | 'group';

/**
 * A conversation id as one user sees it: `p2p:<peerUserId>` or `group:<groupId>`.
 * Both sides of a 1:1 chat see a different id for the same conversation.
 */
export type ConversationId = `p2p:${string}` | `group:${string}`;

const CONVERSATION_PATTERN = /^(p2p|group):[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
export const ConversationIdSchema = v.pipe(
  v.string(),
  v.regex(CONVERSATION_PATTERN, 'invalid conversation id'),
  v.transform((s) => s as ConversationId),
);

export function isConversationId(s: string): s is ConversationId {
  return CONVERSATION_PATTERN.test(s);
}

export function parseConversationId(id: ConversationId): { type: ConversationType; target: string } {
  const colon = id.indexOf(':');
  return { type: id.slice(0, colon) as ConversationType, target: id.slice(colon + 1) };
}

export function p2pConversation(peer: string): ConversationId {
  return `p2p:${peer}`;
}

export function groupConversation(groupId: string): ConversationId {
  return `group:${groupId}`;
}
