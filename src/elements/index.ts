/** The element classes, without registering them (import `./define.js` for that). */
export { ChatSession } from './chat-session.js';
export { ConversationList } from './conversation-list.js';
export { ChatThread } from './chat-thread.js';
export { MessageComposer } from './message-composer.js';
export { ConversationSelectEvent } from './events/conversation-select.js';
export { MessageSendEvent } from './events/message-send.js';
export { StoreController } from './controllers/store-controller.js';
export { chatClientContext } from './context.js';
