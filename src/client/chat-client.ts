/**
 * The composition root of the client: it creates the parts (connection, stores, outbox, sync
 * engine, sender, files …), wires them to each other and routes the server's frames. What each
 * part does lives in its own module; nothing here may import the protocol's index or the
 * server's error sentences (`../protocol/errors.ts`), so a page loads only what a client needs.
 * For the same reason the errors the core makes up (a lost connection, a closed client, a request
 * not answered, code that could not be loaded: see its `cause`) carry no sentence of their own:
 * the name says what happened, a page shows the elements' translated sentence for it, and Node
 * (which loads `errors.ts`) the server's.
 */
import { atom } from 'nanostores';
import { ChatError } from '../protocol/error-codes.js';
import type { ClientFrame, ServerFrame, ServerFrameOf } from '../protocol/frames.js';
import type { ConversationId } from '../protocol/ids.js';
import type { Elem } from '../protocol/elems.js';
import type { Message } from '../protocol/message.js';
import type { ReportReason } from '../protocol/reports.js';
import { createAccount, createTokens } from './account.js';
import { createMutes } from './mutes.js';
import { createBroadcastList } from './broadcasts.js';
import { createConnection } from './connection.js';
import { createConversationList } from './conversation-list.js';
import { apiBaseOf, createUploads } from './files.js';
import type { FileTickets } from './file-tickets.js';
import { ticketlessFile } from './file-url.js';
import { createDeviceId, tokenSubject } from './identity.js';
import { createMessageViews } from './local-message.js';
import { createMemberDirectory } from './members.js';
import { createOutbox } from './outbox.js';
import { createPersister } from './persister.js';
import { createRenderers } from './renderers.js';
import { createReads } from './reads.js';
import { createRequests } from './requests.js';
import { createSender, type LocalOptions } from './sender.js';
import { createChanges, shownWithPending } from './changes.js';
import { openDeviceStorage } from './storage-default.js';
import { createSyncEngine } from './sync-engine.js';
import { createThreadStore } from './thread-store.js';
import { createTypingTracker, isTypingSignal, typingFrame } from './typing.js';
import type { SearchOptions } from './search.js';
import type { ChatClient, ChatClientOptions, ChatMessage, PersistedState, SyncState } from './types.js';
import type { GroupActions } from './group-actions.js';
import type { PresenceTracker } from './presence.js';
import type { FriendActions } from './friend-actions.js';
import type { SendBlock } from './send-block.js';

/**
 * Creates the headless chat SDK: one connection, its stores and actions. Nothing is global, so
 * any number of clients can live on one page (or in one Node process).
 */
