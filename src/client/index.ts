export { createChatClient } from './chat-client.js';
export { createMemoryStorage } from './storage-memory.js';
export { createIdbStorage } from './storage-idb.js';
export { resolveStorage } from './storage-default.js';
export { createClientMsgId, createDeviceId, tokenSubject } from './identity.js';
export { messageKey } from './types.js';
export type { ChangeReceipt, PendingChange } from './changes.js';
export type { ClientSearch, SearchOptions, SearchResult, SearchState } from './search.js';
export type { MuteState } from './mutes.js';
export { sendBlockIn, type SendBlock } from './send-block.js';
export type { WebPush } from './push-actions.js';
export type { ClientDrafts } from './drafts.js';
export type { FriendActions, FriendRequests } from './friend-actions.js';
export type {
  BackoffOptions,
  ChatClient,
  ChatClientEventMap,
  ChatClientOptions,
  ChatMessage,
  ClientStorage,
  ConnectionState,
  Conversation,
  Draft,
  CustomRenderer,
  FileKind,
  Member,
  UploadProgress,
  ForwardFailure,
  MessageStatus,
  OutboxEntry,
  PersistedState,
  Profile,
  SyncState,
} from './types.js';
