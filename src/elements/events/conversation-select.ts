import type { ConversationId } from '../../protocol/ids.js';

/**
 * The user picked a conversation in `<conversation-list>`. Cancel it to keep the current
 * selection (for example to ask about an unsent draft first).
 */
export class ConversationSelectEvent extends Event {
  static readonly eventName = 'conversation-select';
  readonly detail: { conversationId: ConversationId };

  constructor(conversationId: ConversationId) {
    super(ConversationSelectEvent.eventName, { bubbles: true, composed: true, cancelable: true });
    this.detail = { conversationId };
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'conversation-select': ConversationSelectEvent;
  }
}
