/**
 * Registers every Natter element under its tag. Importing this module is the one side effect
 * of the element layer; a tag that is already registered (another copy of Natter, or the
 * host's own element) is left alone.
 */
import { ChatSession } from './chat-session.js';
import { ChatThread } from './chat-thread.js';
import { ConversationList } from './conversation-list.js';
import { MessageComposer } from './message-composer.js';

export const elements = {
  'chat-session': ChatSession,
  'conversation-list': ConversationList,
  'chat-thread': ChatThread,
  'message-composer': MessageComposer,
} as const satisfies Record<string, CustomElementConstructor>;

for (const [tag, element] of Object.entries(elements)) {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
