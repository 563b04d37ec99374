import type { Change, ReplyTo } from '../protocol/changes.js';
import type { ChangeReceipt, PendingChange } from './changes.js';
import type { ClientSearch, SearchOptions } from './search.js';
import type { MuteState } from './mutes.js';
import type { SendBlock } from './send-block.js';
import type { WebPush } from './push-actions.js';
import type { ClientDrafts } from './drafts.js';
import type { ReadableAtom } from 'nanostores';
import type { CustomElem, Elem, LinkPreview } from '../protocol/elems.js';
import type { ChatError, ErrorBody } from '../protocol/error-codes.js';
import type { Broadcast, ForwardSource, GroupRole } from '../protocol/frames.js';
import type { GroupActions } from './group-actions.js';
import type { PresenceTracker } from './presence.js';
import type { FriendActions } from './friend-actions.js';
import type { ConversationId } from '../protocol/ids.js';
import type { FileKind } from '../protocol/limits.js';
import type { ReportReason } from '../protocol/reports.js';
import type { ConversationSummary, Message, SendOptions } from '../protocol/message.js';

export type { FileKind };

/** `connecting` until the socket opens and the session is ready; `offline` while it retries. */
export type ConnectionState = 'idle' | 'connecting' | 'online' | 'offline' | 'closed';
/** `syncing` from session start until the server's `sync.done`; `synced` afterwards. */
export type SyncState = 'idle' | 'syncing' | 'synced';

export type MessageStatus = 'sending' | 'sent' | 'failed';

/**
 * A message as the client holds it: a committed one (`status: 'sent'`, with `id` and `seq`) or a
 * local one from the outbox (`sending` or `failed`, `seq` 0, `id` empty until acked).
 */
export interface ChatMessage extends Message {
  status: MessageStatus;
  /** Why a failed message failed (stable code and a human message). */
  error?: ErrorBody;
  /** A rate-limited send: when a resend can succeed (ms since the epoch, this device's clock). */
  retryAt?: number;
  /** Device-local data (never sent). */
  localCustomData?: string;
  /** True for messages this user sent. */
  isSelf: boolean;
  /** This device's changes to it still in the outbox (sending, or failed with why). */
  pendingChanges?: PendingChange[];
}

export interface Conversation extends ConversationSummary {
  /** A group this user is no longer in (removed, left, dismissed): its thread stays readable, nothing more arrives. */
  left?: boolean;
  /**
   * This user's newest message here that the server has not committed yet (`status` sending or
   * failed), while it is newer than `lastMessage`: what the list previews, with its status. The
   * list is ordered by it too. Never persisted: it comes from the outbox.
   */
  outgoing?: ChatMessage;
}

/** A group to create (`createGroup`). */
export interface NewGroup {
  name: string;
  /** Users to add besides this user (who owns the group). */
  members: readonly string[];
  avatar?: string;
  historyVisibility?: 'all' | 'since-join';
  /** The group's id; default a fresh random one. */
  id?: string;
}

export interface Profile {
  id: string;
  name?: string;
  avatar?: string;
}

/** Everything the client persists on the device. IndexedDB in browsers, memory elsewhere. */
export interface ClientStorage {
  /** Outbox entries of this user, oldest first. */
  loadOutbox(): Promise<OutboxEntry[]>;
  putOutbox(entry: OutboxEntry): Promise<void>;
  deleteOutbox(clientMsgId: string): Promise<void>;
  /** Committed messages cache, and the per-conversation contiguous window it holds. */
  loadState(): Promise<PersistedState | undefined>;
  saveState(state: PersistedState): Promise<void>;
  /** Half-written messages, one per conversation (optional: without them, as in memory storage, drafts last as long as the client). */
  loadDrafts?(): Promise<Draft[]>;
  /** Replaces every stored draft. */
  saveDrafts?(drafts: Draft[]): Promise<void>;
  close(): Promise<void>;
}

/** A message being written in one conversation, kept on the device. */
export interface Draft {
  conversationId: ConversationId;
  text: string;
  /** `@label`s picked from the mention list, and the users they stand for. */
  mentions?: { id: string; label: string }[];
  /** When it was last changed (ms since the epoch). */
  updatedAt: number;
}

