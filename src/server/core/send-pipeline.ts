import { ChatError, type Elem, type Message } from '../../protocol/index.js';
import { startedAhead } from './ahead.js';
import type { BusEvent } from './bus.js';
import type { CommitBatcher, CommitWaiter } from './commit-batcher.js';
import { takeSendTurn, type Connection, type SendTurn } from './connection.js';
import { traceSample, tracing } from './latency-trace.js';
import type { Logger } from './logger.js';
import { drive } from './maybe-sync.js';
import { newMessageId } from './message-id.js';
import type { CoreMetrics } from './metrics.js';
import type { OrderedPublisher, PublishWaiter } from './ordered-publisher.js';
import type { RateLimiter } from './rate-limiter.js';
import { prepareSend, type PreparedSend, type SendPolicy, type SendRequest } from './send-message.js';
import type { Store } from './store.js';
import { unavailable } from './store-busy.js';
import { asSeenBy } from './summaries.js';
import type { Clock, CommitOutcome, MessageDraft } from './types.js';
import type { FileReferences } from '../uploads/file-access.js';
import type { LinkPreviews } from '../previews/link-previews.js';
import { outboxEvents, type WebhookEventType, type WebhookHooks } from '../webhooks/types.js';

export interface SendOptions {
  admin: boolean;
  origin?: Connection;
  onCommitted?: (outcome: SendOutcome) => void;
  event?: { type: WebhookEventType; data: unknown };
  /** Who receive it besides the members: a group's member just removed, told of it (SPEC §13). */
  alsoTo?: readonly string[];
}

export interface SendOutcome {
  /** As the sender sees it. */
  message: Message;
  duplicate: boolean;
}

/** Commits a draft instead of the batch (a group's notice): undefined when it committed nothing. */
export type CommitInstead = (draft: MessageDraft) => Promise<CommitOutcome | undefined>;

/** Told how one send ended: exactly one of the two, once. Neither may throw. */
export interface SendEnd {
  /** Committed and on the bus (undefined: a `commit` of the caller's committed nothing). */
  sent(outcome: SendOutcome | undefined): void;
  /** Refused, by a check (a ChatError) or by a failure (UNAVAILABLE, or what threw). */
  refused(err: unknown): void;
}

/** What a send needs of the node (ChatCore's parts). */
export interface SendHost {
  store: Store;
  clock: Clock;
  batcher: CommitBatcher;
  ordered: OrderedPublisher;
  metrics: CoreMetrics;
  log: Logger;
  rateLimiter: RateLimiter;
  /** The send policy of users' sends and of admin sends (one object each, not one a send). */
  policies: { user: SendPolicy; admin: SendPolicy };
  linkPreviews: LinkPreviews | undefined;
  beforeSend: { check(draft: MessageDraft, now: number): Promise<void> } | undefined;
  files: FileReferences | undefined;
  webhooks: WebhookHooks | undefined;
  /** Ids of the messages this node published lately. */
  published: { has(id: string): boolean; add(id: string): void };
  checkMuted(sender: string, key: string): void | Promise<void>;
  screen(elem: Elem): Elem | Promise<Elem>;
  /** The bus event of a message; a promise only while an ordinary group message's members are read. */
  messageEvent(draft: MessageDraft, message: Message, origin: string | undefined, json?: string): BusEvent | Promise<BusEvent>;
  /** A committed message's draft with its stored visibility (a resend's checks may differ now). */
  storedDraft(draft: MessageDraft, message: Message): Promise<MessageDraft>;
  /** Delivers an online-only message (never stored) to whoever is connected now. */
  fanOut(draft: MessageDraft, message: Message, origin: string | undefined): Promise<void>;
  notifyOffline: ((event: BusEvent & { kind: 'message' }) => void) | undefined;
}

/**
 * Checks, commits and fans out one message (ChatCore.sendMessage). A send is one object from its
 * frame to its answer: it is its draft's commit waiter and its event's publish waiter, so what it
 * holds while its batch commits is that object and its draft. (It was an async function awaiting
 * a promise per step: the function's state, a promise per await, a promise and two resolvers per
 * draft in the batcher and per event in the publisher, all held until the commit, a quarter of
 * what the event loop allocated under load.) Its checks are a generator driven on this turn while
 * what they read is at hand (`drive`), and wait only where a read is a promise.
 */
export function startSend(host: SendHost, req: SendRequest, opts: SendOptions & { commit?: CommitInstead }, end: SendEnd): void {
  new Send(host, req, opts, end).start();
}

type Stored = Exclude<CommitOutcome, { status: 'conflict' }>;

