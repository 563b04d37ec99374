import type { ChangePolicy } from './changes/policy.js';
import { existsSync, statSync } from 'node:fs';
import { DEFAULT_TOKEN_MAX_LIFETIME } from './core/auth.js';
import type { BusFactory, Bus } from './core/bus.js';
import type { Logger } from './core/logger.js';
import type { OfflineMessageHandler } from './core/offline-push.js';
import type { PushOptions } from './push/push-service.js';
import type { RateLimiter } from './core/rate-limiter.js';
import type { Store, StoreFactory } from './core/store.js';
import { DEFAULT_FRAME_BUDGETS, type FrameBudgets } from './core/frame-rates.js';
import type { Clock } from './core/types.js';
import { compileProxyTrust, type ProxyTrustSetting } from './proxy-trust.js';
import type { FileIndex, FileIndexFactory } from './uploads/file-index.js';
import type { FileStorage } from './uploads/file-storage.js';
import type { FileStorageFactory } from './uploads/open-file-storage.js';
import type { S3FileStorageOptions } from './uploads/s3-file-storage.js';
import { checkBeforeSend, envEndpoints, type WebhookOptions } from './webhooks/options.js';
import { checkUnreadReminders, type UnreadReminderOptions } from './webhooks/unread-reminders.js';
import type { BeforeSendOptions } from './webhooks/before-send.js';
import type { WordListOptions } from './moderation/word-list.js';

