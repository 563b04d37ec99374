import { sameJson } from './same-json.js';
import {
  ChatError,
  CLOSE_TOKEN_EXPIRED,
  LIMITS,
  PROTOCOL_VERSION,
  type ClientFrame,
  type BlocklistChangeFrame,
  type ClientFrameOf,
  type ErrorBody,
  type TextElem,
  type Message,
  type ServerFrame,
} from '../../protocol/index.js';
import { GROUP_LIMITS } from '../../protocol/group-frames.js';
import { authenticate, type TokenPolicy } from './auth.js';
import type { Bus, BusEvent } from './bus.js';
import { membersOf, sanctionsSubject, type ChangedFacts } from './facts.js';
import { CommitBatcher } from './commit-batcher.js';
import { OrderedPublisher } from './ordered-publisher.js';
import { RecentIds } from './recent-ids.js';
import { ConnectionRegistry, type Connection } from './connection.js';
import { keyOf, parseKey } from './conversation-key.js';
import { blocklistParts } from './blocklist-frames.js';
import { answerTo } from './refusal.js';
import { Broadcasts, type BroadcastLimits } from './broadcasts.js';
import { ackText } from './ack-frame.js';
import { deliverLocally } from './delivery.js';
import { DEFAULT_FRAME_BUDGETS, FrameBudget, rateLimitedFrame, type FrameBudgets } from './frame-rates.js';
import { AskerGone, fetchHistory } from './history.js';
import { fetchMembersPage } from './members.js';
import { MemberLookups } from './member-lookups.js';
import { mutesFrame, setMute } from './mutes.js';
import { createOfflineNotifier, editMentionRecipients, type EditMention, type OfflineMessageHandler } from './offline-push.js';
import type { Presence } from './presence.js';
import { silentLogger, type Logger } from './logger.js';
import { noMetrics, type CoreMetrics } from './metrics.js';
import type { RateLimiter } from './rate-limiter.js';
import type { SendRequest } from './send-message.js';
import { startSend, type CommitInstead, type SendEnd, type SendHost, type SendOptions, type SendOutcome } from './send-pipeline.js';
import type { Store } from './store.js';
import { hookCheck } from './committed-retry.js';
import { replaySession } from './sync.js';
import { sessionCursors } from './session-cursors.js';
import { OpenTurns } from './open-turns.js';
import { searchAs } from './search.js';
import { knownFailure } from './store-busy.js';
import type { Clock, CommitOutcome, MessageDraft } from './types.js';
import type { HookDraft } from '../webhooks/before-send.js';
import type { FileReferences } from '../uploads/file-access.js';
import { ChangeService } from '../changes/change-service.js';
import type { LinkPreviews } from '../previews/link-previews.js';
import type { ChangePolicy } from '../changes/policy.js';
import { Moderation } from '../moderation/moderation.js';
import { Reports } from '../moderation/reports.js';
import { WordList, type WordListOptions } from '../moderation/word-list.js';
import type { WebhookHooks } from '../webhooks/types.js';
import { GroupService, type GroupCreatePolicy } from '../groups/group-service.js';
import { PresenceService } from '../presence/presence-service.js';
import { FriendService } from '../friends/friend-service.js';

export interface ChatCoreDeps {
  store: Store;
  bus: Bus;
  rateLimiter: RateLimiter;
  clock: Clock;
  /** HS256 key of user tokens (and of link previews' signatures). */
  secret: Uint8Array;
  /** Link previews (made by the Node server, `createChatServer`); without them `POST /v1/previews` answers NOT_FOUND and previews on sends are refused. */
  linkPreviews?: LinkPreviews;
  /** Lifetime, audience and issuer user tokens must have. Default: at most 7 days, any aud/iss. */
  tokenPolicy?: TokenPolicy;
  friendsOnly: boolean;
  blockedSenderSeesError: boolean;
  replayLimit: number;
  /** Open sessions per user on this node; more are refused with TOO_MANY_CONNECTIONS. Unlimited if absent. */
  maxConnectionsPerUser?: number;
  /** Frames per user and window by class (frame-rates.ts); DEFAULT_FRAME_BUDGETS for those left out. */
  frameBudgets?: Partial<FrameBudgets>;
  /** The window of `frameBudgets` (and of the send limiter). Default 60000. */
  rateWindowMs?: number;
  /** The send limiter's budget per window: sends are checked on this node against it before the limiter. */
  sendsPerWindow?: number;
  logger?: Logger;
  metrics?: CoreMetrics;
  /** Broadcasts per minute and per day for the whole app. Default LIMITS.broadcastsPerMinute / PerDay. */
  broadcastLimits?: BroadcastLimits;
  /** Cluster-wide presence: sessions are reported to it; `onOfflineMessage` asks it. */
  presence?: Presence;
  /**
   * Online / last seen for clients (SPEC §13, needs `presence`): at most one update frame per
   * connection per `intervalMs`, every watched user looked at again each `sweepMs`. Absent:
   * `presence.watch` and `presence.set` are refused PRESENCE_DISABLED.
   */
  presenceUpdates?: { intervalMs: number; sweepMs: number };
  /** Called once per committed message with its recipients who are offline everywhere (needs `presence`). */
  onOfflineMessage?: OfflineMessageHandler;
  /** Checks and records the uploaded files a message references (FILE_FORBIDDEN); none when absent. */
  files?: FileReferences;
  /** Edit and recall windows, reaction and pin limits (SPEC §9); defaults in changes/policy.ts. */
  changes?: Partial<ChangePolicy>;
  /** Webhook endpoints whose events commits queue (SPEC §11); none when absent. */
  webhooks?: WebhookHooks;
  /** Adding a friend asks them first (SPEC §13, `NATTER_FRIEND_REQUESTS=on`). Default false: adding is direct. */
  friendRequests?: boolean;
  /** Friend requests one user may have pending, sent and received each. Default FRIEND_LIMITS.pending (100). */
  maxPendingFriendRequests?: number;
  /** Who may create groups from the widget (SPEC §13). Default `everyone`. */
  groupCreate?: GroupCreatePolicy;
  /** Most members a group may have (SPEC §13). Default GROUP_LIMITS.members. */
  groupMemberLimit?: number;
  /** The word list's configured entries and default mode (SPEC §11); the stored entries come from the store. */
  wordList?: WordListOptions;
  /** The site's before-send hook (SPEC §11): checks, and may rewrite, each user send and edit before its commit. */
  beforeSend?: { check(draft: HookDraft, now: number, edit?: string): Promise<void> };
  /** Message reports per user and hour (SPEC §11). Default DEFAULT_REPORTS_PER_HOUR. */
  reportsPerHour?: number;
}

