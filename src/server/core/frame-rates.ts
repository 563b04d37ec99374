import { ERROR_CODES, ChatError, type ClientFrame, type ErrorBody } from '../../protocol/index.js';
import type { Connection } from './connection.js';
import { answerTo } from './refusal.js';
import { createMemoryRateLimiter, type RateDecision, type RateLimiter } from './rate-limiter.js';

/** The budget classes of client frames other than `message.send` (which has the send budget). */
export type FrameClass = 'ping' | 'history' | 'members' | 'read' | 'blocklist' | 'session' | 'search' | 'groups' | 'friends';

/** Frames per user and rate window (`sendRateWindowMs`, a minute by default), by class. */
export type FrameBudgets = Record<FrameClass, number>;

/**
 * Defaults, per user per minute, well above what the real client sends (src/client):
 * - ping: one per connection every 25 s (≤ 77 a minute with 32 tabs);
 * - history: scroll paging and gap fills after a reconnect (one page per conversation with a gap);
 * - members: one per conversation opened;
 * - read: one per conversation read, plus the ones made offline, sent at reconnect;
 * - blocklist: a person clicking (block / unblock);
 * - session: `session.open`, i.e. reconnects of every tab (32 after a server restart);
 * - search: a person typing a query (the client waits for a pause) and paging its results.
 * - groups: creating and changing groups, a person clicking in the group panel.
 * - friends: adding and removing friends, answering requests: a person clicking in the contacts
 *   view; also what bounds how fast one user can send friend requests.
 */
export const DEFAULT_FRAME_BUDGETS: Readonly<FrameBudgets> = { ping: 240, history: 600, members: 300, read: 600, blocklist: 60, session: 120, search: 120, groups: 60, friends: 60 };

/** `session.open` attempts per connection and window (a refused open may be retried on the socket). */
export const OPEN_ATTEMPTS_PER_CONNECTION = 10;

/**
 * How long the handling of a refused frame stays open after its refusal was sent. The gateway
 * stops reading a socket with 32 frames in handling (ws/gateway.ts, MAX_PENDING_FRAMES), so a
 * socket that keeps a window of frames in flight past its budget is read at most 32 frames per
 * hold (1,280 a second): the rest of its flood waits in TCP buffers and in the flooder, costing
 * this server nothing. One that writes without waiting has each TCP read (up to some 1,800
 * small frames) queued and handled 32 frames a turn (ws/gateway.ts, FRAMES_PER_TURN), the queue
 * waiting too while 32 are in handling, and so is a read arriving then: 32 per hold as well (about
 * 1,200-1,300 answers a second measured over the flooder's own window, fewer under load as holds run late).
 * Short, so a client that overshoots by a burst (or the fuzzer) is answered without a long
 * stall. A client within its budget never meets it.
 */
export const REFUSED_HOLD_MS = 25;

const CLASS_OF: Record<ClientFrame['type'], FrameClass | 'send'> = {
  'session.open': 'session',
  'message.send': 'send',
  'conversation.read': 'read',
  'history.fetch': 'history',
  'blocklist.add': 'blocklist',
  'blocklist.remove': 'blocklist',
  'members.fetch': 'members',
  ping: 'ping',
  // A change to a sent message counts as a send (the change service also takes it from the send limiter).
  'change.send': 'send',
  // Reads of a conversation's data, like a history page.
  'reactions.fetch': 'history',
  'pins.fetch': 'history',
  // Full-text search reads far more than a page: a budget of its own.
  'search.fetch': 'search',
  // A person clicking, like a block.
  'mute.set': 'blocklist',
  // Rare, and limited per hour by the store besides (moderation/reports.ts).
  'message.report': 'blocklist',
  'group.create': 'groups',
  'group.change': 'groups',
  // A group's settings: read when its panel opens, like its members.
  'group.fetch': 'members',
  // Sent at each (re)connect and when the list of 1:1 chats changes, like a members read.
  'presence.watch': 'members',
  // A person clicking, like a block.
  'presence.set': 'blocklist',
  // A page of friends or requests: read when the contacts view opens, like a member page.
  'friends.list': 'members',
  'friend.add': 'friends',
  'friend.remove': 'friends',
  'friend.accept': 'friends',
  'friend.decline': 'friends',
  'friend.cancel': 'friends',
};

/**
 * Writes whose cost lands on the shared store and on every node (a read mark and a block change
 * each write and fan out): counted cluster-wide in the shared limiter (Redis with `redisUrl`)
 * after passing this node's check. The others (ping, history and members reads, session opens)
 * only cost the node that answers them, and a user has at most `maxConnectionsPerUser` sockets
 * per node: a per-node budget bounds them without a Redis round trip per frame.
 */
