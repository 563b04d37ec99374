import { createHash } from 'node:crypto';
import type { Logger } from '../core/logger.js';
import type { Presence } from '../core/presence.js';
import type { Store } from '../core/store.js';
import type { Clock } from '../core/types.js';
import { viewOf } from '../core/conversation-key.js';
import { asSeenBy } from '../core/summaries.js';
import { pushPayload } from '../push/push-payload.js';
import { isActive } from '../moderation/types.js';
import { outboxEvents, type OutboxRow } from './types.js';
import type { UnreadCandidate, UnreadClaim } from './unread-types.js';

/** `unreadReminders` of ChatServerOptions (env: NATTER_UNREAD_REMINDER, NATTER_UNREAD_REMINDER_ONLINE). */
export interface UnreadReminderOptions {
  /** How long a message stays unread before its reader is reminded, in ms (at least 1000). */
  afterMs: number;
  /** Remind people who are online too (default false: only those with no session anywhere). */
  whenOnline?: boolean;
  /** How often each node scans. Default a tenth of `afterMs`, between 200 ms and 5 s. */
  pollMs?: number;
  /** Show the messages' text (default: Web Push's `preview`, else true; env NATTER_PUSH_PREVIEW). */
  preview?: boolean;
  /**
   * A conversation where more members than this would be reminded in one scan is left out of it
   * (a big group's reminders are a mailing, not a nudge; Stream reminds only in channels of 10
   * members or fewer). Default 100.
   */
  maxPerConversation?: number;
}

/** Checks the options (TypeError). */
export function checkUnreadReminders(o: UnreadReminderOptions): void {
  if (!(Number.isInteger(o.afterMs) && o.afterMs >= 1000)) throw new TypeError('createChatServer: `unreadReminders.afterMs` must be an integer of at least 1000 (ms).');
  for (const k of ['pollMs', 'maxPerConversation'] as const) {
    const n = o[k];
    if (n !== undefined && !(Number.isInteger(n) && n > 0)) throw new TypeError(`createChatServer: \`unreadReminders.${k}\` must be a positive integer.`);
  }
}

/**
 * The options from the environment: NATTER_UNREAD_REMINDER (`afterMs`, parsed by the caller as a
 * duration such as `10m`; unset: off), NATTER_UNREAD_REMINDER_ONLINE=1 (`whenOnline`),
 * NATTER_PUSH_PREVIEW=0 (`preview: false`, as for Web Push).
 */
export function unreadRemindersFromEnv(env: Record<string, string | undefined>, afterMs: number | undefined): UnreadReminderOptions | undefined {
  if (afterMs === undefined) return undefined;
  return {
    afterMs,
    ...(/^(1|true|yes|on)$/i.test(env['NATTER_UNREAD_REMINDER_ONLINE'] ?? '') && { whenOnline: true }),
    ...(/^(0|false|no|off)$/i.test(env['NATTER_PUSH_PREVIEW'] ?? '') && { preview: false }),
  };
}

/** Newest unread messages a reminder carries. */
const NEWEST = 3;
/** Most of the timeline one scan step covers (a long stop is caught up in steps). */
const STEP_MS = 60_000;

export interface UnreadRemindersDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Endpoints taking `message.unread` (none: nothing is queued, the scan only moves on). */
  endpoints(): string[];
  /** Events were queued. */
  queued(): void;
  /** Cluster presence; absent, everyone counts as offline. */
  presence?: Presence;
  /** Whether reminders show message text (NATTER_PUSH_PREVIEW; a sender's offlinePushInfo still wins). */
  preview: boolean;
}

/**
 * Queues a `message.unread` event per member and conversation whose messages have stayed unread
 * `afterMs`, unless by then they read them, muted the conversation or set do-not-disturb, are
 * banned, blocked the 1:1 peer, or (unless `whenOnline`) are online. Every node scans; the store's
 * marks let one reminder through per unread stretch, and its watermark carries the scan over
 * restarts. Runs on a timer, never on a send's path.
 */
export class UnreadReminders {
  readonly #o: Omit<UnreadReminderOptions, 'preview'> & UnreadRemindersDeps;
  readonly #pollMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;

  constructor(o: Omit<UnreadReminderOptions, 'preview'> & UnreadRemindersDeps) {
    this.#o = o;
    this.#pollMs = o.pollMs ?? Math.min(5000, Math.max(200, Math.round(o.afterMs / 10)));
  }

  start(): void {
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.scan()
        .catch((err: unknown) => this.#o.logger.warn({ err }, 'unread reminders: the scan failed'))
        .finally(() => this.#schedule(this.#pollMs));
    }, ms);
    this.#timer.unref();
  }

