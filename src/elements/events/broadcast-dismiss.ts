import type { Broadcast } from '../../protocol/frames.js';

/**
 * The user asked to dismiss a broadcast in `<broadcast-banner>`. Cancel it to keep the
 * broadcast shown (nothing is remembered then).
 */
export class BroadcastDismissEvent extends Event {
  static readonly eventName = 'broadcast-dismiss';
  readonly detail: { broadcast: Broadcast };

  constructor(broadcast: Broadcast) {
    super(BroadcastDismissEvent.eventName, { bubbles: true, composed: true, cancelable: true });
    this.detail = { broadcast };
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'broadcast-dismiss': BroadcastDismissEvent;
  }
}