export interface ChatServerOptions {
  /** Directory of the SQLite file (`natter.db`). Needed unless `store` or `databaseUrl` is given. */
  dataDir?: string;
  /** PostgreSQL URL (`postgres://…`): store in PostgreSQL instead of SQLite, for several nodes. */
  databaseUrl?: string;
  /** Redis URL (`redis://…`): fan out over Redis and share rate limits between nodes. */
  redisUrl?: string;
  /** Prefix of Natter's Redis channel and keys, one per deployment sharing a Redis. Default `natter:`. */
  redisPrefix?: string;
  /** HS256 secret shared with the host site's backend. Required unless `dev` (then random). */
  secret?: string;
  /**
   * Longest lifetime of a user token in seconds, `exp - iat` (`exp - now` for a token without
   * `iat`); longer ones are refused TOKEN_INVALID, and so are tokens without `exp`. Default 7 days.
   */
  tokenMaxLifetimeSeconds?: number;
  /** When set, user tokens must carry this `aud`. */
  tokenAudience?: string;
  /** When set, user tokens must carry this `iss`. */
  tokenIssuer?: string;
  /** Admin key for the REST API. Without it every admin route answers ADMIN_REQUIRED. */
  adminKey?: string;
  /** Key for `GET /metrics` only (the admin key works too), so Prometheus never holds the admin key. */
  metricsKey?: string;
  /** A Store, or a factory; default: PostgreSQL at `databaseUrl`, else SQLite in `dataDir`. */
  store?: Store | StoreFactory;
  /** A Bus, or a factory; default: Redis at `redisUrl`, else the in-process bus. */
  bus?: Bus | BusFactory;
  /** Send rate limiter; default: `sendsPerMinute` per user, counted in Redis at `redisUrl`, else in memory. */
  rateLimiter?: RateLimiter;
  /** Time source, ms since the epoch. Default `Date.now`. */
  clock?: Clock;
  /** Sends per user per minute (fixed window from the first send). Default 300. */
  sendsPerMinute?: number;
  /** Length of that rate-limit window in ms (`sendsPerMinute` sends per window). Default 60000; shorter for tests. */
  sendRateWindowMs?: number;
  /**
   * Client frames per user and rate window (`sendRateWindowMs`) by class: `ping`, `history`,
   * `members`, `read` (read marks), `blocklist` (add/remove), `session` (session.open). Classes
   * left out keep DEFAULT_FRAME_BUDGETS (240, 600, 300, 600, 60, 120). Past it a frame is answered
   * RATE_LIMITED with retryAfterMs and not run. `read` and `blocklist` count cluster-wide in Redis.
   */
  frameBudgets?: Partial<FrameBudgets>;
  /** Broadcasts per minute for the whole app (any 60 s, counted in the store). Default 10. */
  broadcastsPerMinute?: number;
  /** Broadcasts per day for the whole app (any 24 h, counted in the store). Default 1000. */
  broadcastsPerDay?: number;
  /** Message reports one user may make in any hour (counted in the store); more are refused REPORTS_RATE_LIMITED. Default 20. */
  reportsPerHour?: number;
  /** Only friends may message each other 1:1. Default false. */
  friendsOnly?: boolean;
  /** A blocked sender gets BLOCKED instead of an apparent success. Default false (as Tencent). */
  blockedSenderSeesError?: boolean;
  /**
   * Who may create groups from the widget (SPEC §13): `everyone` (default) or `admin` (only the
   * site's backend, over the admin REST API; the widget's create is refused with GROUP_CREATE_FORBIDDEN).
   */
  groupCreate?: 'everyone' | 'admin';
  /** Most members a group may have: a member's invite past it is refused GROUP_FULL (the site's are not). Default 10,000. */
  groupMemberLimit?: number;
  /**
   * Online / last seen of 1:1 peers and friends (SPEC §13). `false`: off (`presence.watch` and
   * `presence.set` answer PRESENCE_DISABLED, no presence frame is sent). Default on, with at most
   * one update frame per connection every `intervalMs` (5000; but a comeback after a sent
   * offline is sent at once, and an offline only once it is an interval old, so a reload sends
   * nothing) and every watched user looked at again every `sweepMs` (60000; catches the users of
   * a node that died).
   */
  presence?: boolean | { intervalMs?: number; sweepMs?: number };
  /**
   * Adding a friend from the widget sends a request the other person accepts or declines
   * (SPEC §13). Default false: adding is direct. The admin REST API sets friendships either way.
   */
  friendRequests?: boolean;
  /** Friend requests one user may have pending, sent and received each. Default 100. */
  maxPendingFriendRequests?: number;
  /** Most messages replayed per conversation at session open before answering `sync.gap`. Default 10000. */
  replayLimit?: number;
  /**
   * Changes to sent messages (SPEC §9): `editWindowSeconds` (default none: any time),
   * `recallWindowSeconds` (120), `reactionsPerMessage` (20), `reactionsPerUser` (5),
   * `pin` (`members` or `admins`), `pinsPerConversation` (50).
   */
  changes?: Partial<ChangePolicy>;
  /** Webhooks (SPEC §11): endpoints of the environment, timeouts, retries; see WebhookOptions. */
  webhooks?: WebhookOptions;
  /**
   * Unread reminders (env NATTER_UNREAD_REMINDER, e.g. `10m`; off by default): a `message.unread`
   * webhook event per member and conversation whose messages stayed unread `afterMs`; see UnreadReminderOptions.
   */
  unreadReminders?: UnreadReminderOptions;
  /** The before-send hook (SPEC §11): url, secret, timeoutMs (1000), fallback (`allow`); see BeforeSendOptions. */
  beforeSend?: BeforeSendOptions;
  /**
   * The word list's configured entries and default mode (`mask`) (SPEC §11; env NATTER_WORDLIST_FILE,
   * NATTER_WORDLIST_MODE). Entries added over admin REST (`/v1/wordlist`) are kept in the store.
   */
  wordList?: WordListOptions;
  /** Serve this directory (the built demo) at `/`. */
  staticDir?: string;
  /**
   * Directory of uploaded files (disk FileStorage; nodes of a cluster must share it). Default:
   * none with `databaseUrl` (files in PostgreSQL), else `<dataDir>/uploads`, else memory.
   */
  uploadDir?: string;
  /**
   * Uploaded files in an S3-compatible object store (bucket, endpoint, credentials, path style,
   * `reads: 'proxied' | 'presigned'`): see S3FileStorageOptions. Not with `uploadDir`.
   */
  s3?: S3FileStorageOptions;
  /** Where uploaded bytes live instead of the above (an adapter, or a function making one; the caller closes it). */
  fileStorage?: FileStorage | FileStorageFactory;
  /** File metadata and references; default: PostgreSQL with `databaseUrl`, else `<dataDir>/files.db`, else memory. */
  fileIndex?: FileIndex | FileIndexFactory;
  /** Bytes of unreferenced uploads (not yet sent in a message) one user may hold; one more is refused 413 UPLOAD_QUOTA_EXCEEDED. Default 256 MiB. */
  uploadQuotaBytes?: number;
  /** Number of unreferenced uploads one user may hold. Default 20. */
  uploadQuotaFiles?: number;
  /** Uploads per user per minute (shared over Redis with `redisUrl`); more are refused 429 RATE_LIMITED. Default 30. */
  uploadsPerMinute?: number;
  /**
   * Link previews (`POST /v1/previews`): `false` turns them off; `allowLoopback` lets them fetch
   * loopback pages (tests only), `ports` adds ports to 80 and 443. A page's `og:image`:
   * `images: 'proxy'` (recommended) fetches it through the same guards and serves it from
   * `GET /v1/previews/images/<signed key>` (at most `imageMaxBytes`, PNG/JPEG/GIF/WebP by their
   * bytes, cached in memory up to `imageCacheBytes`); `keep` keeps its URL (readers' browsers
   * fetch it from the linked site); default `drop` (no picture).
   */
  linkPreviews?: false | {
    allowLoopback?: boolean; ports?: number[]; images?: 'drop' | 'keep' | 'proxy'; timeoutMs?: number; maxBytes?: number;
    imageMaxBytes?: number; imageTimeoutMs?: number; imageCacheBytes?: number;
  };
  /** Age after which an upload no message references is deleted (file and metadata). Default 24 h. */
  uploadUnreferencedTtlMs?: number;
  /** Time between sweeps for such uploads (each node sweeps; sweeps are idempotent). Default 10 min. */
  uploadSweepIntervalMs?: number;
  /**
   * Dev mode: `GET /v1/dev/token` hands out tokens to anyone; a random secret is used if none is
   * given, and loopback pages on the server's own port count as its own origin under any
   * loopback name. Local development only (`natter-server` asks for NATTER_DEV=1).
   */
  dev?: boolean;
  /** CORS origins besides the server's own: `*`, a list, or `[]` for none. Default none. */
  allowedOrigins?: '*' | string[];
  /** Fastify logger setting (false, true or pino options). Default false. */
  logger?: boolean | object;
  /** WebSocket path. Default `/ws`. */
  wsPath?: string;
  /** Heartbeat interval; a socket silent for a whole interval is dropped. Default 30000. */
  pingIntervalMs?: number;
  /** Unsent bytes after which a socket counts as a slow consumer and is dropped. Default 8 MiB. */
  maxBufferedBytes?: number;
  /** Hard cap of an inbound WebSocket frame; bigger ones close the socket (1009). Default 1 MiB. */
  maxPayload?: number;
  /** Time a connection has to open a session. Default 10000. */
  authTimeoutMs?: number;
  /** Time a REST request body (JSON, at most 1 MB; not an upload) has to arrive; then BAD_REQUEST and the connection is closed. Default 30000. */
  requestBodyTimeoutMs?: number;
  /** Time `close()` gives open HTTP requests to finish once WebSockets are drained; then their connections are closed. Default 10000. */
  shutdownGraceMs?: number;
  /** Time an upload's body may send nothing (the storage ready for more); then BAD_REQUEST, the connection closed and nothing kept. Default 60000. */
  uploadIdleTimeoutMs?: number;
  /**
   * The slowest an upload's body may arrive, on average since its start, once `uploadRateGraceMs`
   * has passed (a byte every 59 s never stalls for the idle deadline); slower → BAD_REQUEST, the
   * connection closed and nothing kept. Time the storage holds the body back does not count. Default 1024.
   */
  uploadMinBytesPerSecond?: number;
  /** The time an upload's body has before `uploadMinBytesPerSecond` applies. Default 30000. */
  uploadRateGraceMs?: number;
  /** Open sessions per user on this node; one more is refused with TOO_MANY_CONNECTIONS (close 4429). Default 32. */
  maxConnectionsPerUser?: number;
  /** Open WebSockets per client IP on this node; one more upgrade is answered 429. Default 1024. */
  maxConnectionsPerIp?: number;
  /**
   * Open HTTP connections (not yet WebSockets) per TCP peer on this node; one more is answered
   * 429 TOO_MANY_CONNECTIONS and closed unread. A trusted proxy (`trustProxy`) is not capped. Default 1024.
   */
  maxHttpConnectionsPerIp?: number;
  /** Invalid frames one WebSocket may send per minute; one more is answered BAD_FRAME and the socket closed 1008. Default 100. */
  maxBadFramesPerMinute?: number;
  /**
   * Proxies trusted to name the client in `X-Forwarded-For`: a hop count, or addresses, CIDR
   * ranges and `loopback` / `linklocal` / `uniquelocal` (fastify's `trustProxy` meaning). The
   * per-IP limit, REST's `request.ip` and the logs then use the client's address; a header from
   * any other peer is ignored. Default: none (the TCP peer is the client).
   */
  trustProxy?: ProxyTrustSetting;
  /**
   * Push hook: called once per committed message (not online-only ones) with the recipients, never
   * the sender, who have no live session on any node, and the message's `offlinePushInfo`. Presence
   * is shared over Redis with `redisUrl`, else it is this node's (a custom `bus` gets node-local
   * presence). Runs after the ack, off the send path; a throw or rejection is logged.
   */
  onOfflineMessage?: OfflineMessageHandler;
  /**
   * Web Push (SPEC §10): VAPID keys, `/v1/push/*` routes and an encrypted push to every
   * subscription of each recipient who is offline everywhere and has not muted the conversation
   * (after `onOfflineMessage`, if given). Off unless given (`{}` turns it on with the defaults).
   */
  push?: PushOptions;
}