export type { SendOptions, SendOutcome } from './send-pipeline.js';

/**
 * The chat logic of one server node: sessions, sends, reads, history and fan-out. It talks to
 * storage and other nodes only through `Store` and `Bus`, and to clients only through
 * `Connection`, so it holds no socket and no SQL.
 */
export class ChatCore {
  readonly store: Store;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly secret: Uint8Array;
  readonly tokenPolicy: TokenPolicy | undefined;
  readonly registry = new ConnectionRegistry();
  readonly broadcasts: Broadcasts;
  readonly changes: ChangeService;
  readonly groups: GroupService;
  readonly friends: FriendService;
  /** Bans and mutes (SPEC §11). */
  readonly moderation: Moderation;
  /** Online / last seen for clients (SPEC §13); undefined when the site turned presence off. */
  readonly presence: PresenceService | undefined;
  /** Message reports (SPEC §11). */
  readonly reports: Reports;
  /** The word list (SPEC §11), checked on each user text before the before-send hook. */
  readonly wordList: WordList;
  /** Fetches, caches and signs link previews; checks those that sends carry. Undefined when turned off. */
  readonly linkPreviews: LinkPreviews | undefined;
  readonly #deps: ChatCoreDeps;
  readonly #log: Logger;
  readonly #batcher: CommitBatcher;
  readonly #metrics: CoreMetrics;
  #unsubscribe?: () => Promise<void>;
  #offGap?: () => void;
  /** Ids of the messages this node published lately, so a resend here is not published twice. */
  readonly #published = new RecentIds(10_000);
  /** Group member lists for fan-out: one read per group per batch, resolved in the order asked. */
  readonly #members: MemberLookups;
  /** Stored events (messages, changes) go to the bus in commit order per conversation. */
  readonly #ordered: OrderedPublisher;
  /** Connections closed before their session open finished: never registered. */
  readonly #gone = new WeakSet<Connection>();
  /** Session opens' steps take turns with the node's other sockets (open-turns.ts). */
  readonly #openTurns = new OpenTurns();
  /** The timer that ends each open session when its token expires (one per connection, cleared on close). */
  readonly #expiry = new Map<Connection, ReturnType<typeof setTimeout>>();
  readonly #notifyOffline?: ReturnType<typeof createOfflineNotifier>;
  readonly #budget: FrameBudget;
  /** What a send needs of this node (send-pipeline.ts). */
  readonly #sendHost: SendHost;

