import { atom, type WritableAtom } from 'nanostores';
import type { ChatClient, ChatMessage } from '../../../client/types.js';

/**
 * What the composer of a conversation is asked to do: reply to a message or edit one with its next
 * Enter, or (`draft`) take back the text of an own message recalled from this device ("Edit again").
 */
export interface ComposeIntent {
  kind: 'reply' | 'edit' | 'draft';
  message: ChatMessage;
  /** The text of a `draft`. */
  text?: string;
}

const intents = new WeakMap<ChatClient, Map<string, WritableAtom<ComposeIntent | undefined>>>();

/**
 * The shared intent of `<chat-thread>` and `<message-composer>` showing one conversation with one
 * client: the thread's "Reply" and "Edit" set it, the composer shows it (quote bar, "Editing")
 * and clears it when sent or cancelled. Nothing to wire: elements with the same client meet here.
 */
export function composeIntent(client: ChatClient, conversation: string): WritableAtom<ComposeIntent | undefined> {
  let byConversation = intents.get(client);
  if (!byConversation) intents.set(client, (byConversation = new Map()));
  let store = byConversation.get(conversation);
  if (!store) byConversation.set(conversation, (store = atom<ComposeIntent | undefined>(undefined)));
  return store;
}

/** One line of a message for a quote or the composer's bar: its text, or a description of the elem. */
export function excerptOf(text: string, max = 120): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${[...line].slice(0, max).join('')}…` : line;
}

/** The newest own text message of a thread that can be edited (committed, not recalled). */
export function lastOwnText(messages: readonly ChatMessage[]): ChatMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.isSelf && m.status === 'sent' && m.id && m.elem.type === 'text' && !m.recalled) return m;
  }
  return undefined;
}