export interface OutboxEntry {
  clientMsgId: string;
  conversationId: ConversationId;
  elem?: Elem;
  options: SendOptions;
  forward?: { conversationId: ConversationId; messageIds: string[]; merge?: { title: string } };
  localCustomData?: string;
  createdAt: number;
  /** A reply: what it quotes (the server snapshots it again; this shows it meanwhile). */
  replyTo?: ReplyTo;
  /** A change to a sent message (SPEC §9) instead of a message: sent as `change.send`, the clientMsgId is its changeId. */
  change?: { messageId: string; change: Change };
  /** `pending` is retried automatically when online; `rejected` waits for the user. */
  state: 'pending' | 'rejected';
  error?: ErrorBody;
  /** Set with a RATE_LIMITED error: when a resend can succeed. */
  retryAt?: number;
  /** The user who wrote it, once known; entries of another user are never sent. */
  userId?: string;
  /**
   * A file message (`sendFile`): the file itself (IndexedDB keeps Blobs, so it survives a
   * reload) and what was probed of it. `elem` is set, and `url` recorded, once it is uploaded;
   * until then the entry is uploaded instead of sent.
   */
  upload?: {
    blob: Blob;
    name: string;
    mime: string;
    kind: FileKind;
    width?: number;
    height?: number;
    duration?: number;
    /** A video's poster frame, uploaded before the video. */
    snapshot?: { blob?: Blob; width: number; height: number; url?: string };
    /** The server URL once uploaded (a resend then sends without uploading again). */
    url?: string;
    /**
     * Queued before the upload code could load (offline), so not probed: what `sendFile` was given
     * (a kind, a name). Probed when it uploads, as it would have been when sent.
     */
    unprobed?: { kind?: FileKind; name?: string };
  };
}

export interface PersistedState {
  userId: string;
  /** This device's stable id (sent in `session.open`). */
  deviceId?: string;
  conversations: Conversation[];
  /** Per conversation: messages held (ascending seq) and the contiguous window [fromSeq, toSeq]. */
  threads: Record<string, { fromSeq: number; toSeq: number; messages: Message[] }>;
  /** Broadcasts received and not withdrawn, newest first (the server sends each to a device once). */
  broadcasts?: Broadcast[];
}

export interface ChatClientOptions {
  /** WebSocket URL of the server, e.g. `ws://localhost:8787/ws`. */
  url: string;
  /** A fixed token; or use `getToken`, called before every (re)connect. */
  token?: string;
  getToken?: () => string | Promise<string>;
  /**
   * Injectable platform: WebSocket constructor (the `ws` package in Node), or any WebSocket-like
   * class (`new (url)`, `readyState`, `send`, `close`, open/message/close/error events), e.g.
   * the MessagePort transport of the in-browser server (`src/local/client.ts`).
   */
  WebSocket?: unknown;
  /** Where the outbox and cache live. Default: IndexedDB when available, else memory. */
  storage?: ClientStorage | ((userId: string) => ClientStorage);
  /** Ms to wait for an ack before a send is shown failed (it is still retried when online). */
  ackTimeoutMs?: number;
  /** Stable device id; default: generated and kept in storage. */
  deviceId?: string;
  /**
   * Names this user's device storage before the session says who the user is (the outbox must
   * be read before connecting). Default: the `sub` claim of the token (read, not verified).
   */
  storageKey?: string;
  /** Reconnect backoff; a random share of it is waited on every retry (jitter). */
  backoff?: BackoffOptions;
  /** Ms between pings while online (default 25 000); silence for two intervals reconnects. */
  pingIntervalMs?: number;
  /** Ms to wait for the answer to a request (history, blocklist); default 15 000. */
  requestTimeoutMs?: number;
  /** Messages kept per conversation in the device cache (default 200). */
  cacheLimit?: number;
  /** HTTP base of the server for uploads and files; default: derived from `url` (`wss://host/ws` → `https://host`). */
  apiUrl?: string;
}

export interface BackoffOptions {
  /** Base delay before a retry, ms (default 1000). */
  minDelayMs?: number;
  /** Ceiling of the delay, ms (default 30 000). */
  maxDelayMs?: number;
  /** Growth per consecutive failure (default 1.5). */
  growFactor?: number;
  /**
   * A session that stayed open this long, ms, brings the growing wait back to its start, and one
   * its token ended sooner counts as a failure (default 5000).
   */
  minUptimeMs?: number;
}