export const DEFAULTS = {
  sendsPerMinute: 300,
  sendRateWindowMs: 60_000,
  broadcastsPerMinute: 10,
  broadcastsPerDay: 1000,
  reportsPerHour: 20,
  friendsOnly: false,
  blockedSenderSeesError: false,
  replayLimit: 10_000,
  dev: false,
  tokenMaxLifetimeSeconds: DEFAULT_TOKEN_MAX_LIFETIME,
  logger: false as boolean | object,
  wsPath: '/ws',
  pingIntervalMs: 30_000,
  maxBufferedBytes: 8 * 1024 * 1024,
  maxPayload: 1024 * 1024,
  authTimeoutMs: 10_000,
  requestBodyTimeoutMs: 30_000,
  shutdownGraceMs: 10_000,
  uploadIdleTimeoutMs: 60_000,
  uploadMinBytesPerSecond: 1024,
  uploadRateGraceMs: 30_000,
  maxConnectionsPerUser: 32,
  maxConnectionsPerIp: 1024,
  maxHttpConnectionsPerIp: 1024,
  maxBadFramesPerMinute: 100,
  clock: Date.now as Clock,
  uploadQuotaBytes: 256 * 1024 * 1024,
  uploadQuotaFiles: 20,
  uploadsPerMinute: 30,
  uploadUnreferencedTtlMs: 24 * 3600_000,
  uploadSweepIntervalMs: 600_000,
} satisfies Partial<ChatServerOptions>;

