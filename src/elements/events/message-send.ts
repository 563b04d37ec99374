import type { ConversationId } from '../../protocol/ids.js';

/**
 * `<message-composer>` is about to send a text. Cancel it to send it some other way (the
 * composer then keeps the draft).
 */
export class MessageSendEvent extends Event {
  static readonly eventName = 'message-send';
  readonly detail: { conversationId: ConversationId; text: string };

  constructor(conversationId: ConversationId, text: string) {
    super(MessageSendEvent.eventName, { bubbles: true, composed: true, cancelable: true });
    this.detail = { conversationId, text };
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'message-send': MessageSendEvent;
  }
}
