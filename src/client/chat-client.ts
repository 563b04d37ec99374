import { atom } from 'nanostores';
import {
  ChatError,
  decodeClientFrame,
  encodeFrame,
  LIMITS,
  parseConversationId,
  UNFORWARDABLE_ELEM_TYPES,
  type Broadcast,
  type ClientFrame,
  type ConversationId,
  type Elem,
  type Message,
  type SendOptions,
  type ServerFrame,
} from '../protocol/index.js';
import { createConnection } from './connection.js';
import { createConversationList } from './conversation-list.js';
import { createClientMsgId, createDeviceId, tokenSubject } from './identity.js';
import { ackedMessage, localToChat } from './local-message.js';
import { createOutbox, type LocalEntry } from './outbox.js';
import { createPersister } from './persister.js';
import { createRequests } from './requests.js';
import { createMemberDirectory } from './members.js';
import { createTypingTracker, isTypingSignal, typingElem } from './typing.js';
import { createRenderers } from './renderers.js';
import { probeMedia } from './media-probe.js';
import { apiBaseOf, createUploads, fileKindOf, fileLimit, uploadedElem } from './upload.js';
import { createDeferredStorage, resolveStorage } from './storage-default.js';
import { createSyncEngine } from './sync-engine.js';
import { createThreadStore } from './thread-store.js';
import { trimWindow } from './thread-window.js';
import type { ChatClient, ChatClientOptions, ChatMessage, ClientStorage, FileKind, OutboxEntry, PersistedState, Profile, SyncState } from './types.js';

type LocalOptions = SendOptions & { localCustomData?: string };

/**
 * Creates the headless chat SDK: one connection, its stores and actions. Nothing is global, so
 * any number of clients can live on one page (or in one Node process).
 */
