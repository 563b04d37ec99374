import { LIMITS, type Message } from '../../protocol/index.js';
import type { StoredMessage } from '../core/types.js';

/**
 * A stored message as `viewer` receives it: each reaction as its count, whether the viewer is
 * among them and the first few users (the full lists stay on the server: `reactions.fetch`); a
 * message the viewer deleted for themselves as a `hidden` shell without content. Messages
 * without changes pass through untouched (the same object).
 */
export function projectForViewer(message: Message, viewer: string): Message {
  const stored = message as StoredMessage;
  if (!stored.reactions && !stored.hiddenFor) return message;
  const { reactions, hiddenFor, ...rest } = stored;
  if (hiddenFor?.includes(viewer)) {
    const shell: Message = {
      id: rest.id, conversationId: rest.conversationId, seq: rest.seq, clientMsgId: rest.clientMsgId,
      sender: rest.sender, senderProfile: rest.senderProfile, time: rest.time, elem: { type: 'recalled' }, hidden: true,
    };
    if (rest.changeSeq !== undefined) shell.changeSeq = rest.changeSeq;
    return shell;
  }
  const out: Message = rest;
  if (reactions) {
    out.reactions = reactions.map((r) => ({
      emoji: r.emoji,
      count: r.count,
      ...(r.users.includes(viewer) && { me: true }),
      users: r.users.slice(0, LIMITS.reactionUsersShown),
    }));
  }
  return out;
}

/** A message copied into a forward: its current content without its reactions, pins or per-user state. */
export function withoutChanges(message: Message): Message {
  const { reactions: _r, pinned: _p, changeSeq: _c, hidden: _h, edited: _e, replyTo: _q, ...rest } = message as StoredMessage;
  delete (rest as StoredMessage).hiddenFor;
  return rest;
}