  constructor(deps: ChatCoreDeps) {
    this.#deps = deps;
    this.store = deps.store;
    this.bus = deps.bus;
    this.clock = deps.clock;
    this.secret = deps.secret;
    this.linkPreviews = deps.linkPreviews;
    this.tokenPolicy = deps.tokenPolicy;
    this.#log = deps.logger ?? silentLogger;
    this.#batcher = new CommitBatcher(deps.store);
    this.#members = new MemberLookups(deps.store);
    this.#ordered = new OrderedPublisher(deps.bus, deps.store.answersInCommitOrder === true);
    this.broadcasts = new Broadcasts({
      store: deps.store, clock: deps.clock, registry: this.registry, logger: this.#log,
      publish: (event) => this.publish(event),
      limits: deps.broadcastLimits ?? { perMinute: LIMITS.broadcastsPerMinute, perDay: LIMITS.broadcastsPerDay },
      ...(deps.webhooks && { webhooks: deps.webhooks }),
    });
    this.changes = new ChangeService({
      store: deps.store, clock: deps.clock, rateLimiter: deps.rateLimiter, logger: this.#log, ...(deps.changes && { policy: deps.changes }),
      ...(deps.webhooks && { webhooks: deps.webhooks }),
      publish: async (draft, event, origin) => void (await this.#ordered.publish(draft.key, event.seq, this.#messageEvent(draft, event, origin))),
      mentioned: (key, edited, mention) => this.#notifyEditMention(key, edited, mention),
      notify: (users, frame) => this.notify(users, frame),
      previewSigned: (preview, text) => this.linkPreviews?.verify(preview, text) === true,
      screenEdit: async (actor, key, messageId, edit, changeId, storable) => {
        await this.moderation.checkSend(actor, key);
        const text = await this.wordList.filter(edit.text);
        const screened = text === edit.text ? edit : { ...edit, text };
        if (!deps.beforeSend) return screened;
        // The site sees every new text a user publishes: an edit's, as its message (SPEC §11).
        const elem: TextElem = { type: 'text', text, ...(screened.preview && { preview: screened.preview }) };
        const draft: HookDraft & { message: { id: string; sender: string } } = { key, message: { id: messageId, sender: actor, elem } };
        await hookCheck(deps.beforeSend, deps.store, draft, deps.clock(), { sender: actor, clientMsgId: changeId }, messageId, storable);
        const after = draft.message.elem as TextElem; // an edit's rewrite is a text (BeforeSendHook)
        if (after === elem) return screened;
        // Rewritten: the site's text, with the preview it gave (none: the old one was for the old text).
        const { preview: _old, ...rest } = screened;
        return { ...rest, text: after.text, ...(after.preview && { preview: after.preview }) };
      },
    });
    this.groups = new GroupService(this, { create: deps.groupCreate ?? 'everyone', friendsOnly: deps.friendsOnly, memberLimit: deps.groupMemberLimit ?? GROUP_LIMITS.members });
    this.friends = new FriendService(this, {
      requests: deps.friendRequests ?? false, blockedSenderSeesError: deps.blockedSenderSeesError,
      ...(deps.maxPendingFriendRequests !== undefined && { maxPending: deps.maxPendingFriendRequests }),
    });
    this.moderation = new Moderation({ store: deps.store, clock: deps.clock, publish: (event) => this.publish(event) });
    this.reports = new Reports({
      store: deps.store, clock: deps.clock, ...(deps.reportsPerHour !== undefined && { perHour: deps.reportsPerHour }), ...(deps.webhooks && { webhooks: deps.webhooks }),
    });
    this.wordList = new WordList({ store: deps.store, clock: deps.clock, publish: (event) => this.publish(event), ...(deps.wordList && { options: deps.wordList }) });
    this.#metrics = deps.metrics ?? noMetrics;
    this.#budget = new FrameBudget({
      budgets: { ...DEFAULT_FRAME_BUDGETS, ...deps.frameBudgets }, windowMs: deps.rateWindowMs ?? 60_000, shared: deps.rateLimiter,
      ...(deps.sendsPerWindow !== undefined && { sendsPerWindow: deps.sendsPerWindow }),
    });
    this.presence = deps.presence && deps.presenceUpdates
      ? new PresenceService({ store: deps.store, presence: deps.presence, registry: this.registry, publish: (e) => this.publish(e), logger: this.#log, ...deps.presenceUpdates })
      : undefined;
    if (deps.presence && deps.onOfflineMessage) this.#notifyOffline = createOfflineNotifier(deps.presence, deps.onOfflineMessage, this.#log);
    // A refused retry of a committed send is answered as its duplicate (committed-retry.ts).
    const beforeSend = deps.beforeSend;
    this.#sendHost = {
      store: deps.store, clock: deps.clock, batcher: this.#batcher, ordered: this.#ordered, metrics: this.#metrics, log: this.#log,
      rateLimiter: deps.rateLimiter,
      policies: {
        user: { friendsOnly: deps.friendsOnly, blockedSenderSeesError: deps.blockedSenderSeesError, admin: false },
        admin: { friendsOnly: deps.friendsOnly, blockedSenderSeesError: deps.blockedSenderSeesError, admin: true },
      },
      linkPreviews: deps.linkPreviews, beforeSend: beforeSend && { check: (draft, now) => hookCheck(beforeSend, deps.store, draft, now, draft.message) }, files: deps.files, webhooks: deps.webhooks,
      published: this.#published,
      checkMuted: (sender, key) => this.moderation.checkSend(sender, key),
      screen: (elem) => this.wordList.screen(elem),
      messageEvent: (draft, message, origin, json) => this.#messageEvent(draft, message, origin, json),
      storedDraft: (draft, message) => this.#storedDraft(draft, message),
      fanOut: (draft, message, origin) => this.#fanOut(draft, message, origin),
      notifyOffline: this.#notifyOffline,
    };
  }

