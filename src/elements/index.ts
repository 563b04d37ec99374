/** The element classes, without registering them (import `./define.js` for that). */
export { ChatSession } from './chat-session.js';
export { ConversationList } from './conversation-list.js';
export { ChatThread } from './chat-thread.js';
export { MessageComposer } from './message-composer.js';
export { BroadcastBanner } from './broadcast-banner.js';
export { ForwardDialog } from './forward-dialog.js';
export { MediaViewer, type MediaItem } from './media-viewer.js';
export { ChatWidget } from './chat-widget.js';
export { ConversationSelectEvent } from './events/conversation-select.js';
export { MessageSendEvent } from './events/message-send.js';
export { BroadcastDismissEvent } from './events/broadcast-dismiss.js';
export { ForwardRequestEvent } from './events/forward-request.js';
export { MessageForwardedEvent, type ForwardTargetResult } from './events/message-forwarded.js';
export { errorText } from './i18n/errors.js';
export { resolveLocale, type Locale } from './i18n/locale.js';
export { getLocale, localeReady, setLocale } from './i18n/localize.js';
export { StoreController } from './controllers/store-controller.js';
export { chatClientContext } from './context.js';
