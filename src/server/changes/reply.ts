import { ChatError, quoteExcerpt, type Message, type ReplyTo } from '../../protocol/index.js';
import type { Store } from '../core/store.js';
import type { ConversationKey, StoredMessage } from '../core/types.js';

/**
 * The quote of a reply, resolved at send: a message of the same conversation the sender can see
 * (REPLY_INVALID otherwise, a message from before a since-join member's join included, as in
 * history; MESSAGE_RECALLED once recalled), snapshotted as its sender and one line of its current
 * content, so a page shows the quote without fetching the original.
 */
export async function resolveReply(store: Store, sender: string, key: ConversationKey, messageId: string): Promise<ReplyTo> {
  const [found, state] = await Promise.all([store.findMessage(key, messageId), store.getConversation(sender, key)]);
  if (!found || (found.visibleTo && !found.visibleTo.includes(sender)) || found.message.elem.type === 'change') {
    throw new ChatError('REPLY_INVALID');
  }
  if (found.message.seq <= (state?.historyFloor ?? 0)) throw new ChatError('REPLY_INVALID');
  const m = found.message;
  if (m.recalled) throw new ChatError('MESSAGE_RECALLED');
  if ((m as StoredMessage).hiddenFor?.includes(sender)) throw new ChatError('REPLY_INVALID');
  const reply: ReplyTo = { messageId: m.id, sender: m.sender, excerpt: quoteExcerpt(m.elem) };
  if (m.senderProfile.name !== undefined) reply.senderName = m.senderProfile.name;
  return reply;
}

/**
 * Marks quotes of messages recalled since the reply was sent (`replyTo.recalled`, excerpt
 * emptied): a page tells the truth about what it quotes. One read for all the quoted messages.
 */
export async function markRecalledQuotes(store: Store, key: ConversationKey, messages: Message[]): Promise<Message[]> {
  const quoted = new Set<string>();
  for (const m of messages) if (m.replyTo && !m.replyTo.recalled) quoted.add(m.replyTo.messageId);
  if (quoted.size === 0) return messages;
  const recalled = new Set<string>();
  for (const [id, found] of await store.findMessages(key, [...quoted])) if (found.message.recalled) recalled.add(id);
  if (recalled.size === 0) return messages;
  return messages.map((m) => (m.replyTo && recalled.has(m.replyTo.messageId) ? { ...m, replyTo: { ...m.replyTo, excerpt: '', recalled: true } } : m));
}