export function createChatClient(options: ChatClientOptions): ChatClient {
  if (!options.url) throw new TypeError('createChatClient: `url` is required.');
  if (options.token === undefined && options.getToken === undefined) {
    throw new TypeError('createChatClient: give `token` or `getToken`.');
  }
  const target = new EventTarget();
  const emit = <T>(type: string, detail: T) => target.dispatchEvent(new CustomEvent(type, { detail }));
  const $sync = atom<SyncState>('idle');
  let closed = false;
  let deviceId = options.deviceId ?? '';
  const tokens = createTokens(options);

  // The storage is chosen once the user is known (maybe from the token): calls wait for it.
  const { storage, chosen, cache: cached } = openDeviceStorage(options);

  // ------------------------------------------------------------------ parts
  const myId = () => account.id();
  const me = () => account.profile();
  const find = (conversationId: ConversationId, id: string) => threads.get(conversationId)?.messages.find((m) => m.id === id);

  const apiBase = options.apiUrl?.replace(/\/$/, '') ?? apiBaseOf(options.url);
  const uploads = createUploads({ apiBase, token: tokens.forRequest });
  // Per-file tickets are asked for by rendered files only (the panel): the cache's code loads with the first one.
  const $fileTickets = atom(0);
  let fileTickets: FileTickets | undefined;
  let ticketsLoading: Promise<void> | undefined;
  let apiBaseUrl: URL | undefined;
  /** URLs asked for before the cache's code arrived: asked again then, so their tickets come in one batch. */
  const askedEarly = new Set<string>();
  const fileUrl = (url: string): string => {
    // A link preview's proxied picture (`/v1/previews/images/…`): a path of the chat server, not of the page showing it.
    if (url.startsWith('/v1/previews/')) return apiBase + url;
    if (fileTickets) return fileTickets.fileUrl(url);
    askedEarly.add(url);
    ticketsLoading ??= import('./file-tickets.js').then((m) => {
      if (closed) return;
      fileTickets = m.createFileTickets({ apiBase, token: tokens.forRequest, $fileTickets });
      for (const early of askedEarly) fileTickets.fileUrl(early);
      askedEarly.clear();
    });
    // Until then one of our files has no ticket yet ('', as the cache answers); other URLs are as they are.
    return ticketlessFile(url, (apiBaseUrl ??= new URL(apiBase))) ? '' : url;
  };
  const views = createMessageViews({ myId, me, find, previewUrl: (entry) => uploads.previewUrl(entry) });
  // This user's messages in the outbox (its changes show on their targets, `pendingChanges`).
  const unsentIn = (id: ConversationId) => outbox.entries(id).filter((l) => !l.entry.change);
  const conversations = createConversationList([], (id) => {
    const newest = unsentIn(id).pop();
    return newest && views.local(newest);
  });
  const broadcasts = createBroadcastList({
    save(now) {
      persister.schedule();
      if (now) void persister.flush();
    },
    announce: (b) => emit('broadcast', b),
  });
  const threads = createThreadStore({
    toChat: views.committed,
    local: (id) => unsentIn(id).map(views.local),
    shown: (id, committed) => shownWithPending(committed, outbox.entries(id).filter((l) => l.entry.change), changes.landing(id)),
    initialShown: 50,
    hasAny: (id) => (conversations.get(id)?.lastSeq ?? 0) > 0,
  });
  const connection = createConnection({
    url: options.url,
    WebSocket: options.WebSocket,
    fixedToken: options.getToken === undefined,
    getToken: tokens.forConnect,
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
    ackTimeoutMs: options.ackTimeoutMs ?? 10_000,
    get lockName() {
      return `natter-outbox:${myId() ?? 'default'}`;
    },
    transmit: (frame) => void send(frame),
    onChange: (id) => {
      threads.touch(id);
      threads.publish();
      conversations.touch();
      // After the frame being handled, if any: an ack's commit lands in the list with its settle.
      queueMicrotask(conversations.publish);
    },
    onFailed: (local) => (local.entry.change ? emit('change-failed', { conversationId: local.entry.conversationId, changeId: local.entry.clientMsgId, ...local.entry.change, ...(local.error && { error: local.error }) }) : emit('send-failed', views.local(local))),
    upload: (entry) => sender.upload(entry),
  });
  const engine = createSyncEngine({
    threads, conversations, requests, myId, pageSize: 50,
    settleOwn: (m) => outbox.settle(m.clientMsgId, m.elem.type === 'change' ? { changeId: m.clientMsgId, seq: m.seq } : views.committed(m)) !== undefined,
    onMessage: (m) => onCommitted(m),
    onEdit: (m) => typing.clear(m.conversationId, m.sender),
    onAsyncChange: () => publish(),
  });
  const persister = createPersister(storage, snapshot, 500);
  // Drafts are written in the panel and shown in its list: their code is fetched at start, after the first paint.
  const drafts = Promise.all([import('./drafts.js'), chosen]).then(([m, s]) => m.openDrafts(s));
  drafts.catch(() => undefined);
  const account = createAccount(requests);
  const mutes = createMutes(requests);
  // This user's mutes (SPEC §11), whole, as `sanctions.updated` says after each session opens and on
  // every change; reading them (`sendBlockIn`) is the panel's. Kept to an atom: the first paint carries it.
  const $sanctions = atom<readonly SendBlock[]>([]);
  account.assume(tokenSubject(options.token)); // a fixed token names the user at once
  const members = createMemberDirectory(requests);
  const typing = createTypingTracker();
  const reads = createReads({ conversations, threads, members, send, myId, publish: () => publish() });

  // ------------------------------------------------------------------ startup
  const started = (async () => {
    const cache = await cached;
    tokens.prefetched(cache.token);
    account.assume(cache.userId);
    if (cache.state) {
      for (const c of cache.state.conversations) conversations.upsert(c);
      threads.restore(cache.state.threads);
      broadcasts.restore(cache.state.broadcasts ?? []);
    }
    deviceId ||= cache.deviceId || createDeviceId();
    await outbox.restore();
    publish();
    if (!closed) connection.start();
  })();
  started.catch((error: unknown) => console.warn('[natter] client start failed:', error));

  const online = () => connection.$state.get() === 'online';
  const changes = createChanges({ outbox, started, myId, requests });
  const sender = createSender({ outbox, uploads, conversations, members, send, online, started, closed: () => closed, myId, me, find, committed: views.committed });

  /** A message from someone else (or seq 0 online-only): it ends their typing, may change membership. */
  function onCommitted(m: Message): void {
    typing.clear(m.conversationId, m.sender);
    const e = m.elem;
    if (e.type === 'system') {
      // member-… and owner-changed: the member list changed.
      if (/^[mo]/.test(e.event)) members.refresh(m.conversationId);
      const c = conversations.get(m.conversationId);
      // This user left or was removed, or the group was dismissed: left from this notification on
      // (its thread stays readable), not from the `conversation.removed` behind it: a read of the
      // notification in between went to the server, which refused it (NOT_MEMBER).
      if (c && /^(member-[lr]|group-di)/.test(e.event) && (e.targets ?? [myId()]).includes(myId())) conversations.leave(c);
      // A group's name and picture follow its notifications (SPEC §13).
      if (c && /^group-(ren|av)/.test(e.event)) conversations.upsert({ ...c, name: e.groupName ?? c.name, avatar: e.event === 'group-avatar' ? e.groupAvatar : c.avatar });
    }
    emit('message', views.committed(m));
  }

  function snapshot(): PersistedState {
    const state: PersistedState = { userId: myId() ?? '', deviceId, conversations: conversations.all(), threads: threads.snapshot(options.cacheLimit ?? 200) };
    // The server sends a broadcast to a device once: kept here, it survives a reload.
    if (broadcasts.$broadcasts.get().length > 0) state.broadcasts = broadcasts.$broadcasts.get();
    return state;
  }

  function publish(): void {
    threads.publish();
    conversations.publish();
    persister.schedule();
  }

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
      return publish();
    }
    switch (frame.type) {
      case 'session.ready':
        return sessionReady(frame);
      case 'message.ack':
        return onAck(frame);
      case 'message.error':
        return sender.refused(frame);
      case 'change.ack':
        return changes.acked(frame);
      case 'change.error':
        return changes.refused(frame);
      case 'conversation.read':
      case 'receipt.read':
        reads.apply(frame);
        break;
      case 'conversation.updated':
        conversations.upsert(frame.conversation);
        threads.touch(frame.conversation.id);
        break;
      case 'conversation.removed': {
        // A group one was removed from (or left, or that was dismissed) stays readable, marked left.
        const c = conversations.get(frame.conversationId);
        if (c?.type === 'group') conversations.leave(c);
        else conversations.remove(frame.conversationId), threads.delete(frame.conversationId);
        break;
      }
      case 'broadcast.new':
        return broadcasts.add(frame.broadcast);
      case 'broadcast.removed':
        return broadcasts.remove(frame.id);
      case 'blocklist.updated':
        return account.setBlocked(frame.append ? [...account.$blocked.get(), ...frame.blocked] : frame.blocked);
      case 'mutes.updated':
        return mutes.apply(frame);
      case 'presence.updated':
        // An answer to a watch, else a change: for the presence tracker (`./presence.ts`), when loaded.
        if (!requests.resolve(frame)) emit('presence', frame);
        return;
      // Kept only once the friend actions are loaded (the contacts view): until then nobody shows them.
      case 'friends.updated':
        return void friends?.then((f) => f.apply(frame));
      case 'sanctions.updated':
        return $sanctions.set(frame.mutes as SendBlock[]);
      case 'ok':
      case 'members':
      case 'history.page':
      case 'reactions':
      case 'pins':
      case 'search.results':
      case 'group.info':
      case 'friends':
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

  function sessionReady(frame: ServerFrameOf<'session.ready'>): void {
    if (account.ready(frame)) {
      // The cache belonged to someone else (shared storage, token without `sub`): drop it.
      for (const c of conversations.all()) conversations.remove(c.id);
      for (const t of threads.ids()) threads.delete(t);
    }
    engine.sessionStarted();
    mutes.reset();
    $sanctions.set([]);
    $sync.set('syncing');
    threads.touchAll();
    publish();
    outbox.setReady(true, frame.user.id);
    sender.prefetch();
    changes.prefetch();
    // Receipts sent while this device was away are not replayed: read positions are fetched again.
    members.refreshLoaded();
    reads.sessionReady();
    // Friend changes made while this device was away are not replayed: the lists are read again.
    friends?.then((f) => f.load()).catch(() => undefined);
  }

  function sessionEnded(): void {
    outbox.setReady(false);
    requests.rejectAll(new ChatError('TIMEOUT'));
    sender.sessionEnded();
    $sync.set('idle');
  }

  function onAck(frame: ServerFrameOf<'message.ack'>): void {
    const own = sender.acked(frame);
    if (!own || frame.seq === 0) return;
    // A forward's content is written by the server, a rewritten one changed by it: fetch it rather than guess it.
    if (own.entry.forward || frame.rewritten) engine.expectSeq(own.entry.conversationId, frame.seq, own.entry.clientMsgId);
    else engine.commitOwn(own.message);
    // The forwarder has seen the conversation they wrote in, as a send from its thread marks it (the thread need not show).
    if (own.entry.forward) reads.markRead(own.entry.conversationId);
    publish();
  }

  // ------------------------------------------------------------------ the API
  /** An action that waits until the device storage is read (what it acts on is loaded by then). */
  const afterStart =
    <A extends unknown[], R>(action: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await started;
      return action(...args);
    };
  // Groups are managed from the panel only: their code is fetched the first time.
  let groups: Promise<GroupActions> | undefined;
  // Presence shows in the panel only: its code is fetched the first time.
  let presence: Promise<PresenceTracker> | undefined;
  let friends: Promise<FriendActions> | undefined;
  // Presence asks for them too: it watches the friends (once something loads their list).
  const friendActions = () => (friends ??= import('./friend-actions.js').then((m) => m.createFriendActions(requests)));
  const client = Object.assign(target, {
    $connection: connection.$state,
    $error: connection.$error,
    $invalidFrames: connection.$invalidFrames,
    $sync,
    $me: account.$me,
    $conversations: conversations.$conversations,
    $blocked: account.$blocked,
    $broadcasts: broadcasts.$broadcasts,
    drafts,
    messages: threads.messages,
    hasOlder: threads.hasOlder,
    ...createRenderers(target),
    $uploads: uploads.$uploads,
    $fileTickets,
    send: sender.send,
    sendFile: sender.sendFile,
    forward: sender.forward,
    reply: (conversationId: ConversationId, messageId: string, content: Elem | string, options?: LocalOptions) => sender.send(conversationId, content, { ...options, replyTo: messageId }),
    react: changes.react,
    edit: changes.edit,
    recall: changes.recall,
    deleteForMe: changes.deleteForMe,
    pin: changes.pin,
    reactions: changes.reactions,
    pins: changes.pins,
    // Asked for from the thread's report dialog only: its code is fetched the first time.
    report: async (conversationId: ConversationId, messageId: string, reason: ReportReason, note?: string) =>
      (await import('./report.js')).sendReport(requests, conversationId, messageId, reason, note),
    resend: afterStart((clientMsgId: string) => outbox.resend<ChatMessage>(clientMsgId)),
    discard: afterStart(async (clientMsgId: string) => {
      await outbox.discard(clientMsgId);
      uploads.release(clientMsgId);
    }),
    cancelUpload: (clientMsgId: string) => void uploads.cancel(clientMsgId),
    fileUrl,
    // Older pages are asked for from the open panel only: their code is fetched the first time.
    loadOlder: afterStart((conversationId: ConversationId, limit = 30) =>
      import('./load-older.js').then((m) => m.loadOlder({ threads, requests, onAsyncChange: () => publish() }, conversationId, limit)),
    ),
    // A jump to a message not loaded yet is rare: its code is fetched the first time (`import()`).
    loadAround: afterStart((conversationId: ConversationId, messageId: string) =>
      import('./load-around.js').then((m) => m.loadAround({ threads, requests, publish: () => publish() }, conversationId, messageId)),
    ),
    // Asked for by the search field only: its code is fetched the first time.
    search: afterStart((query: string, searchOptions?: SearchOptions) =>
      import('./search.js').then((m) => m.openSearch({ requests, online, threads }, query, searchOptions)),
    ),
    markRead: reads.markRead,
    linkPreview: (url: string) => import('./link-preview.js').then((m) => m.fetchLinkPreview(apiBase, () => tokens.forRequest(false), url)),
    sendTyping(conversationId: ConversationId): void {
      // Never queued nor retried: a signal that cannot go out now is worthless later.
      if (closed || !online() || !typing.maySend(conversationId)) return;
      send(typingFrame(conversationId));
    },
    typing: typing.typing,
    members: members.members,
    loadMembers: afterStart(members.load),
    readers: members.readers,
    block: account.block,
    unblock: account.unblock,
    $mutes: mutes.$mutes,
    isMuted: mutes.isMuted,
    mute: mutes.mute,
    unmute: mutes.unmute,
    setDoNotDisturb: mutes.setDoNotDisturb,
    $sanctions,
    webPush: () => import('./push-actions.js').then((m) => m.createWebPush({ apiBase, token: tokens.forRequest, deviceId: () => deviceId })),
    groups: afterStart(() => (groups ??= import('./group-actions.js').then((m) => m.createGroupActions(requests)))),
    presence: afterStart(() => (presence ??= import('./presence.js').then((m) =>
      m.createPresence({ requests, events: target, $conversations: conversations.$conversations, synced: () => $sync.get() === 'synced', $connection: connection.$state, friends: friendActions })))),
    friends: afterStart(friendActions),

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      connection.close();
      outbox.close();
      uploads.close();
      fileTickets?.close();
      typing.close();
      requests.rejectAll(new ChatError('CANCELLED'));
      await started.catch(() => undefined);
      if (myId() !== undefined) await persister.flush();
      persister.cancel();
      await drafts.then((d) => d.flush(), () => undefined);
      await storage.close();
    },
  } satisfies Partial<ChatClient>);
  return client as ChatClient;
}