  /**
   * Whether a queued `message.unread` event is no longer to be sent (checked before each attempt,
   * so a reminder held up by an endpoint that was down is not sent after all): the member has read
   * since, or muted the conversation or set do-not-disturb.
   */
  async stale(row: OutboxRow): Promise<boolean> {
    if (row.type !== 'message.unread') return false;
    const data = JSON.parse(row.payload) as { user: string; conversation: string; readSeq: number };
    const state = await this.#o.store.getConversation(data.user, data.conversation);
    if (!state || state.readSeq !== data.readSeq) return true;
    return (await this.#o.store.mutedAmong(data.conversation, [data.user], this.#o.clock())).length > 0;
  }

  /** Scans from the watermark to `afterMs` ago, a step at a time. Returns the reminders queued. */
  async scan(): Promise<number> {
    const { store } = this.#o;
    // The host's clock, as the message ids' times are (newMessageId), whatever `clock` says.
    const end = Date.now() - this.#o.afterMs;
    let from = await store.unreadWatermark(end);
    let queued = 0;
    while (from < end && !this.#stopped) {
      const to = Math.min(end, from + STEP_MS);
      queued += await this.#window(from, to);
      await store.raiseUnreadWatermark(to);
      from = to;
    }
    if (queued > 0) this.#o.queued();
    return queued;
  }

  async #window(from: number, to: number): Promise<number> {
    const endpoints = this.#o.endpoints();
    if (endpoints.length === 0) return 0;
    const candidates = await this.#o.store.unreadCandidates(from, to);
    const max = this.#o.maxPerConversation ?? 100;
    const count = (keys: readonly { key: string }[]) => {
      const n = new Map<string, number>();
      for (const { key } of keys) n.set(key, (n.get(key) ?? 0) + 1);
      return n;
    };
    // Far more candidates than reminders allowed: not even looked at (each costs a few reads).
    const seen = count(candidates);
    const made: UnreadClaim[] = [];
    for (const c of candidates) {
      if (seen.get(c.key)! > max * 10) continue;
      const claim = await this.#claimOf(c, endpoints).catch((err: unknown) => {
        this.#o.logger.warn({ err, userId: c.userId, key: c.key }, 'unread reminders: a reminder was not made');
        return undefined;
      });
      if (claim) made.push(claim);
    }
    const perKey = count(made);
    const claims = made.filter((c) => perKey.get(c.key)! <= max);
    if (claims.length === 0) return 0;
    return (await this.#o.store.claimUnreadReminders(claims)).filter(Boolean).length;
  }

  /** The reminder of one candidate, or undefined when it is to be skipped. */
  async #claimOf(c: UnreadCandidate, endpoints: string[]): Promise<UnreadClaim | undefined> {
    const { store } = this.#o;
    const now = this.#o.clock();
    // Cheap and most often decisive first: a sender's own messages leave them nothing unread.
    const state = await store.getConversation(c.userId, c.key);
    if (!state || state.readSeq !== c.readSeq) return undefined;
    const { unread } = await store.unreadState(c.key, c.userId, c.readSeq);
    if (unread === 0) return undefined;
    const user = await store.getUser(c.userId);
    if (!user || user.deleted) return undefined;
    if ((await store.mutedAmong(c.key, [c.userId], now)).length > 0) return undefined;
    const sanctions = await store.listSanctions(c.userId);
    if (sanctions.some((s) => s.kind === 'ban' && isActive(s, now))) return undefined;
    // A 1:1 conversation's state names the peer (`target`).
    if (state.type === 'p2p' && (await store.isBlocked(c.userId, state.target))) return undefined;
    if (!this.#o.whenOnline && this.#o.presence && (await this.#o.presence.offlineAmong([c.userId])).length === 0) return undefined;
    const recent = await store.readRange(c.key, c.userId, { afterSeq: c.readSeq, toSeq: state.lastSeq, limit: 20, take: 'newest' });
    const conversationId = viewOf(c.key, c.userId);
    // As the member would see them: one recalled, or deleted by them for themselves, is nothing to
    // be reminded of (a stretch of only those is no reminder; a later message comes due again).
    const messages = recent
      .map((m) => asSeenBy(m, c.key, c.userId))
      .filter((m) => m.sender !== c.userId && !m.isExcludedFromUnreadCount && !m.recalled && !m.hidden)
      .slice(-NEWEST)
      .reverse()
      .map((m) => {
        const p = pushPayload(m, this.#o.preview);
        return { id: m.id, seq: m.seq, sender: m.sender, time: m.time, title: p.title, preview: p.body };
      });
    if (messages.length === 0) return undefined;
    const payload = JSON.stringify({ user: c.userId, conversation: c.key, conversationId, unreadCount: unread, readSeq: c.readSeq, messages });
    // The same id for the same stretch on every node and at every attempt.
    const eventId = `unread-${createHash('sha256').update(`${c.userId}\n${c.key}\n${c.readSeq}`).digest('hex').slice(0, 32)}`;
    return { userId: c.userId, key: c.key, readSeq: c.readSeq, events: outboxEvents({ type: 'message.unread', endpoints }, { eventId, key: c.key, time: now, payload }) };
  }
}