/** The headless SDK. No globals: create as many as you like on one page. */
export interface ChatClient extends EventTarget {
  readonly $connection: ReadableAtom<ConnectionState>;
  /** Why the connection is `closed` when the client did not ask for it (token refused with a fixed token, protocol mismatch). */
  readonly $error: ReadableAtom<ErrorBody | undefined>;
  /** Server frames this client could not read (over 256 KiB, malformed); each is also logged. */
  readonly $invalidFrames: ReadableAtom<number>;
  readonly $sync: ReadableAtom<SyncState>;
  /** The logged-in user, once the session is ready. */
  readonly $me: ReadableAtom<Profile | undefined>;
  /** Conversations, most recent activity first. */
  readonly $conversations: ReadableAtom<Conversation[]>;
  /** Users this user blocked. */
  readonly $blocked: ReadableAtom<string[]>;
  /** Broadcasts received and not withdrawn, newest first. */
  readonly $broadcasts: ReadableAtom<Broadcast[]>;
  /**
   * Half-written messages, one per conversation, kept on the device (`ClientStorage.saveDrafts`):
   * settles once their code (fetched after the first paint) and the stored drafts are loaded.
   */
  readonly drafts: Promise<ClientDrafts>;
  /** Messages of one conversation: committed ones by seq, then local pending/failed ones. Same store for the same id. */
  messages(conversationId: ConversationId): ReadableAtom<ChatMessage[]>;
  /** Whether older messages than those held can still be loaded. */
  hasOlder(conversationId: ConversationId): ReadableAtom<boolean>;

