import type { ConversationId } from '../../protocol/ids.js';

/**
 * `<message-composer>` is about to send a text. Cancel it to send it some other way (the
 * composer then keeps the draft).
 */
export class MessageSendEvent extends Event {
  static readonly eventName = 'message-send';
  /** `groupAtUserList`: the ids @mentioned in a group message (absent when none). */
  readonly detail: { conversationId: ConversationId; text: string; groupAtUserList?: string[] };

  constructor(conversationId: ConversationId, text: string, groupAtUserList?: string[]) {
    super(MessageSendEvent.eventName, { bubbles: true, composed: true, cancelable: true });
    this.detail = { conversationId, text, ...(groupAtUserList?.length ? { groupAtUserList } : {}) };
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'message-send': MessageSendEvent;
  }
}