  async start(): Promise<void> {
    this.#unsubscribe = await this.bus.subscribe((event) =>
      event.kind === 'broadcast' ? this.broadcasts.deliverLocally(event)
        : event.kind === 'presence' ? this.presence?.onEvent(event)
        : event.kind === 'wordlist' ? this.wordList.invalidate()
        : event.kind === 'facts' ? this.#factsChanged(event.changed)
        : deliverLocally(event, this.registry),
    );
    const facts = this.store.facts;
    // The store holds what sends check between turns only while the bus brings word of other
    // nodes' changes: from now (the subscription is live) until it is cut.
    const announce = (changed: ChangedFacts) => this.publish({ kind: 'facts', changed });
    facts?.connect(announce);
    const offCut = this.bus.onCut?.(() => facts?.suspend());
    const offGap = this.bus.onGap?.(() => {
      this.wordList.invalidate(); // a change may be among what the bus dropped
      this.#factsChanged('all');
      facts?.connect(announce);
      this.#resync();
    });
    this.#offGap = () => {
      offCut?.();
      offGap?.();
    };
  }

  /** Another node (or this one) changed facts a send checks: forget what this node holds of them. */
  #factsChanged(changed: ChangedFacts): void {
    this.store.facts?.invalidate(changed);
    for (const key of changed === 'all' ? [] : changed) {
      const user = sanctionsSubject(key);
      if (user !== undefined) this.moderation.forget(user);
      const group = membersOf(key);
      if (group !== undefined) this.#members.forget(group);
    }
    if (changed === 'all') this.moderation.forget();
  }

  /**
   * The bus lost events meant for this node's clients (its subscription was cut). Closing their
   * sockets with 1012 (service restart) makes each client reconnect, to any node, and resume
   * from its cursors, so the replay covers exactly what the bus dropped. Called only once the
   * subscription is live again, so nothing published after the replay is read can be missed.
   */
  #resync(): void {
    const conns = [...this.registry.all()];
    this.#metrics.busError('gap');
    this.#metrics.resynced(conns.length);
    this.#log.warn({ connections: conns.length }, 'bus lost events: closing sessions so clients resync');
    for (const conn of conns) conn.close(1012, 'RESYNC');
  }

  /** Waits for pending commits, then stops listening to the bus. */
  async stop(): Promise<void> {
    await this.#batcher.drain();
    this.presence?.stop();
    this.#offGap?.();
    await this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  disconnect(conn: Connection): void {
    this.#gone.add(conn);
    const expiry = this.#expiry.get(conn);
    if (expiry !== undefined) {
      clearTimeout(expiry);
      this.#expiry.delete(conn);
    }
    if (!conn.session) return;
    const { userId } = conn.session;
    this.registry.remove(userId, conn);
    this.presence?.disconnect(conn);
    if (!this.registry.isOnline(userId)) {
      this.#deps.presence?.offline(userId)
        .then(() => this.presence?.changed(userId))
        .catch((err: unknown) => this.#log.error({ err }, 'presence: offline failed'));
    }
  }

  /** Publishes to every node; a bus failure is logged, never reported as a failed send. */
  async publish(event: BusEvent): Promise<void> {
    try {
      await this.bus.publish(event);
    } catch (err) {
      this.#metrics.busError('publish');
      this.#log.error({ err, kind: event.kind }, 'bus publish failed');
    }
  }

  /** Sends `frame` to every device of `users` on every node. */
  notify(users: string[], frame: ServerFrame, except?: string): Promise<void> {
    return this.publish(except === undefined ? { kind: 'frame', users, frame } : { kind: 'frame', users, frame, except });
  }

  /** Handles one validated client frame. Errors are answered on the connection, never thrown. */
  handleFrame(conn: Connection, frame: ClientFrame): Promise<void> {
    return new Promise((resolve, reject) => this.takeFrame(conn, frame, { done: resolve, failed: (_frame, err) => reject(err) }));
  }

  /**
   * As `handleFrame`, telling `settle` (one object a connection) instead of settling a promise: the
   * gateway's way. A promise a frame, its resolvers, the gateway's reaction and its closure were
   * garbage for every send (0.45 against 0.13 µs a frame, timed alone; issue 23).
   */
  takeFrame(conn: Connection, frame: ClientFrame, settle: FrameSettle): void {
    // The frame read by the thousand, from an open session within its budget, goes straight to its
    // send: no async step of its own around it, whose state was held until the commit.
    if (frame.type === 'message.send' && conn.session && !conn.opening) {
      const verdict = this.#budget.admit(conn.session.userId, frame, this.clock());
      if (verdict === undefined) return this.#send(conn, frame, settle);
      return settleWith(this.#handle(conn, frame, verdict), frame, settle);
    }
    settleWith(this.#handle(conn, frame, NOT_COUNTED), frame, settle);
  }

  async #handle(conn: Connection, frame: ClientFrame, counted: ReturnType<FrameBudget['admit']> | typeof NOT_COUNTED): Promise<void> {
    try {
      if (frame.type === 'session.open') return await this.#open(conn, frame);
      if (conn.opening) await conn.opening.catch(() => undefined);
      if (!conn.session) throw new ChatError('UNAUTHENTICATED');
      // Past its budget a frame is refused before doing any work; the connection stays up.
      const verdict = counted !== NOT_COUNTED ? counted : this.#budget.admit(conn.session.userId, frame, this.clock());
      const wait = verdict instanceof Promise ? await verdict : verdict;
      if (wait !== undefined) {
        if (frame.type === 'message.send') this.#metrics.refused('RATE_LIMITED');
        conn.send(rateLimitedFrame(frame, wait));
        // Answered now; held open so a socket that keeps flooding is read slowly (frame-rates.ts).
        return await this.#budget.hold(conn);
      }
      switch (frame.type) {
        case 'message.send': return await new Promise<void>((resolve, reject) => this.#send(conn, frame, { done: resolve, failed: (_frame, err) => reject(err) }));
        case 'conversation.read': return await this.#read(conn, frame);
        case 'history.fetch': return await this.#history(conn, frame);
        case 'blocklist.add':
        case 'blocklist.remove': return await this.#blocklist(conn, frame);
        case 'members.fetch': return send(conn, { type: 'members', reqId: frame.reqId, ...(await fetchMembersPage(this.store, conn.session.userId, frame.conversationId, frame.after, (g) => this.moderation.groupMutes(g))) });
        case 'change.send': return await this.changes.handleSend(conn, frame);
        case 'reactions.fetch': return send(conn, await this.changes.reactions(conn.session.userId, frame));
        case 'pins.fetch': return send(conn, await this.changes.pins(conn.session.userId, frame));
        case 'search.fetch': return send(conn, { type: 'search.results', reqId: frame.reqId, ...(await searchAs(this.store, conn.session.userId, frame)) });
        case 'mute.set': return await this.#mute(conn, frame);
        case 'message.report': return await this.reports.handleFrame(conn, frame);
        case 'group.create':
        case 'group.change':
        case 'group.fetch': return await this.groups.handleFrame(conn, frame);
        case 'presence.watch': return await this.#presenceOn().watch(conn, frame);
        case 'presence.set': return await this.#presenceOn().setVisible(conn, frame, (users, f) => this.notify(users, f));
        case 'friends.list':
        case 'friend.add':
        case 'friend.remove':
        case 'friend.accept':
        case 'friend.decline':
        case 'friend.cancel': return await this.friends.handleFrame(conn, frame);
        case 'ping': return send(conn, { type: 'pong', serverTime: this.clock(), ...(frame.reqId !== undefined && { reqId: frame.reqId }) });
      }
    } catch (err) {
      this.#refuseFrame(conn, frame, err);
    }
  }

  /**
   * Checks, commits and fans out one message. `onCommitted` runs once the message is committed
   * and published on the bus (the gateway acks there), so an ack implies both. A publish that
   * fails after the commit is refused with UNAVAILABLE; the resend (a duplicate) publishes it.
   * `sendChain` keeps one connection's sends in order: each one's checks run as it comes, and it is
   * handed to its commit (or, online-only, delivered) after the sends before it. With `commit`, the
   * draft is committed by it instead of the batch (a group's notice, Store.commitGroupNotice):
   * undefined, nothing sent, when it committed nothing.
   */
  sendMessage(req: SendRequest, opts: SendOptions & { commit: CommitInstead }): Promise<SendOutcome | undefined>;
  sendMessage(req: SendRequest, opts: SendOptions): Promise<SendOutcome>;
  sendMessage(req: SendRequest, opts: SendOptions & { commit?: CommitInstead }): Promise<SendOutcome | undefined> {
    return new Promise((resolve, reject) => startSend(this.#sendHost, req, opts, { sent: resolve, refused: reject }));
  }

  /** A committed message's draft with its stored visibility (a resend's checks may differ now). */
  async #storedDraft(draft: MessageDraft, message: Message): Promise<MessageDraft> {
    const found = await this.store.findMessage(draft.key, message.id);
    const stored: MessageDraft = { key: draft.key, type: draft.type, message };
    if (found?.visibleTo) stored.visibleTo = found.visibleTo;
    return stored;
  }

  async #fanOut(draft: MessageDraft, message: Message, origin: string | undefined): Promise<void> {
    await this.publish(await this.#messageEvent(draft, message, origin));
  }

  /** The bus event of a message or change; a promise only while an ordinary group message's members are read. */
  #messageEvent(draft: MessageDraft, message: Message, origin: string | undefined, json?: string): BusEvent | Promise<BusEvent> {
    const parsed = parseKey(draft.key);
    const event = (recipients: string[]): BusEvent => {
      const e: BusEvent = { kind: 'message', key: draft.key, message, recipients };
      if (origin !== undefined) e.origin = origin;
      if (json !== undefined) e.json = json;
      return e;
    };
    if (draft.visibleTo) return event(parsed.type === 'group' ? [...new Set(draft.visibleTo)] : draft.visibleTo);
    if (parsed.type === 'p2p') return event(parsed.users);
    const members = this.#members.of(parsed.groupId);
    return members instanceof Promise ? members.then(event) : event(members);
  }

  /** An edit @mentioned people anew: those offline hear of it like of a new mentioning message. */
  #notifyEditMention(key: string, edited: Message, mention: EditMention): void {
    const notify = this.#notifyOffline;
    if (!notify) return;
    const parsed = parseKey(key);
    void Promise.resolve(parsed.type === 'p2p' ? parsed.users : this.#members.of(parsed.groupId))
      .then((members) => {
        const recipients = editMentionRecipients(members, edited.sender, mention);
        if (recipients.length > 0) notify({ kind: 'message', key, message: edited, recipients });
      })
      .catch((err: unknown) => this.#log.error({ err, messageId: edited.id }, 'edit mention lookup failed'));
  }

  /** Drops the member list read this turn (membership just changed). */
  forgetMembers(groupId: string): void {
    this.#members.forget(groupId);
  }

  /**
   * Authenticates and replays. A refused open (bad token, other protocol) is answered with an
   * `error` frame and leaves the socket open, so the client can retry with a fresh token
   * instead of reconnecting; the gateway closes sockets that never authenticate.
   */
  async #open(conn: Connection, frame: ClientFrameOf<'session.open'>): Promise<void> {
    if (conn.session || conn.opening) throw new ChatError('BAD_REQUEST', 'The session is already open.');
    const again = this.#budget.admitAttempt(conn.id, this.clock());
    if (again !== undefined) throw new ChatError('RATE_LIMITED', undefined, { retryAfterMs: again });
    let done = (): void => {};
    conn.opening = new Promise<void>((r) => (done = r));
    /** The user whose connection slot this open holds until it is registered or refused. */
    let reserved: string | undefined;
    let cursors: ReturnType<typeof sessionCursors>;
    try {
      if (frame.protocol !== PROTOCOL_VERSION) {
        throw new ChatError('PROTOCOL_MISMATCH', `This server speaks protocol ${PROTOCOL_VERSION}, not ${frame.protocol}.`);
      }
      const { claims, user: known } = await authenticate(this.store, frame.token, this.secret, this.clock(), this.tokenPolicy);
      // jose verifies on the thread pool (WebCrypto): a burst's tokens come back together, their opens go on a few a turn.
      await this.#openTurns.take();
      await this.moderation.checkSession(claims.userId);
      let user = known;
      const wait = this.#budget.admit(claims.userId, frame, this.clock()) as number | undefined;
      if (wait !== undefined) throw new ChatError('RATE_LIMITED', undefined, { retryAfterMs: wait });
      // Thousands of cursors are read only now, for a verified user (session-cursors.ts).
      cursors = sessionCursors(frame);
      const limit = this.#deps.maxConnectionsPerUser;
      // The slot is taken before the next await, so concurrent opens cannot all find it free.
      if (limit !== undefined && !this.registry.reserve(claims.userId, limit)) {
        // Closed, not left open for a retry: the client backs off and reconnects later.
        send(conn, errorFrame(new ChatError('TOO_MANY_CONNECTIONS', `At most ${limit} connections per user.`).toJSON()));
        conn.close(4429, 'TOO_MANY_CONNECTIONS');
        return;
      }
      if (limit !== undefined) reserved = claims.userId;
      // First login creates the user: the host site's backend vouched for them by signing.
      const changed = !user || Object.entries(claims.profile).some(([k, v]) => user![k as 'name' | 'avatar'] !== v);
      if (changed) user = await this.store.putUser(claims.userId, claims.profile, this.clock());
      await this.#openTurns.take();
      if (this.#gone.has(conn)) return;
      const userId = claims.userId;
      conn.session = { userId, profile: { ...(user!.name !== undefined && { name: user!.name }), ...(user!.avatar !== undefined && { avatar: user!.avatar }) } };
      if (frame.deviceId !== undefined) conn.session.deviceId = frame.deviceId;
      const [blocked, ...more] = blocklistParts(await this.store.listBlocked(userId));
      send(conn, { type: 'session.ready', protocol: PROTOCOL_VERSION, user: { id: userId, ...conn.session.profile }, serverTime: this.clock(), blocked: blocked! });
      for (const part of more) send(conn, { type: 'blocklist.updated', blocked: part, append: true });

      // Live delivery starts before the replay is read, so nothing committed meanwhile is lost.
      if (this.#gone.has(conn)) return;
      if (reserved !== undefined) this.registry.release(reserved);
      reserved = undefined;
      this.registry.add(userId, conn);
      this.#endAtExpiry(conn, claims.expiresAt);
      // Before `sync.done`: once a client is synced, every node counts it online.
      const first = this.registry.of(userId)?.size === 1;
      await this.#deps.presence?.online(userId).catch((err: unknown) => this.#log.error({ err }, 'presence: online failed'));
      if (first) void this.presence?.changed(userId);
      // Read once live delivery is on: a change notified before it is in what is read here.
      const mutes = await mutesFrame(this.store, userId, this.clock());
      if (mutes.mutes.length > 0 || mutes.dnd !== undefined) send(conn, mutes);
      const sanctions = await this.moderation.mutesFrame(userId);
      if (sanctions.mutes.length > 0) send(conn, sanctions);
    } finally {
      if (reserved !== undefined) this.registry.release(reserved);
      conn.opening = undefined;
      done();
    }
    await this.#openTurns.take();
    // Before the replay, so `sync.done` also means the stored broadcasts have arrived.
    await this.broadcasts.deliverStored(conn);
    await replaySession(this.store, conn.session.userId, cursors, this.#deps.replayLimit, (f) => send(conn, f));
  }

  /**
   * Ends the session when its token expires, as `session.open` would refuse the token from then
   * on (`exp`, with no leeway, as the REST routes too): a `TOKEN_EXPIRED` error frame, then
   * close 4440, which tells the client to come back at once with a fresh token. The timer is
   * real time, checked against the core's clock when it fires; a lifetime beyond what one timer
   * holds (24.8 days) is waited in steps.
   */
  #endAtExpiry(conn: Connection, expiresAt: number): void {
    const wait = expiresAt - this.clock();
    if (wait > 0) {
      const timer = setTimeout(() => this.#endAtExpiry(conn, expiresAt), Math.min(wait, MAX_TIMER_MS));
      timer.unref?.();
      this.#expiry.set(conn, timer);
      return;
    }
    this.#expiry.delete(conn);
    send(conn, errorFrame(new ChatError('TOKEN_EXPIRED').toJSON()));
    conn.close(CLOSE_TOKEN_EXPIRED, 'TOKEN_EXPIRED');
  }

  /** A client's send, acked once committed and published, or refused on its socket; `settle` is told when answered. */
  #send(conn: Connection, frame: ClientFrameOf<'message.send'>, settle: FrameSettle): void {
    const session = conn.session!;
    const { clientMsgId, conversationId, elem, forward } = frame;
    // The frame is the options too: prepareSend copies only the send options' own keys.
    const req: SendRequest = { sender: session.userId, senderProfile: session.profile, conversationId, clientMsgId, options: frame };
    if (elem) req.elem = elem;
    if (forward) req.forward = forward;
    if (frame.replyTo !== undefined) req.replyTo = frame.replyTo;
    startSend(this.#sendHost, req, { admin: false, origin: conn }, new FrameAnswer(conn, frame, settle, this.#refuseFrame));
  }

  /** A refused frame's answer on its connection (a failure `knownFailure` does not map is logged, answered INTERNAL). */
  readonly #refuseFrame = (conn: Connection, frame: ClientFrame, err: unknown): void => {
    const error = this.#toChatError(err);
    if (frame.type === 'message.send') this.#metrics.refused(error.name);
    send(conn, answerTo(frame, error.toJSON()));
  };

  async #read(conn: Connection, frame: ClientFrameOf<'conversation.read'>): Promise<void> {
    const userId = conn.session!.userId;
    const { key, type, target } = keyOf(userId, frame.conversationId);
    const state = await this.store.getConversation(userId, key);
    if (!state && type === 'group') throw new ChatError('NOT_MEMBER');
    // A 1:1 chat with nothing visible yet has nothing to read.
    if (!state) return void (frame.reqId !== undefined && send(conn, { type: 'ok', reqId: frame.reqId }));
    const readSeq = await this.store.markRead(userId, key, frame.seq);
    if (frame.reqId !== undefined) send(conn, { type: 'ok', reqId: frame.reqId });
    if (readSeq <= state.readSeq) return;
    await this.notify([userId], { type: 'conversation.read', conversationId: frame.conversationId, readSeq }, conn.id);
    if (type === 'p2p') {
      await this.notify([target], { type: 'receipt.read', conversationId: `p2p:${userId}`, userId, seq: readSeq });
    } else {
      // Group receipts go only to whoever asked for one in the range just read, never to every member.
      const senders = await this.store.receiptSenders(key, userId, state.readSeq, readSeq);
      if (senders.length > 0) await this.notify(senders, { type: 'receipt.read', conversationId: frame.conversationId, userId, seq: readSeq });
    }
  }

  async #history(conn: Connection, frame: ClientFrameOf<'history.fetch'>): Promise<void> {
    // A page is up to LIMITS.historyPage messages, a megabyte or more once read and serialised.
    // On an asynchronous store (PostgreSQL) a connection's 32 frames in handling read 32 pages at
    // once, whether or not the client read them: a client that stopped reading is cut (gateway,
    // maxBufferedBytes) only once a page is written. So a connection has at most
    // PAGE_READS_PER_CONNECTION pages read at a time, and those still waiting when it is cut are
    // never read.
    await this.#pageSlot(conn);
    try {
      let page;
      try {
        page = await fetchHistory(this.store, conn.session!.userId, frame, () => !this.#gone.has(conn));
      } catch (err) {
        if (err instanceof AskerGone) return;
        throw err;
      }
      if (this.#gone.has(conn)) return;
      send(conn, { type: 'history.page', reqId: frame.reqId, ...page });
    } finally {
      this.#pageDone(conn);
    }
  }

  /** Per connection: history pages being read, and the fetches waiting for a turn. */
  readonly #pageReads = new WeakMap<Connection, { running: number; waiting: (() => void)[] }>();

  #pageSlot(conn: Connection): Promise<void> | void {
    let reads = this.#pageReads.get(conn);
    if (!reads) this.#pageReads.set(conn, (reads = { running: 0, waiting: [] }));
    if (reads.running < PAGE_READS_PER_CONNECTION) {
      reads.running++;
      return;
    }
    return new Promise<void>((resolve) => reads.waiting.push(resolve));
  }

  #pageDone(conn: Connection): void {
    const reads = this.#pageReads.get(conn)!;
    const next = reads.waiting.shift();
    if (next) next();
    else reads.running--;
  }

  async #mute(conn: Connection, frame: ClientFrameOf<'mute.set'>): Promise<void> {
    const userId = conn.session!.userId;
    const mutes = await setMute(this.store, this.clock, userId, frame);
    if (frame.reqId !== undefined) send(conn, { type: 'ok', reqId: frame.reqId });
    await this.notify([userId], mutes);
  }

  async #blocklist(conn: Connection, frame: BlocklistChangeFrame): Promise<void> {
    const userId = conn.session!.userId;
    await this.setBlocked(userId, frame.userId, frame.type === 'blocklist.add');
    if (frame.reqId !== undefined) send(conn, { type: 'ok', reqId: frame.reqId });
  }

  /** Blocks or unblocks, then tells every device of `owner` the new list. */
  async setBlocked(owner: string, other: string, blocked: boolean): Promise<void> {
    if (owner === other) throw new ChatError('SELF_CONVERSATION', 'You cannot block yourself.');
    const user = await this.store.getUser(other);
    if (blocked && (!user || user.deleted)) throw new ChatError('USER_UNKNOWN');
    await this.store.setBlocked(owner, other, blocked);
    void this.presence?.blockChanged(owner, other);
    if (blocked) await this.friends.blocked(owner, other);
    const parts = blocklistParts(await this.store.listBlocked(owner));
    for (const [i, part] of parts.entries()) await this.notify([owner], { type: 'blocklist.updated', blocked: part, ...(i > 0 && { append: true }) });
  }

  #presenceOn(): PresenceService {
    if (!this.presence) throw new ChatError('PRESENCE_DISABLED');
    return this.presence;
  }

  #toChatError(err: unknown): ChatError {
    const known = knownFailure(err);
    if (known) {
      if (!(err instanceof ChatError)) this.#log.warn({ err }, 'no database connection came free in time');
      return known;
    }
    this.#log.error({ err }, 'frame handler failed');
    return new ChatError('INTERNAL');
  }
}