  /** Queues a message (persisted in the outbox) and resolves with it once the server acked it. Rejects with a ChatError when it fails; the message then stays, failed, in the thread. */
  send(conversationId: ConversationId, content: Elem | string, options?: SendOptions & { localCustomData?: string }): Promise<ChatMessage>;
  /**
   * Forwards existing messages to each target conversation (SPEC §4), one outbox entry per target.
   * Resolves with one result per target, in order; system notifications and call events are refused (NOT_FORWARDABLE).
   * A rejected result's reason is a {@link ForwardFailure}: its `clientMsgId` names the entry left failed in the
   * target's thread (for `resend`), absent when nothing was queued.
   */
  forward(
    targets: ConversationId[],
    source: ForwardSource,
    options?: SendOptions & { localCustomData?: string },
  ): Promise<PromiseSettledResult<ChatMessage>[]>;
  /** Sends a reply quoting `messageId` of the same conversation (a `send` with `replyTo`). */
  reply(conversationId: ConversationId, messageId: string, content: Elem | string, options?: SendOptions & { localCustomData?: string }): Promise<ChatMessage>;
  /**
   * Changes to sent messages (SPEC §9), queued in the outbox like sends: persisted, sent once the
   * session is ready, retried with the same changeId (never applied twice), resolved once the
   * server committed the change. A refused change rejects with a ChatError and stays on its
   * message as a failed `pendingChanges` entry: `resend(changeId)` retries it, `discard` drops it.
   * Every device (this one included) then receives the change in seq order and folds it into the
   * message its thread shows (`reactions`, `edited`, `recalled`, `pinned`, `hidden`).
   */
  react(conversationId: ConversationId, messageId: string, emoji: string, on: boolean): Promise<ChangeReceipt>;
  /**
   * Replaces the text of an own text message (new @mentions in `groupAtUserList` are notified).
   * `preview`: the signed preview of the new text's first link (`linkPreview`), the old one when
   * that link is unchanged; without it the message loses its preview. A forged or misplaced one
   * is refused (`PREVIEW_INVALID`).
   */
  edit(conversationId: ConversationId, messageId: string, text: string, options?: { groupAtUserList?: string[]; preview?: LinkPreview }): Promise<ChangeReceipt>;
  /** Recalls (deletes for everyone) an own message within the server's window; admins any time. */
  recall(conversationId: ConversationId, messageId: string): Promise<ChangeReceipt>;
  /** Hides a message on all of this user's devices only. */
  deleteForMe(conversationId: ConversationId, messageId: string): Promise<ChangeReceipt>;
  pin(conversationId: ConversationId, messageId: string, on: boolean): Promise<ChangeReceipt>;
  /** Who reacted with `emoji` (in the order they did), a page (`limit`, default and at most 100) after the user `after`. */
  reactions(conversationId: ConversationId, messageId: string, emoji: string, after?: string, limit?: number): Promise<{ users: string[]; count: number; hasMore: boolean }>;
  /** The pinned messages of a conversation, most recently pinned first (load them with `loadOlder` / history). */
  pins(conversationId: ConversationId): Promise<{ messageId: string; seq: number; by: string; time: number; quote?: ReplyTo }[]>;
  /**
   * Reports someone else's message to the site's moderators (SPEC §11), with a reason and an
   * optional note. Resolves once the server took it (a repeat resolves too, changing nothing);
   * rejects with a ChatError: REPORT_OWN_MESSAGE, MESSAGE_UNKNOWN, MESSAGE_RECALLED,
   * REPORTS_RATE_LIMITED, or TIMEOUT when offline (reports are not queued).
   */
  report(conversationId: ConversationId, messageId: string, reason: ReportReason, note?: string): Promise<void>;
  /** Sends a failed message again with the same clientMsgId (never duplicates). */
  resend(clientMsgId: string): Promise<ChatMessage>;
  /** Removes a failed message from the outbox and the thread instead of resending it. */
  discard(clientMsgId: string): Promise<void>;
  /** Loads older messages (local cache first, then server). Resolves with whether more remain. */
  loadOlder(conversationId: ConversationId, limit?: number): Promise<boolean>;
  /**
   * Makes the thread hold the message `messageId` (server id) and what lies between it and the
   * held messages: from the device cache, or the page around it from the server. For a jump to a
   * message (`<chat-thread>.jumpTo`). Resolves with whether it is held; rejects with
   * MESSAGE_UNKNOWN when the server knows no such message for this user.
   */
  loadAround(conversationId: ConversationId, messageId: string): Promise<boolean>;
  /**
   * Full-text search (SPEC §12) of the messages this user may see, in `conversationId` or all of
   * them, newest first: resolves with the search, whose `$state` store fills in page by page
   * (`more()`). Offline it searches only the messages this device holds (`source: 'local'`).
   */
  search(query: string, options?: SearchOptions): Promise<ClientSearch>;
  /**
   * The server's signed preview of a web page (`POST /v1/previews`), to send with the text that
   * links it: `send(id, {type: 'text', text, preview})`. Rejects with PREVIEW_REFUSED (not a
   * public page) or PREVIEW_UNAVAILABLE.
   */
  linkPreview(url: string): Promise<LinkPreview>;
  /** Marks everything in the conversation read (up to its last seq). */
  markRead(conversationId: ConversationId): void;
  block(userId: string): Promise<void>;
  unblock(userId: string): Promise<void>;
  /** This user's mutes, the same on every device (SPEC §10). */
  readonly $mutes: ReadableAtom<MuteState>;
  /** Whether a conversation is muted now (or do-not-disturb is on). */
  isMuted(conversationId: ConversationId, now?: number): boolean;
  /** Mutes a conversation on every device until `until` (ms since the epoch), or until unmuted (0, the default): no push, no notification, no launcher badge. */
  mute(conversationId: ConversationId, until?: number): Promise<void>;
  unmute(conversationId: ConversationId): Promise<void>;
  /** Do-not-disturb for every conversation until `until` (0: until turned off); `null` turns it off. */
  setDoNotDisturb(until: number | null): Promise<void>;
  /**
   * Where this user may not send now (SPEC §11): mutes by the site or a group's owner/admins, with
   * until when and why; `sendBlockIn(list, conversationId)` picks the one for a conversation.
   */
  readonly $sanctions: ReadableAtom<readonly SendBlock[]>;
  /** This device's Web Push subscription on the server (its code loads on the first call). */
  webPush(): Promise<WebPush>;
  /** Closes the socket and storage. The client cannot be reused. */
  close(): Promise<void>;
  // --- Rich messages (issue #5) -------------------------------------------------------------

  /**
   * Sends a file as an image, sound, video or file message. The size is checked before anything
   * is queued (rejects with FILE_TOO_LARGE); the Blob is kept in the outbox (survives a reload),
   * the message shows at once with a local preview, uploads with progress (`$uploads`), then is
   * sent with the server's URL. A failed or cancelled upload leaves the message failed; `resend`
   * uploads again.
   */
  sendFile(
    conversationId: ConversationId,
    file: Blob,
    options?: SendOptions & { localCustomData?: string; kind?: FileKind; name?: string; /** Seconds, for a recording (else probed). */ duration?: number },
  ): Promise<ChatMessage>;
  /** Uploads in flight, by clientMsgId. */
  readonly $uploads: ReadableAtom<Record<string, UploadProgress>>;
  /** Aborts an upload; the message becomes failed with UPLOAD_CANCELLED (resend or discard it). */
  cancelUpload(clientMsgId: string): void;
  /**
   * A stored file URL made fetchable by this user: Natter file URLs get the ticket of that one
   * file, `''` until it has arrived (`$fileTickets` changes then: render again); a link preview's
   * proxied picture (`/v1/previews/images/…`, a path of the server) gets the server's URL; other URLs unchanged.
   */
  fileUrl(url: string): string;
  /** Changes when file tickets arrive or fall due for renewal (whoever shows `fileUrl`s re-renders). */
  readonly $fileTickets: ReadableAtom<number>;