class Send implements CommitWaiter, PublishWaiter {
  readonly #host: SendHost;
  readonly #req: SendRequest;
  readonly #opts: SendOptions & { commit?: CommitInstead };
  readonly #end: SendEnd;
  readonly #started = performance.now();
  #draft: MessageDraft | undefined;
  #stored: Stored | undefined;
  #outcome: SendOutcome | undefined;
  /** When its commit was answered (only while tracing latency). */
  #committedAt = 0;

  constructor(host: SendHost, req: SendRequest, opts: SendOptions & { commit?: CommitInstead }, end: SendEnd) {
    this.#host = host;
    this.#req = req;
    this.#opts = opts;
    this.#end = end;
  }

  start(): void {
    const conn = this.#opts.origin;
    let checked;
    try {
      checked = drive(this.#checks(conn && takeSendTurn(conn)));
    } catch (err) {
      this.#end.refused(err);
      return;
    }
    if (checked instanceof Promise) checked.catch((err: unknown) => this.#end.refused(err));
  }

  /**
   * Everything before the commit, ending with the draft handed to it (or, online-only, delivered).
   * `turn` keeps one connection's sends in order: each one's checks run as it comes, and only the
   * hand-over waits for the sends before it.
   */
  *#checks(turn: SendTurn | undefined): Generator<unknown, void, unknown> {
    const host = this.#host;
    const req = this.#req;
    const opts = this.#opts;
    try {
      // Online-only sends (typing signals) have a budget of their own: they must never use up
      // the one for messages, or typing a message could leave too little to send it.
      const bucket = req.options.onlineUserOnly === true ? 'online:' : 'send:';
      const decided = opts.admin ? undefined : host.rateLimiter.consume(bucket + req.sender, host.clock());
      const policy = opts.admin ? host.policies.admin : host.policies.user;
      // While a shared limiter's answer is on its way (a round trip to Redis), the send's reads run
      // (issue 23: one after the other, they held each send for the sum); a refusal of theirs waits
      // for it, so a send refused by both is refused RATE_LIMITED. Reads for a send the limiter
      // refuses write nothing, and a flood is turned away before them by this node's own count.
      // (No closure for the in-memory limiter's answer, most sends: one object fewer a send.)
      const early = decided instanceof Promise ? startedAhead(() => prepareSend(host.store, req, policy, host.clock())) : undefined;
      // Each yield answers on this turn when what it reads is at hand (the in-memory limiter, the
      // SQLite store, a compiled word list, sanctions read lately), and waits when it is a promise.
      const decision = (yield decided) as Awaited<typeof decided>;
      if (decision && !decision.ok) throw new ChatError('RATE_LIMITED', undefined, { retryAfterMs: decision.retryAfterMs });
      // A preview must be one this server made, for a link in the text: no forged cards.
      const elem = req.elem;
      if (elem?.type === 'text' && elem.preview && !host.linkPreviews?.verify(elem.preview, elem.text)) throw new ChatError('PREVIEW_INVALID');
      const prepared = (yield early ?? prepareSend(host.store, req, policy, host.clock())) as PreparedSend;
      const draft = prepared.draft;
      this.#draft = draft;
      if (!opts.admin) {
        yield host.checkMuted(req.sender, draft.key);
        // The word list is the floor under the site's policy: the hook sees the text it left.
        draft.message.elem = (yield host.screen(draft.message.elem)) as Elem;
      }
      // The site's policy point, before anything is recorded: it may refuse or rewrite the elem.
      if (!opts.admin && !prepared.onlineOnly && host.beforeSend) yield host.beforeSend.check(draft, host.clock());
      // Recorded before the commit: a reference grants access only once its message exists.
      if (host.files?.carriesUrls(draft.message.elem)) {
        yield host.files.reference(draft, req.sender, { admin: opts.admin, record: !prepared.onlineOnly });
      }
      // Only the hand-over waits for the connection's earlier sends: their checks (each a turn or a
      // round trip to PostgreSQL or Redis on a cluster node) overlap, so one connection is not held
      // to one send per chain of checks (issue 23), and its sends still commit in the order it sent them.
      if (turn?.before) yield turn.before;
      if (prepared.onlineOnly) {
        // Never stored: seq 0, delivered to whoever is connected now.
        yield host.fanOut(draft, draft.message, opts.origin?.id);
        this.#answer({ message: draft.message, duplicate: false }, 'online-only');
        return;
      }
      const hooks = host.webhooks?.endpointsFor('message.created');
      if (hooks?.length) draft.webhooks = hooks;
      // Another event the message stands for (a group change): queued in the same commit.
      const also = opts.event && host.webhooks?.endpointsFor(opts.event.type);
      if (also?.length) {
        const { type, data } = opts.event!;
        draft.outbox = outboxEvents({ type, endpoints: also }, { eventId: newMessageId(), key: draft.key, time: draft.message.time, payload: JSON.stringify(data) });
      }
      if (opts.commit) {
        opts.commit(draft).then(
          (outcome) => this.committed(outcome),
          (err: unknown) => this.failed(err),
        );
      } else host.batcher.enqueue(draft, this);
      if (tracing()) traceSample('send.beforeSubmit', performance.now() - this.#started);
    } catch (err) {
      // A store read that failed before the commit: nothing was stored, so the client may resend.
      if (err instanceof ChatError) throw err;
      host.metrics.storeError('read');
      host.log.error({ err }, 'send failed before commit');
      throw unavailable(err);
    } finally {
      turn?.release();
    }
  }

  /** Its commit's outcome (CommitWaiter): published before the ack. */
  committed(result: CommitOutcome | undefined): void {
    try {
      this.#afterCommit(result);
    } catch (err) {
      this.#end.refused(err);
    }
  }

  /** Its commit failed (CommitWaiter). */
  failed(err: unknown): void {
    this.#host.metrics.storeError('commit');
    this.#host.log.error({ err }, 'commit failed');
    this.#end.refused(unavailable(err));
  }

  #afterCommit(result: CommitOutcome | undefined): void {
    if (!result) return this.#end.sent(undefined);
    if (tracing()) this.#committedAt = performance.now();
    if (result.status === 'conflict') throw new ChatError('CLIENT_MSG_ID_REUSED');
    const host = this.#host;
    const draft = this.#draft!;
    if (result.status === 'committed' && (draft.webhooks || draft.outbox)) host.webhooks!.queued();
    const outcome = { message: asSeenBy(result.message, draft.key, this.#req.sender), duplicate: result.status === 'duplicate' };
    // Published before the ack: an ack means the bus has the message, so a node killed between
    // its commit and its publish has not acked either; the client resends (same clientMsgId),
    // and whichever node takes the duplicate publishes it again (clients drop what they hold, by
    // seq). A duplicate this node published itself needs nothing more.
    if (outcome.duplicate && host.published.has(result.message.id)) return this.#answer(outcome, 'duplicate');
    this.#stored = result;
    this.#outcome = outcome;
    let event: BusEvent | Promise<BusEvent>;
    try {
      const origin = this.#opts.origin?.id;
      // Handed over now, even if its recipients take a read to know: published in seq order.
      const built = outcome.duplicate
        ? host.storedDraft(draft, result.message).then((stored) => host.messageEvent(stored, result.message, origin, result.json))
        : host.messageEvent(draft, result.message, origin, result.json);
      const also = this.#opts.alsoTo;
      event = also?.length
        ? Promise.resolve(built).then((e) => (e.kind === 'message' ? { ...e, recipients: [...new Set([...e.recipients, ...also])] } : e))
        : built;
    } catch (err) {
      return this.unpublished(err);
    }
    host.ordered.enqueue(draft.key, result.message.seq, event, this);
  }

  /** Its event is on the bus (PublishWaiter): acked now. */
  published(event: BusEvent): void {
    try {
      this.#host.published.add(this.#stored!.message.id);
      if (this.#host.notifyOffline && event.kind === 'message') this.#host.notifyOffline(event);
      this.#answer(this.#outcome!, this.#outcome!.duplicate ? 'duplicate' : 'committed');
    } catch (err) {
      this.#end.refused(err);
    }
  }

  /** Reading its recipients or publishing failed (PublishWaiter): stored, not acked; the resend publishes it. */
  unpublished(err: unknown): void {
    this.#host.metrics.busError('publish');
    this.#host.log.error({ err }, 'publish after commit failed: not acked, the resend publishes it');
    this.#end.refused(unavailable(err, 'The message is stored but could not be delivered yet: resend it.'));
  }

  #answer(outcome: SendOutcome, kind: 'committed' | 'duplicate' | 'online-only'): void {
    if (this.#committedAt) {
      traceSample('send.commitToAck', performance.now() - this.#committedAt);
      traceSample('send.toAck', performance.now() - this.#started);
    }
    this.#opts.onCommitted?.(outcome);
    this.#host.metrics.acked((performance.now() - this.#started) / 1000, kind);
    this.#end.sent(outcome);
  }
}