const SHARED: ReadonlySet<FrameClass | 'send'> = new Set(['read', 'blocklist', 'groups', 'friends']);

export interface FrameBudgetOptions {
  budgets: FrameBudgets;
  windowMs: number;
  /** The cluster's limiter (the send limiter): shared classes are counted there too. */
  shared?: RateLimiter;
  /** The send budget: sends (and typing signals) are also checked here first, on this node. */
  sendsPerWindow?: number;
}

/**
 * Per-user budgets of every client frame, checked before a frame does any work. The first check
 * is always this node's memory (a map lookup, synchronous), so a flood past the budget costs a
 * lookup and a small refusal per frame: no store read, no Redis round trip, no await. Only a
 * frame of a shared class that passed here is also counted cluster-wide. A local refusal is
 * exact for the cluster too: this node alone already saw more than the budget in its window.
 */
export class FrameBudget {
  readonly #local: RateLimiter;
  readonly #o: FrameBudgetOptions;
  readonly #holds = new WeakMap<Connection, Promise<void>>();

  constructor(options: FrameBudgetOptions) {
    this.#o = options;
    this.#local = createMemoryRateLimiter(1, options.windowMs);
  }

  /**
   * Counts `frame` of `userId`: undefined when admitted, else the ms until a retry can pass.
   * A promise only for a shared class that passed this node's check.
   */
  admit(userId: string, frame: ClientFrame, now: number): number | undefined | Promise<number | undefined> {
    const cls = CLASS_OF[frame.type];
    let key: string;
    let limit: number;
    if (cls === 'send') {
      if (this.#o.sendsPerWindow === undefined) return undefined;
      // The same buckets as the send limiter (chat-core): typing never spends the message budget.
      key = (frame.type === 'message.send' && frame.onlineUserOnly === true ? 'online:' : 'send:') + userId;
      limit = this.#o.sendsPerWindow;
    } else {
      key = `${cls}:${userId}`;
      limit = this.#o.budgets[cls];
    }
    const local = this.#local.consume(key, now, limit) as RateDecision;
    if (!local.ok) return local.retryAfterMs;
    if (!SHARED.has(cls) || !this.#o.shared) return undefined;
    const shared = this.#o.shared.consume(key, now, limit);
    return shared instanceof Promise ? shared.then(retryAfter) : retryAfter(shared);
  }

  /** Resolves REFUSED_HOLD_MS after the first refusal of `conn` since the last hold ended (one timer per connection). */
  hold(conn: Connection): Promise<void> {
    let held = this.#holds.get(conn);
    if (!held) {
      held = new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.#holds.delete(conn);
          resolve();
        }, REFUSED_HOLD_MS);
        (timer as { unref?: () => void }).unref?.();
      });
      this.#holds.set(conn, held);
    }
    return held;
  }

  /** Counts a `session.open` attempt on `connectionId` (before its token is verified). */
  admitAttempt(connectionId: string, now: number): number | undefined {
    return retryAfter(this.#local.consume(`open:${connectionId}`, now, OPEN_ATTEMPTS_PER_CONNECTION) as RateDecision);
  }
}

function retryAfter(d: RateDecision): number | undefined {
  return d.ok ? undefined : d.retryAfterMs;
}

let rateLimitedMessage: string | undefined;

/**
 * The refusal of a frame past its budget, serialised and correlated like every refusal
 * (`answerTo`: a send by clientMsgId, a change by changeId, else the reqId). Built without an Error object (no stack
 * trace to capture): refusing must cost far less than doing.
 */
export function rateLimitedFrame(frame: ClientFrame, retryAfterMs: number): string {
  rateLimitedMessage ??= new ChatError('RATE_LIMITED').message;
  const body: ErrorBody = { code: ERROR_CODES.RATE_LIMITED.code, name: 'RATE_LIMITED', message: rateLimitedMessage, retryAfterMs };
  return JSON.stringify(answerTo(frame, body));
}

/** Parses `ping=240,history=600`: the classes given, the defaults for the rest (TypeError on a bad entry). */
export function parseFrameBudgets(text: string): Partial<FrameBudgets> {
  const out: Partial<FrameBudgets> = {};
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, value] = entry.split('=').map((s) => s.trim());
    const n = Number(value);
    if (!(name! in DEFAULT_FRAME_BUDGETS) || !Number.isInteger(n) || n <= 0) {
      throw new TypeError(`NATTER_FRAME_RATES_PER_MINUTE: "${entry}" is not <class>=<positive integer> (classes: ${Object.keys(DEFAULT_FRAME_BUDGETS).join(', ')}).`);
    }
    out[name as FrameClass] = n;
  }
  return out;
}
