import type { ErrorBody } from '../../protocol/errors.js';
import type { ConversationId } from '../../protocol/ids.js';

/** What happened to one target of a forward. */
export interface ForwardTargetResult {
  conversationId: ConversationId;
  ok: boolean;
  /** Why it failed (first failure of the target's messages). */
  error?: ErrorBody;
}

/**
 * `<forward-dialog>` forwarded messages: every target's outcome is known (sent, or failed with a
 * reason; failed ones can still be resent from the dialog or the target's thread).
 */
export class MessageForwardedEvent extends Event {
  static readonly eventName = 'message-forwarded';
  readonly detail: { conversationId: ConversationId; messageIds: string[]; merge: boolean; results: ForwardTargetResult[] };

  constructor(detail: MessageForwardedEvent['detail']) {
    super(MessageForwardedEvent.eventName, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'message-forwarded': MessageForwardedEvent;
  }
}
