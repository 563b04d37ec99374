import type { ConversationId } from '../../protocol/ids.js';

/**
 * The user opened a search result in `<chat-search>` (Enter or click). `<chat-thread>` jumps to
 * the message; `<conversation-list>` lets it bubble on, for the page (or `<chat-widget>`) to open
 * the conversation and call `jumpTo(messageId)` on its thread. Cancel it to handle it yourself.
 */
export class SearchResultSelectEvent extends Event {
  static readonly eventName = 'search-result-select';
  readonly detail: { conversationId: ConversationId; messageId: string };

  constructor(conversationId: ConversationId, messageId: string) {
    super(SearchResultSelectEvent.eventName, { bubbles: true, composed: true, cancelable: true });
    this.detail = { conversationId, messageId };
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'search-result-select': SearchResultSelectEvent;
  }
}