/** `#handle`'s frame whose budget is not counted yet. */
const NOT_COUNTED = Symbol('not counted');

/**
 * Told once a frame given to `ChatCore.takeFrame` is answered (`done`), or that handling it threw
 * or rejected (`failed`: its answer is then the caller's). Neither may throw.
 */
export interface FrameSettle {
  done(): void;
  failed(frame: ClientFrame, err: unknown): void;
}

function settleWith(handled: Promise<void>, frame: ClientFrame, settle: FrameSettle): void {
  handled.then(() => settle.done(), (err: unknown) => settle.failed(frame, err));
}

/** How a client's send frame ends (SendEnd): its ack, or its refusal, on its socket; then the gateway hears it is done. */
class FrameAnswer implements SendEnd {
  readonly #conn: Connection;
  readonly #frame: ClientFrameOf<'message.send'>;
  readonly #settle: FrameSettle;
  readonly #refuse: (conn: Connection, frame: ClientFrame, err: unknown) => void;

  constructor(conn: Connection, frame: ClientFrameOf<'message.send'>, settle: FrameSettle, refuse: (conn: Connection, frame: ClientFrame, err: unknown) => void) {
    this.#conn = conn;
    this.#frame = frame;
    this.#settle = settle;
    this.#refuse = refuse;
  }

