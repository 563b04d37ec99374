/**
 * Registers every Natter element under its tag. Importing this module is the one side effect
 * of the element layer; a tag that is already registered (another copy of Natter, or the
 * host's own element) is left alone.
 */
import { BroadcastBanner } from './broadcast-banner.js';
import { ChatSession } from './chat-session.js';
import { ChatThread } from './chat-thread.js';
import { ChatWidget } from './chat-widget.js';
import { ConversationList } from './conversation-list.js';
import { ForwardDialog } from './forward-dialog.js';
import { MessageComposer } from './message-composer.js';

export const elements = {
  'chat-session': ChatSession,
  'conversation-list': ConversationList,
  'chat-thread': ChatThread,
  'message-composer': MessageComposer,
  'broadcast-banner': BroadcastBanner,
  'forward-dialog': ForwardDialog,
  'chat-widget': ChatWidget,
} as const satisfies Record<string, CustomElementConstructor>;

for (const [tag, element] of Object.entries(elements)) {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