export function createChatClient(options: ChatClientOptions): ChatClient {
  if (!options.url) throw new TypeError('createChatClient: `url` is required.');
  if (options.token === undefined && options.getToken === undefined) {
    throw new TypeError('createChatClient: give `token` or `getToken`.');
  }
  const ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
  const cacheLimit = options.cacheLimit ?? 200;

  const target = new EventTarget();
  const emit = <T>(type: string, detail: T) => target.dispatchEvent(new CustomEvent(type, { detail }));
  const $sync = atom<SyncState>('idle');
  const $me = atom<Profile | undefined>(undefined);
  const $blocked = atom<string[]>([]);
  const $broadcasts = atom<Broadcast[]>([]);

  let closed = false;
  /** Who we believe the user is before `session.ready` (token claim or cache). */
  let knownUserId: string | undefined;
  let deviceId = options.deviceId ?? '';
  let prefetchedToken: string | undefined;
  let lastCreatedAt = 0;
  const pendingReads = new Map<ConversationId, number>();
  const ephemeral = new Map<string, { resolve(m: ChatMessage): void; reject(e: ChatError): void; message: ChatMessage }>();

  // ------------------------------------------------------------------ storage (chosen async)
  let resolveStorageReady!: (s: ClientStorage) => void;
  const storageReady = new Promise<ClientStorage>((resolve) => (resolveStorageReady = resolve));
  const storage = createDeferredStorage(storageReady);

  // ------------------------------------------------------------------ parts
  const myId = () => $me.get()?.id ?? knownUserId;
  const meProfile = (): Profile | undefined => $me.get() ?? (knownUserId ? { id: knownUserId } : undefined);
  const findMessage = (conversationId: ConversationId, id: string) => threads.get(conversationId)?.messages.find((m) => m.id === id);

  const chatCache = new WeakMap<Message, ChatMessage>();
  const toChat = (m: Message): ChatMessage => {
    const isSelf = m.sender === myId();
    let chat = chatCache.get(m);
    if (!chat || chat.isSelf !== isSelf) {
      chat = { ...m, status: 'sent', isSelf };
      chatCache.set(m, chat);
    }
    return chat;
  };

  const conversations = createConversationList();
  const threads = createThreadStore({
    toChat,
    local: (id) => outbox.entries(id).map((l) => localView(l)),
    initialShown: 50,
    hasAny: (id) => (conversations.get(id)?.lastSeq ?? 0) > 0,
  });
  const connection = createConnection({
    url: options.url,
    WebSocket: options.WebSocket,
    fixedToken: options.getToken === undefined,
    getToken: async () => {
      if (prefetchedToken !== undefined) {
        const token = prefetchedToken;
        prefetchedToken = undefined;
        return token;
      }
      return (lastToken = await (options.getToken ? options.getToken() : options.token!));
    },
    get deviceId() {
      return deviceId;
    },
    cursors: () => threads.cursors(),
    onFrame: (frame) => handleFrame(frame),
    onDown: () => sessionEnded(),
    pingIntervalMs: options.pingIntervalMs ?? 25_000,
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  const send = (frame: ClientFrame) => connection.send(frame);
  const requests = createRequests(send, options.requestTimeoutMs ?? 15_000);
  const outbox = createOutbox({
    storage,
    ackTimeoutMs,
    get lockName() {
      return `natter-outbox:${myId() ?? 'default'}`;
    },
    transmit: (frame) => void send(frame),
    onChange: (id) => {
      threads.touch(id);
      threads.publish();
    },
    onFailed: (local) => emit('send-failed', localView(local)),
    upload: async (entry) => {
      const elem = await uploads.run(entry);
      // The elem must pass the protocol as any send would (e.g. a name too long for a file elem).
      const probe: OutboxEntry = { ...entry, elem };
      check(probe);
      if (probe.state === 'rejected') throw ChatError.from(probe.error!);
      return elem;
    },
  });
  const engine = createSyncEngine({
    threads,
    conversations,
    requests,
    myId,
    pageSize: 50,
    settleOwn: (m) => outbox.settle(m.clientMsgId, toChat(m)) !== undefined,
    onMessage: (m) => onCommitted(m),
    onAsyncChange: () => publish(),
  });
  const persister = createPersister(storage, snapshot, 500);
  let lastToken: string | undefined;
  const uploads = createUploads({
    apiBase: options.apiUrl?.replace(/\/$/, '') ?? apiBaseOf(options.url),
    token: async (fresh) => {
      if (!fresh && lastToken !== undefined) return lastToken;
      return (lastToken = await (options.getToken ? options.getToken() : options.token!));
    },
  });

  /** How an outbox entry shows: a file not uploaded yet shows from its Blob (a `blob:` URL). */
  function localView(local: LocalEntry): ChatMessage {
    const chat = localToChat(local, meProfile(), findMessage);
    const { entry } = local;
    if (!entry.upload || entry.elem) return chat;
    const { blob, mime } = entry.upload;
    return { ...chat, elem: uploadedElem(entry.upload, { url: uploads.previewUrl(entry) ?? '', size: blob.size, mime }) };
  }
  const members = createMemberDirectory(requests);
  const typing = createTypingTracker();

  /** A message from someone else (or seq 0 online-only): it ends their typing, may change membership. */
  function onCommitted(m: Message): void {
    typing.clear(m.conversationId, m.sender);
    if (m.elem.type === 'system' && m.elem.event.startsWith('member-')) members.refresh(m.conversationId);
    emit('message', toChat(m));
  }

  function snapshot(): PersistedState {
    const state: PersistedState = { userId: myId() ?? '', deviceId, conversations: conversations.all(), threads: {} };
    // The server sends a broadcast to a device once: kept here, it survives a reload.
    if ($broadcasts.get().length > 0) state.broadcasts = $broadcasts.get();
    for (const id of threads.ids()) state.threads[id] = trimWindow(threads.get(id)!, cacheLimit);
    return state;
  }

  function publish(): void {
    threads.publish();
    conversations.publish();
    persister.schedule();
  }

  // ------------------------------------------------------------------ startup
  const started = (async () => {
    let key = options.storageKey ?? tokenSubject(options.token);
    const needsKey = !(options.storage && typeof options.storage === 'object');
    if (key === undefined && options.getToken && needsKey) {
      try {
        prefetchedToken = await options.getToken();
        key = tokenSubject(prefetchedToken);
      } catch {
        // The connection will ask again, with backoff.
      }
    }
    knownUserId = tokenSubject(options.token ?? prefetchedToken);
    const chosen = resolveStorage(options.storage, key);
    resolveStorageReady(chosen);
    let state: PersistedState | undefined;
    try {
      state = await chosen.loadState();
    } catch (error) {
      console.warn('[natter] could not read the message cache:', error);
    }
    if (state && (knownUserId === undefined || !state.userId || state.userId === knownUserId)) {
      knownUserId ??= state.userId || undefined;
      for (const c of state.conversations) conversations.upsert(c);
      threads.restore(state.threads);
      $broadcasts.set((state.broadcasts ?? []).filter((b) => b.expiresAt === undefined || b.expiresAt > Date.now()));
    }
    deviceId ||= state?.deviceId || createDeviceId();
    await outbox.restore();
    publish();
    if (!closed) connection.start();
  })();
  started.catch((error: unknown) => console.warn('[natter] client start failed:', error));

  // ------------------------------------------------------------------ frames
  function handleFrame(frame: ServerFrame): void {
    if (frame.type === 'message.new' && isTypingSignal(frame.message)) {
      if (frame.message.sender !== myId()) typing.signal(frame.message.conversationId, frame.message.sender);
      return;
    }
    if (engine.handle(frame)) {
      if (frame.type === 'sync.done') {
        $sync.set('synced');
        emit('synced', undefined);
      }
      publish();
      return;
    }
    switch (frame.type) {
      case 'session.ready':
        return sessionReady(frame);
      case 'message.ack':
        return onAck(frame);
      case 'message.error': {
        const body = { code: frame.code, name: frame.name, message: frame.message, ...(frame.retryAfterMs !== undefined ? { retryAfterMs: frame.retryAfterMs } : {}) };
        const quick = ephemeral.get(frame.clientMsgId);
        if (quick) {
          ephemeral.delete(frame.clientMsgId);
          quick.reject(ChatError.from(body));
        } else outbox.fail(frame.clientMsgId, body);
        return;
      }
      case 'conversation.read':
        members.applyRead(frame.conversationId, myId() ?? '', frame.readSeq);
        conversations.applyRead(frame.conversationId, frame.readSeq, (seq) => unreadAbove(frame.conversationId, seq));
        break;
      case 'receipt.read':
        conversations.applyReceipt(frame.conversationId, frame.userId, frame.seq);
        members.applyRead(frame.conversationId, frame.userId, frame.seq);
        break;
      case 'conversation.updated':
        conversations.upsert(frame.conversation);
        threads.touch(frame.conversation.id);
        break;
      case 'conversation.removed':
        conversations.remove(frame.conversationId);
        threads.delete(frame.conversationId);
        break;
      case 'broadcast.new':
        addBroadcast(frame.broadcast);
        return;
      case 'broadcast.removed':
        $broadcasts.set($broadcasts.get().filter((b) => b.id !== frame.id));
        persister.schedule();
        return;
      case 'blocklist.updated':
        $blocked.set(frame.blocked);
        return;
      case 'ok':
      case 'members':
      case 'history.page':
        requests.resolve(frame);
        return;
      case 'error':
        if (!requests.resolve(frame)) console.warn(`[natter] server error ${frame.name}: ${frame.message}`);
        return;
      default:
        return;
    }
    publish();
  }

  function sessionReady(frame: Extract<ServerFrame, { type: 'session.ready' }>): void {
    const { id, name, avatar } = frame.user;
    if (knownUserId !== undefined && knownUserId !== id) {
      // The cache belonged to someone else (shared storage, token without `sub`): drop it.
      for (const c of conversations.all()) conversations.remove(c.id);
      for (const t of threads.ids()) threads.delete(t);
    }
    knownUserId = id;
    const me: Profile = { id };
    if (name !== undefined) me.name = name;
    if (avatar !== undefined) me.avatar = avatar;
    $me.set(me);
    $blocked.set(frame.blocked ?? []);
    engine.sessionStarted();
    $sync.set('syncing');
    threads.touchAll();
    publish();
    uploads.setTicket(frame.fileTicket);
    outbox.setReady(true, id);
    // Receipts sent while this device was away are not replayed: read positions are fetched again.
    members.refreshLoaded();
    for (const [conversationId, seq] of pendingReads) send({ type: 'conversation.read', conversationId, seq });
    pendingReads.clear();
  }

  function sessionEnded(): void {
    outbox.setReady(false);
    requests.rejectAll(new ChatError('TIMEOUT', 'The connection was lost.'));
    for (const [id, quick] of ephemeral) {
      ephemeral.delete(id);
      quick.reject(new ChatError('TIMEOUT', 'The connection was lost.'));
    }
    $sync.set('idle');
  }

  function onAck(frame: Extract<ServerFrame, { type: 'message.ack' }>): void {
    const quick = ephemeral.get(frame.clientMsgId);
    if (quick) {
      ephemeral.delete(frame.clientMsgId);
      quick.resolve({ ...quick.message, id: frame.id, time: frame.time, status: 'sent' });
      return;
    }
    const local = outbox.get(frame.clientMsgId);
    if (!local) return; // already settled (by a replay of the committed message, or another tab)
    const { entry } = local;
    const message = ackedMessage(entry, frame, meProfile(), findMessage);
    outbox.settle(entry.clientMsgId, toChat(message));
    uploads.release(entry.clientMsgId);
    if (frame.seq === 0) return;
    // A forward's content is written by the server: fetch it rather than guess it.
    if (entry.forward) engine.expectSeq(entry.conversationId, frame.seq, entry.clientMsgId);
    else engine.commitOwn(message);
    publish();
  }

  function unreadAbove(id: ConversationId, seq: number): number {
    const me = myId();
    let n = 0;
    for (const m of threads.get(id)?.messages ?? []) {
      if (m.seq > seq && m.sender !== me && !m.isExcludedFromUnreadCount) n++;
    }
    return n;
  }

  function addBroadcast(b: Broadcast): void {
    const list = $broadcasts.get();
    if (list.some((x) => x.id === b.id)) return;
    if (b.expiresAt !== undefined && b.expiresAt < Date.now()) return;
    // As many as the server keeps offline; older ones are of no interest to a banner.
    $broadcasts.set([b, ...list].sort((x, y) => y.time - x.time).slice(0, LIMITS.offlineBroadcastsKept));
    // The server delivers a broadcast to a device once: save it now, not after the debounce,
    // so a reload right after it arrived cannot lose it.
    persister.schedule();
    void persister.flush();
    emit('broadcast', b);
  }

  // ------------------------------------------------------------------ actions
  function newEntry(conversationId: ConversationId, opts: LocalOptions | undefined): OutboxEntry {
    const { localCustomData, ...sendOptions } = opts ?? {};
    lastCreatedAt = Math.max(Date.now(), lastCreatedAt + 1);
    const entry: OutboxEntry = { clientMsgId: createClientMsgId(), conversationId, options: sendOptions, createdAt: lastCreatedAt, state: 'pending' };
    const user = myId();
    if (user !== undefined) entry.userId = user;
    if (localCustomData !== undefined) entry.localCustomData = localCustomData;
    return entry;
  }

  /**
   * Validates the frame an entry will send. An invalid one is never transmitted: it enters the
   * outbox already rejected, so the thread shows it failed with its reason (SPEC §3).
   */
  function check(entry: OutboxEntry): void {
    const frame = { ...entry.options, type: 'message.send', clientMsgId: entry.clientMsgId, conversationId: entry.conversationId, elem: entry.elem, forward: entry.forward };
    const result = decodeClientFrame(encodeFrame(frame as ClientFrame));
    if (result.ok) return;
    entry.state = 'rejected';
    entry.error = result.error.toJSON();
  }

  /** A p2p conversation this user starts has no name until the server lists it: ask for the peer's. */
  function learnPeerName(id: ConversationId): void {
    const c = conversations.get(id);
    if (!c || c.type !== 'p2p' || c.name !== undefined || connection.$state.get() !== 'online') return;
    const peerId = parseConversationId(id).target;
    members.load(id).then(
      (list) => {
        const peer = list.find((m) => m.id === peerId);
        if (!peer) return;
        conversations.applyPeerProfile(id, peer);
        conversations.publish();
      },
      () => undefined, // offline or refused: the next session's conversation list names it
    );
  }

  async function queue(entry: OutboxEntry): Promise<ChatMessage> {
    check(entry);
    if (entry.state === 'rejected' && entry.options.onlineUserOnly) throw ChatError.from(entry.error!);
    await started;
    if (closed) throw new ChatError('CANCELLED', 'The client was closed.');
    conversations.ensure(entry.conversationId);
    conversations.publish();
    learnPeerName(entry.conversationId);
    if (entry.options.onlineUserOnly) return sendEphemeral(entry);
    return outbox.add<ChatMessage>(entry);
  }

  /** Online-only messages (typing indicators) skip the outbox: never stored, never retried. */
  function sendEphemeral(entry: OutboxEntry): Promise<ChatMessage> {
    const message = localToChat({ entry, status: 'sending' }, meProfile(), findMessage);
    return new Promise((resolve, reject) => {
      const frame = { ...entry.options, type: 'message.send', clientMsgId: entry.clientMsgId, conversationId: entry.conversationId, elem: entry.elem } as ClientFrame;
      if (!send(frame)) return reject(new ChatError('TIMEOUT', 'Not connected.'));
      ephemeral.set(entry.clientMsgId, { resolve, reject, message });
    });
  }

  const client = Object.assign(target, {
    $connection: connection.$state,
    $error: connection.$error,
    $sync,
    $me,
    $conversations: conversations.$conversations,
    $blocked,
    $broadcasts,
    messages: (id: ConversationId) => threads.messages(id),
    hasOlder: (id: ConversationId) => threads.hasOlder(id),
    ...createRenderers(target),
    $uploads: uploads.$uploads,

    async sendFile(conversationId: ConversationId, file: Blob, opts: LocalOptions & { kind?: FileKind; name?: string } = {}): Promise<ChatMessage> {
      const { kind: givenKind, name: givenName, ...rest } = opts;
      const mime = file.type.split(';')[0]!.trim().toLowerCase() || 'application/octet-stream';
      let kind = givenKind ?? fileKindOf(mime);
      // Before anything is queued or read: the user hears at once, nothing is left behind.
      if (file.size > fileLimit(kind)) throw new ChatError('FILE_TOO_LARGE', `The file is larger than ${fileLimit(kind)} bytes.`);
      const info = await probeMedia(file, kind);
      // An "image" the browser cannot decode (HEIC, a broken file) is still sent, as a file.
      if (info.decoded === false && givenKind === undefined) kind = 'file';
      const named = givenName ?? (file as Partial<File>).name;
      const entry = newEntry(conversationId, rest);
      entry.upload = { blob: file, name: named || `${kind}.${mime.split('/')[1]!.replace(/[^a-z0-9]/g, '') || 'bin'}`, mime, kind };
      if (info.width !== undefined) entry.upload.width = info.width;
      if (info.height !== undefined) entry.upload.height = info.height;
      if (info.duration !== undefined) entry.upload.duration = info.duration;
      if (info.snapshot) entry.upload.snapshot = info.snapshot;
      await started;
      if (closed) throw new ChatError('CANCELLED', 'The client was closed.');
      conversations.ensure(conversationId);
      conversations.publish();
      learnPeerName(conversationId);
      return outbox.add<ChatMessage>(entry);
    },

    cancelUpload(clientMsgId: string): void {
      uploads.cancel(clientMsgId);
    },

    fileUrl: (url: string) => uploads.fileUrl(url),

    send(conversationId: ConversationId, content: Elem | string, opts?: LocalOptions): Promise<ChatMessage> {
      const entry = newEntry(conversationId, opts);
      entry.elem = typeof content === 'string' ? { type: 'text', text: content } : content;
      return queue(entry);
    },

    async forward(targets: ConversationId[], source: Parameters<ChatClient['forward']>[1], opts?: LocalOptions) {
      const held = source.messageIds.map((id) => findMessage(source.conversationId, id));
      if (held.some((m) => m && UNFORWARDABLE_ELEM_TYPES.has(m.elem.type))) {
        return targets.map((): PromiseSettledResult<ChatMessage> => ({ status: 'rejected', reason: new ChatError('NOT_FORWARDABLE') }));
      }
      return Promise.allSettled(
        targets.map((conversationId) => {
          const entry = newEntry(conversationId, opts);
          entry.forward = structuredClone(source);
          // Name the entry left failed in the target's thread, so a caller can resend it.
          return queue(entry).catch((error: unknown) => {
            if (error instanceof ChatError && outbox.get(entry.clientMsgId)) Object.assign(error, { clientMsgId: entry.clientMsgId });
            throw error;
          });
        }),
      );
    },

    async resend(clientMsgId: string): Promise<ChatMessage> {
      await started;
      return outbox.resend<ChatMessage>(clientMsgId);
    },

    async discard(clientMsgId: string): Promise<void> {
      await started;
      await outbox.discard(clientMsgId);
      uploads.release(clientMsgId);
    },

    async loadOlder(conversationId: ConversationId, limit = 30): Promise<boolean> {
      await started;
      return engine.loadOlder(conversationId, limit);
    },

    markRead(conversationId: ConversationId): void {
      const c = conversations.get(conversationId);
      const seq = threads.get(conversationId)?.toSeq ?? c?.lastSeq ?? 0;
      if (seq <= 0) return;
      const needed = !c || seq > c.readSeq;
      conversations.applyRead(conversationId, seq, () => 0);
      members.applyRead(conversationId, myId() ?? '', seq);
      publish();
      if (!needed) return;
      if (!send({ type: 'conversation.read', conversationId, seq })) pendingReads.set(conversationId, seq);
    },

    sendTyping(conversationId: ConversationId): void {
      // Never queued nor retried: a signal that cannot go out now is worthless later.
      if (closed || connection.$state.get() !== 'online' || !typing.maySend(conversationId)) return;
      send({
        type: 'message.send', clientMsgId: createClientMsgId(), conversationId, elem: typingElem(),
        onlineUserOnly: true, isExcludedFromUnreadCount: true, isExcludedFromLastMessage: true,
      });
    },

    typing: (conversationId: ConversationId) => typing.typing(conversationId),
    members: (conversationId: ConversationId) => members.members(conversationId),
    async loadMembers(conversationId: ConversationId) {
      await started;
      return members.load(conversationId);
    },
    readers: (conversationId: ConversationId, message: ChatMessage) => members.readers(conversationId, message),

    async block(userId: string): Promise<void> {
      await requests.request({ type: 'blocklist.add', userId });
      if (!$blocked.get().includes(userId)) $blocked.set([...$blocked.get(), userId]);
    },

    async unblock(userId: string): Promise<void> {
      await requests.request({ type: 'blocklist.remove', userId });
      $blocked.set($blocked.get().filter((u) => u !== userId));
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      connection.close();
      outbox.close();
      uploads.close();
      typing.close();
      requests.rejectAll(new ChatError('CANCELLED', 'The client was closed.'));
      await started.catch(() => undefined);
      if (myId() !== undefined) await persister.flush();
      persister.cancel();
      await storage.close();
    },
  });
  return client as ChatClient;
}