  sent(outcome: SendOutcome | undefined): void {
    try {
      // The word list and the before-send hook replace the elem only when they change it: another
      // object than the frame's tells the sender's device that what it shows is not what was stored.
      // A duplicate's stored elem was read back (always another object): its content is compared.
      const elem = this.#frame.elem;
      const stored = outcome?.message.elem;
      if (outcome) this.#conn.send(ackText(this.#frame.clientMsgId, this.#frame.conversationId, outcome.message, outcome.duplicate, elem !== undefined && (outcome.duplicate ? !sameJson(stored, elem) : stored !== elem)));
    } catch (err) {
      return this.#settle.failed(this.#frame, err);
    }
    this.#settle.done();
  }

  refused(err: unknown): void {
    try {
      this.#refuse(this.#conn, this.#frame, err);
    } catch (e) {
      return this.#settle.failed(this.#frame, e);
    }
    this.#settle.done();
  }
}

/** The longest delay one `setTimeout` takes (2^31 - 1 ms); a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** History pages one connection has read at once (see `#history`). */
const PAGE_READS_PER_CONNECTION = 2;

function send(conn: Connection, frame: ServerFrame): void {
  conn.send(JSON.stringify(frame));
}

export function errorFrame(error: ErrorBody, reqId?: string): ServerFrame {
  return answerTo({ reqId }, error);
}