export type ResolvedOptions = Omit<ChatServerOptions, keyof typeof DEFAULTS> & typeof DEFAULTS;

const positiveInt = (n: number) => Number.isInteger(n) && n > 0;
/** Node's longest timer: a `setTimeout` longer than this fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Applies defaults and refuses impossible combinations before anything starts (TypeError). */
export function resolveOptions(input: ChatServerOptions): ResolvedOptions {
  const o = { ...DEFAULTS, ...stripUndefined(input) } as ResolvedOptions;
  if (!o.store && !o.dataDir && !o.databaseUrl) throw new TypeError('createChatServer: give `dataDir` (for SQLite), `databaseUrl` or a `store`.');
  if (o.store && o.databaseUrl) throw new TypeError('createChatServer: give `store` or `databaseUrl`, not both.');
  if (o.bus && o.redisUrl) throw new TypeError('createChatServer: give `bus` or `redisUrl`, not both.');
  if (o.databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(o.databaseUrl)) throw new TypeError('createChatServer: `databaseUrl` must be a postgres:// URL.');
  if (o.redisUrl !== undefined && !/^rediss?:\/\//.test(o.redisUrl)) throw new TypeError('createChatServer: `redisUrl` must be a redis:// URL.');
  if (!o.secret && !o.dev) throw new TypeError('createChatServer: `secret` is required outside dev mode.');
  if (o.secret !== undefined && o.secret.length < 16) throw new TypeError('createChatServer: `secret` must be at least 16 characters.');
  if (o.adminKey !== undefined && o.adminKey.length < 16) throw new TypeError('createChatServer: `adminKey` must be at least 16 characters.');
  if (o.adminKey !== undefined && o.adminKey === o.secret) throw new TypeError('createChatServer: `adminKey` must differ from `secret`.');
  if (o.metricsKey !== undefined && o.metricsKey.length < 16) throw new TypeError('createChatServer: `metricsKey` must be at least 16 characters.');
  for (const k of ['sendsPerMinute', 'sendRateWindowMs', 'broadcastsPerMinute', 'broadcastsPerDay', 'reportsPerHour', 'replayLimit', 'pingIntervalMs', 'maxBufferedBytes', 'maxPayload', 'authTimeoutMs', 'requestBodyTimeoutMs', 'shutdownGraceMs', 'uploadIdleTimeoutMs', 'uploadMinBytesPerSecond', 'uploadRateGraceMs', 'maxConnectionsPerUser', 'maxConnectionsPerIp', 'maxHttpConnectionsPerIp', 'maxBadFramesPerMinute',
    'uploadQuotaBytes', 'uploadQuotaFiles', 'uploadsPerMinute', 'uploadUnreferencedTtlMs', 'uploadSweepIntervalMs', 'tokenMaxLifetimeSeconds'] as const) {
    if (!positiveInt(o[k])) throw new TypeError(`createChatServer: \`${k}\` must be a positive integer.`);
  }
  // Node's timers hold at most 2^31 - 1 ms (24.8 days); a longer one fires after 1 ms instead:
  // a body deadline, an auth deadline or a heartbeat set too long would cut every client at once.
  for (const k of ['pingIntervalMs', 'authTimeoutMs', 'requestBodyTimeoutMs', 'shutdownGraceMs', 'uploadIdleTimeoutMs', 'uploadRateGraceMs', 'uploadSweepIntervalMs'] as const) {
    if (o[k] > MAX_TIMER_MS) throw new TypeError(`createChatServer: \`${k}\` must be at most ${MAX_TIMER_MS} (Node's longest timer, 24.8 days).`);
  }
  for (const [k, n] of Object.entries(o.frameBudgets ?? {})) {
    if (!(k in DEFAULT_FRAME_BUDGETS)) throw new TypeError(`createChatServer: \`frameBudgets.${k}\` is not a frame class (${Object.keys(DEFAULT_FRAME_BUDGETS).join(', ')}).`);
    if (n !== undefined && !positiveInt(n)) throw new TypeError(`createChatServer: \`frameBudgets.${k}\` must be a positive integer.`);
  }
  if (typeof o.presence === 'object') {
    for (const k of ['intervalMs', 'sweepMs'] as const) {
      if (o.presence[k] !== undefined && !positiveInt(o.presence[k])) throw new TypeError(`createChatServer: \`presence.${k}\` must be a positive integer.`);
    }
  }
  if (o.maxPendingFriendRequests !== undefined && !positiveInt(o.maxPendingFriendRequests)) throw new TypeError('createChatServer: `maxPendingFriendRequests` must be a positive integer.');
  if (o.groupMemberLimit !== undefined && !positiveInt(o.groupMemberLimit)) throw new TypeError('createChatServer: `groupMemberLimit` must be a positive integer.');
  if (o.groupCreate !== undefined && o.groupCreate !== 'everyone' && o.groupCreate !== 'admin') throw new TypeError('createChatServer: `groupCreate` is `everyone` or `admin`.');
  if (o.maxPayload < 256 * 1024) throw new TypeError('createChatServer: `maxPayload` must be at least LIMITS.frameBytes (256 KiB).');
  if (o.trustProxy !== undefined) compileProxyTrust(o.trustProxy);
  envEndpoints(o.webhooks);
  if (o.unreadReminders) checkUnreadReminders(o.unreadReminders);
  if (o.beforeSend) checkBeforeSend(o.beforeSend);
  if (o.s3 && (o.uploadDir !== undefined || o.fileStorage)) throw new TypeError('createChatServer: give `s3`, `uploadDir` or `fileStorage`, not two.');
  if (o.s3 && !o.s3.bucket) throw new TypeError('createChatServer: `s3.bucket` is required.');
  if (o.s3?.reads !== undefined && o.s3.reads !== 'proxied' && o.s3.reads !== 'presigned') throw new TypeError('createChatServer: `s3.reads` is `proxied` or `presigned`.');
  if (o.s3?.presignSeconds !== undefined && !(positiveInt(o.s3.presignSeconds) && o.s3.presignSeconds <= 604_800)) {
    throw new TypeError('createChatServer: `s3.presignSeconds` must be a positive integer up to 604800 (7 days, S3\'s longest).');
  }
  if (!o.wsPath.startsWith('/')) throw new TypeError('createChatServer: `wsPath` must start with `/`.');
  if (o.staticDir !== undefined && !(existsSync(o.staticDir) && statSync(o.staticDir).isDirectory())) {
    throw new TypeError(`createChatServer: \`staticDir\` ${o.staticDir} is not a directory.`);
  }
  return o;
}

export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export type { Logger };