  /** Tells the others in the conversation that this user is typing (throttled; online-only, never stored). */
  sendTyping(conversationId: ConversationId): void;
  /** Users (not me) typing in the conversation now; entries expire by themselves. */
  typing(conversationId: ConversationId): ReadableAtom<string[]>;
  /** Members of the conversation with their read positions, once loaded (`loadMembers`); kept live. */
  members(conversationId: ConversationId): ReadableAtom<Member[] | undefined>;
  /** Fetches the members of the conversation (names for @mentions, read positions for receipts). */
  loadMembers(conversationId: ConversationId): Promise<Member[]>;
  /** Who of the other members has read `message` (needs `loadMembers` first; undefined until then). */
  readers(conversationId: ConversationId, message: ChatMessage): { read: Member[]; unread: Member[] } | undefined;

  // --- People and groups (SPEC §13) ------------------------------------------------------------

  /**
   * The group actions (`createGroup`, `changeGroup`, `groupInfo`), loaded on first use (the
   * script tag's first paint does not carry them): `(await client.groups()).createGroup(…)`.
   */
  groups(): Promise<GroupActions>;
  /**
   * Online / last seen of the 1:1 peers, of the friends once `friends()` is loaded (and of people
   * named with `watch`), fed by the server and
   * watched again after each reconnect; and this user's own visibility. Loaded the first time
   * (the script tag's first paint does not carry it).
   */
  presence(): Promise<PresenceTracker>;
  /**
   * The friends list and requests (`$friends`, `$friendRequests`) and their actions (`load`, `add`,
   * `remove`, `accept`, `decline`, `cancel`), loaded on first use like the group actions (the
   * script tag's first paint carries neither): `(await client.friends()).$friends`.
   */
  friends(): Promise<FriendActions>;

  /** Renders custom elems of `customType` in the elements; returns a function that unregisters it. */
  registerRenderer(customType: string, renderer: CustomRenderer): () => void;
  /** The renderer registered for `customType`, if any. */
  renderer(customType: string): CustomRenderer | undefined;
}


export interface UploadProgress {
  loaded: number;
  total: number;
}

/** A member of a conversation as the client sees it. */
export interface Member {
  id: string;
  name?: string;
  avatar?: string;
  /** Highest seq this member has read. */
  readSeq: number;
  /** Groups: the member's role (`owner`, `admin`, `member`). */
  role?: GroupRole;
  /** Groups, for their owner and admins only: muted in this group, until `until` (absent: until unmuted). */
  muted?: { until?: number };
}

/**
 * Draws a custom elem: a function returning something Lit can render (a template, a Node or a
 * string), or the tag name of a custom element that receives `elem` and `message` properties.
 */
export type CustomRenderer = ((elem: CustomElem, message: ChatMessage) => unknown) | string;

/** Why one target of a `forward` failed; `clientMsgId` is set when an outbox entry was queued (resend it). */
export type ForwardFailure = ChatError & { clientMsgId?: string };

/** Events a ChatClient dispatches (all `CustomEvent`s): */
export interface ChatClientEventMap {
  /** A committed message from the server, in seq order per conversation, once per device. */
  message: CustomEvent<ChatMessage>;
  /** The session finished its initial catch-up (SPEC §2 `OnRefresh`). */
  synced: CustomEvent<void>;
  /** A broadcast arrived. */
  broadcast: CustomEvent<Broadcast>;
  /** A send failed (it stays in the thread with a resend control). */
  'send-failed': CustomEvent<ChatMessage>;
  /** A change failed (it stays on its message in `pendingChanges`; `resend(changeId)` retries it). */
  'change-failed': CustomEvent<{ conversationId: ConversationId; changeId: string; messageId: string; change: Change; error?: ErrorBody }>;
}

/** Stable key of a message across its local and committed lives. */
export function messageKey(m: Pick<Message, 'sender' | 'clientMsgId'>): string {
  return `${m.sender}/${m.clientMsgId}`;
}

