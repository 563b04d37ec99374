import type { ConversationId } from '../../protocol/ids.js';

/**
 * The user asked `<chat-thread>` to forward messages (from a message's menu or the multi-select
 * bar). Cancel it to show your own picker instead of the built-in `<forward-dialog>`; forward
 * with `client.forward(targets, {conversationId, messageIds, merge})`.
 */
export class ForwardRequestEvent extends Event {
  static readonly eventName = 'forward-request';
  readonly detail: { conversationId: ConversationId; messageIds: string[]; merge: boolean };

  constructor(detail: { conversationId: ConversationId; messageIds: string[]; merge: boolean }) {
    super(ForwardRequestEvent.eventName, { bubbles: true, composed: true, cancelable: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'forward-request': ForwardRequestEvent;
  }
}
