#!/usr/bin/env -S node --max-semi-space-size=64
/**
 * `natter-server`: the chat server with embedded defaults (SQLite in NATTER_DATA_DIR,
 * in-process fan-out), or a cluster node with PostgreSQL and Redis. Environment:
 *   PORT (8787), HOST (127.0.0.1; set 0.0.0.0 to accept other machines),
 *   NATTER_DATA_DIR (./data), NATTER_SECRET (required unless NATTER_DEV=1), NATTER_ADMIN_KEY,
 *   NATTER_DEV (1/true: dev mode; loopback HOST only unless NATTER_DEV_ALLOW_REMOTE=1 too),
 *   NATTER_TOKEN_MAX_LIFETIME (seconds, 604800), NATTER_TOKEN_AUDIENCE, NATTER_TOKEN_ISSUER,
 *   NATTER_FRIENDS_ONLY (1/true), NATTER_SEND_RATE_PER_MINUTE (300),
 *   NATTER_SEND_RATE_WINDOW_MS (60000; the window that rate counts in),
 *   NATTER_FRAME_RATES_PER_MINUTE (per-user frame budgets by class, e.g. ping=240,history=600,
 *   members=300,read=600,blocklist=60,session=120,search=120; unlisted classes keep these defaults),
 *   NATTER_BLOCKED_SENDER_SEES_ERROR (1/true), NATTER_REPLAY_LIMIT (10000),
 *   NATTER_BROADCASTS_PER_MINUTE (10), NATTER_BROADCASTS_PER_DAY (1000),
 *   NATTER_REPORTS_PER_HOUR (20; message reports per user),
 *   NATTER_ALLOWED_ORIGINS (comma list or *; default none: the server's own origin only),
 *   NATTER_LOG (1/true for request logs),
 *   NATTER_REQUEST_BODY_TIMEOUT_MS (30000; a REST body, not an upload, must arrive within it),
 *   NATTER_SHUTDOWN_GRACE_MS (10000; on SIGTERM, open HTTP requests get this long, then their connections are closed),
 *   NATTER_UPLOAD_IDLE_TIMEOUT_MS (60000; an upload's body may send nothing for this long),
 *   NATTER_UPLOAD_MIN_BYTES_PER_SECOND (1024; an upload's body averages at least this since its
 *   start once NATTER_UPLOAD_RATE_GRACE_MS, 30000, has passed),
 *   NATTER_LATENCY_TRACE (a file: latency histograms written to it on each SIGUSR2; a diagnostic),
 *   NATTER_MAX_CONNECTIONS_PER_USER (32), NATTER_MAX_CONNECTIONS_PER_IP (1024), NATTER_MAX_HTTP_CONNECTIONS_PER_IP (1024),
 *   NATTER_MAX_BAD_FRAMES_PER_MINUTE (100; invalid frames a socket may send before it is closed 1008),
 *   NATTER_TRUST_PROXY (hop count or comma list of proxy addresses/CIDRs/loopback whose
 *   X-Forwarded-For names the client; unset = none),
 *   NATTER_DATABASE_URL (postgres://…; store in PostgreSQL instead of SQLite),
 *   NATTER_REDIS_URL (redis://…; fan-out and rate limits shared by every node),
 *   NATTER_REDIS_PREFIX (natter:; one per deployment sharing a Redis),
 *   NATTER_METRICS_KEY (Bearer key for GET /metrics; the admin key works too),
 *   NATTER_UPLOAD_DIR (uploaded files on disk; default: in PostgreSQL with NATTER_DATABASE_URL,
 *   else <NATTER_DATA_DIR>/uploads),
 *   NATTER_S3_BUCKET (uploaded files in this S3-compatible bucket instead), NATTER_S3_ENDPOINT,
 *   NATTER_S3_REGION (us-east-1), NATTER_S3_ACCESS_KEY_ID, NATTER_S3_SECRET_ACCESS_KEY (else the
 *   AWS SDK's own chain), NATTER_S3_FORCE_PATH_STYLE (1: endpoint/bucket/key), NATTER_S3_PREFIX,
 *   NATTER_S3_READS (proxied|presigned; proxied), NATTER_S3_PRESIGN_SECONDS (300),
 *   NATTER_UPLOAD_QUOTA_BYTES (268435456), NATTER_UPLOAD_QUOTA_FILES (20): unsent uploads per user,
 *   NATTER_UPLOAD_RATE_PER_MINUTE (30), NATTER_UPLOAD_UNREFERENCED_TTL (24h; unsent uploads are
 *   deleted after it: a number of seconds, or with a unit s, m, h, d).
 *   NATTER_EDIT_WINDOW_SECONDS (unset: any time), NATTER_RECALL_WINDOW_SECONDS (120),
 *   NATTER_REACTIONS_PER_MESSAGE (20), NATTER_REACTIONS_PER_USER (5), NATTER_PIN (members|admins),
 *   NATTER_WEBHOOK_URL (comma list), NATTER_WEBHOOK_SECRET, NATTER_WEBHOOK_EVENTS (comma list; all),
 *   NATTER_WEBHOOK_TIMEOUT_MS (10000), NATTER_WEBHOOK_RETRY_FOR (24h), NATTER_WEBHOOK_BACKOFF_MS (1000),
 *   NATTER_UNREAD_REMINDER (off; a duration such as 10m: the message.unread webhook event after a
 *   message stayed unread that long), NATTER_UNREAD_REMINDER_ONLINE (1: remind people online too),
 *   NATTER_BEFORE_SEND_URL, NATTER_BEFORE_SEND_SECRET (else NATTER_WEBHOOK_SECRET),
 *   NATTER_BEFORE_SEND_TIMEOUT_MS (1000), NATTER_BEFORE_SEND_FALLBACK (allow|reject; allow).
 *   NATTER_WORDLIST_FILE (one entry per line, `word` or `word<TAB>reject|mask`; `#` comments),
 *   NATTER_WORDLIST_MODE (reject|mask: entries without a mode; default mask).
 *   NATTER_PUSH (1: Web Push on; also on with VAPID keys or in dev mode; 0: off),
 *   NATTER_VAPID_PUBLIC_KEY, NATTER_VAPID_PRIVATE_KEY (default: generated once, kept in the store),
 *   NATTER_VAPID_SUBJECT, NATTER_PUSH_PREVIEW (0: "New message"), NATTER_PUSH_TTL (86400 s),
 *   NATTER_PUSH_ALLOW_LOOPBACK (1: tests only, loopback push endpoints).
 *   NATTER_GROUP_CREATE (everyone|admin: who may create groups from the widget; default everyone).
 *   NATTER_PRESENCE (on|off: online / last seen for 1:1 peers and friends; default on).
 *   NATTER_FRIEND_REQUESTS (on: adding a friend sends a request to accept; default off, adding is direct),
 *   NATTER_FRIEND_REQUESTS_PENDING (100: requests one user may have pending, sent and received each).
 * Dev mode keeps a generated secret and admin key in the data dir, seeds alice, bob, carol and
 * the group `demo` (owned by alice), and serves GET /v1/dev/token?user=<id>.
 */
import { changePolicyFromEnv } from './changes/policy.js';
import { existsSync, readFileSync } from 'node:fs';
import { parseWordListFile, type WordListOptions } from './moderation/word-list.js';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createChatServer } from './create-chat-server.js';
import { seedDemo } from './core/demo.js';
import { parseFrameBudgets } from './core/frame-rates.js';
import { devModeOf, persistentSecret } from './dev-mode.js';
import { isLoopbackHost } from './origin-policy.js';
import { installProcessGuard } from './process-guard.js';
import { latencyTraceOnSignal } from './latency-trace-signal.js';
import { pushFromEnv } from './push/push-env.js';
import { unreadRemindersFromEnv } from './webhooks/unread-reminders.js';
import { s3FromEnv } from './uploads/storage-env.js';

const env = process.env;
const flag = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v);
const int = (name: string, v: string | undefined) => {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new TypeError(`${name} must be a positive integer, not "${v}".`);
  return n;
};

/** A duration in ms from seconds (`90`) or with a unit (`30s`, `15m`, `24h`, `7d`). */
const duration = (name: string, v: string | undefined) => {
  if (v === undefined || v.trim() === '') return undefined;
  const m = /^(\d+)\s*(s|m|h|d)?$/.exec(v.trim());
  if (!m || Number(m[1]) <= 0) throw new TypeError(`${name} must be a positive duration such as 3600, 90m or 24h, not "${v}".`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
};

/** NATTER_GROUP_CREATE: `everyone` or `admin`. */
const groupCreateFromEnv = (v: string | undefined) => {
  if (v === undefined || v.trim() === '') return undefined;
  if (v.trim() !== 'everyone' && v.trim() !== 'admin') throw new TypeError(`NATTER_GROUP_CREATE must be everyone or admin, not "${v}".`);
  return v.trim() as 'everyone' | 'admin';
};

/** NATTER_PRESENCE: `on` or `off`. */
const presenceFromEnv = (v: string | undefined) => {
  if (v === undefined || v.trim() === '') return undefined;
  if (v.trim() !== 'on' && v.trim() !== 'off') throw new TypeError(`NATTER_PRESENCE must be on or off, not "${v}".`);
  return v.trim() === 'on';
};

/** NATTER_LINK_PREVIEW_IMAGES: what previews do with a page's picture (default drop; proxy recommended). */
const previewImagesFromEnv = (v: string | undefined): 'drop' | 'keep' | 'proxy' => {
  if (v === undefined || v.trim() === '') return 'drop';
  if (!['drop', 'keep', 'proxy'].includes(v.trim())) throw new TypeError(`NATTER_LINK_PREVIEW_IMAGES must be drop, keep or proxy, not "${v}".`);
  return v.trim() as 'drop' | 'keep' | 'proxy';
};

/** NATTER_BEFORE_SEND_FALLBACK: what a send gets when the hook does not answer. */
const fallback = (v: string | undefined): 'allow' | 'reject' | undefined => {
  if (v === undefined || v === '') return undefined;
  if (v !== 'allow' && v !== 'reject') throw new TypeError(`NATTER_BEFORE_SEND_FALLBACK must be allow or reject, not "${v}".`);
  return v;
};

/** NATTER_WORDLIST_FILE and NATTER_WORDLIST_MODE: the word list's configured entries. */
function wordListFromEnv(e: NodeJS.ProcessEnv): WordListOptions | undefined {
  const mode = e['NATTER_WORDLIST_MODE']?.trim();
  if (mode && mode !== 'reject' && mode !== 'mask') throw new TypeError(`NATTER_WORDLIST_MODE must be reject or mask, not "${mode}".`);
  const file = e['NATTER_WORDLIST_FILE'];
  if (!file && !mode) return undefined;
  return { ...(mode && { mode: mode as 'reject' | 'mask' }), ...(file && { entries: parseWordListFile(readFileSync(resolve(file), 'utf8')) }) };
}

/** NATTER_TRUST_PROXY: a hop count, or a comma list of addresses, CIDR ranges and named ranges. */
const proxyTrust = (v: string | undefined) =>
  v === undefined || v.trim() === '' ? undefined : /^\d+$/.test(v.trim()) ? Number(v) : v.split(',').map((s) => s.trim()).filter(Boolean);

async function main(): Promise<void> {
  const dataDir = resolve(env['NATTER_DATA_DIR'] ?? './data');
  const host = env['HOST'] || '127.0.0.1';
  const dev = devModeOf(env, host);
  const secret = env['NATTER_SECRET'] || persistentSecret(dataDir, 'dev-secret');
  const adminKey = env['NATTER_ADMIN_KEY'] || (dev ? persistentSecret(dataDir, 'dev-admin-key') : undefined);
  const origins = env['NATTER_ALLOWED_ORIGINS'];
  // The built demo sits beside the compiled server: <package>/dist/demo next to dist/server.
  const demoDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/demo');
  const fromDist = resolve(dirname(fileURLToPath(import.meta.url)), '../demo');
  const staticDir = [fromDist, demoDir].find((d) => existsSync(d));

  // A diagnostic (issue 23): before the store opens, so its writer thread times its jobs too.
  if (env['NATTER_LATENCY_TRACE']) latencyTraceOnSignal(env['NATTER_LATENCY_TRACE']);
  const server = await createChatServer({
    dataDir,
    databaseUrl: env['NATTER_DATABASE_URL'] || undefined,
    redisUrl: env['NATTER_REDIS_URL'] || undefined,
    redisPrefix: env['NATTER_REDIS_PREFIX'] || undefined,
    secret,
    adminKey,
    metricsKey: env['NATTER_METRICS_KEY'] || undefined,
    dev,
    friendsOnly: flag(env['NATTER_FRIENDS_ONLY']),
    blockedSenderSeesError: flag(env['NATTER_BLOCKED_SENDER_SEES_ERROR']),
    friendRequests: flag(env['NATTER_FRIEND_REQUESTS']),
    maxPendingFriendRequests: int('NATTER_FRIEND_REQUESTS_PENDING', env['NATTER_FRIEND_REQUESTS_PENDING']),
    sendsPerMinute: int('NATTER_SEND_RATE_PER_MINUTE', env['NATTER_SEND_RATE_PER_MINUTE']),
    sendRateWindowMs: int('NATTER_SEND_RATE_WINDOW_MS', env['NATTER_SEND_RATE_WINDOW_MS']),
    frameBudgets: env['NATTER_FRAME_RATES_PER_MINUTE'] ? parseFrameBudgets(env['NATTER_FRAME_RATES_PER_MINUTE']) : undefined,
    replayLimit: int('NATTER_REPLAY_LIMIT', env['NATTER_REPLAY_LIMIT']),
    broadcastsPerMinute: int('NATTER_BROADCASTS_PER_MINUTE', env['NATTER_BROADCASTS_PER_MINUTE']),
    broadcastsPerDay: int('NATTER_BROADCASTS_PER_DAY', env['NATTER_BROADCASTS_PER_DAY']),
    reportsPerHour: int('NATTER_REPORTS_PER_HOUR', env['NATTER_REPORTS_PER_HOUR']),
    maxConnectionsPerUser: int('NATTER_MAX_CONNECTIONS_PER_USER', env['NATTER_MAX_CONNECTIONS_PER_USER']),
    maxConnectionsPerIp: int('NATTER_MAX_CONNECTIONS_PER_IP', env['NATTER_MAX_CONNECTIONS_PER_IP']),
    maxHttpConnectionsPerIp: int('NATTER_MAX_HTTP_CONNECTIONS_PER_IP', env['NATTER_MAX_HTTP_CONNECTIONS_PER_IP']),
    maxBadFramesPerMinute: int('NATTER_MAX_BAD_FRAMES_PER_MINUTE', env['NATTER_MAX_BAD_FRAMES_PER_MINUTE']),
    requestBodyTimeoutMs: int('NATTER_REQUEST_BODY_TIMEOUT_MS', env['NATTER_REQUEST_BODY_TIMEOUT_MS']),
    shutdownGraceMs: int('NATTER_SHUTDOWN_GRACE_MS', env['NATTER_SHUTDOWN_GRACE_MS']),
    uploadIdleTimeoutMs: int('NATTER_UPLOAD_IDLE_TIMEOUT_MS', env['NATTER_UPLOAD_IDLE_TIMEOUT_MS']),
    uploadMinBytesPerSecond: int('NATTER_UPLOAD_MIN_BYTES_PER_SECOND', env['NATTER_UPLOAD_MIN_BYTES_PER_SECOND']),
    uploadRateGraceMs: int('NATTER_UPLOAD_RATE_GRACE_MS', env['NATTER_UPLOAD_RATE_GRACE_MS']),
    trustProxy: proxyTrust(env['NATTER_TRUST_PROXY']),
    allowedOrigins: origins === undefined ? undefined : origins.trim() === '*' ? '*' : origins.split(',').map((s) => s.trim()).filter(Boolean),
    staticDir,
    uploadDir: env['NATTER_UPLOAD_DIR'] ? resolve(env['NATTER_UPLOAD_DIR']) : undefined,
    s3: s3FromEnv(env),
    uploadQuotaBytes: int('NATTER_UPLOAD_QUOTA_BYTES', env['NATTER_UPLOAD_QUOTA_BYTES']),
    uploadQuotaFiles: int('NATTER_UPLOAD_QUOTA_FILES', env['NATTER_UPLOAD_QUOTA_FILES']),
    uploadsPerMinute: int('NATTER_UPLOAD_RATE_PER_MINUTE', env['NATTER_UPLOAD_RATE_PER_MINUTE']),
    uploadUnreferencedTtlMs: duration('NATTER_UPLOAD_UNREFERENCED_TTL', env['NATTER_UPLOAD_UNREFERENCED_TTL']),
    logger: flag(env['NATTER_LOG']),
    tokenMaxLifetimeSeconds: int('NATTER_TOKEN_MAX_LIFETIME', env['NATTER_TOKEN_MAX_LIFETIME']),
    tokenAudience: env['NATTER_TOKEN_AUDIENCE'] || undefined,
    tokenIssuer: env['NATTER_TOKEN_ISSUER'] || undefined,
    changes: changePolicyFromEnv(env),
    webhooks: {
      urls: (env['NATTER_WEBHOOK_URL'] ?? '').split(',').map((u) => u.trim()).filter(Boolean),
      secret: env['NATTER_WEBHOOK_SECRET'] || undefined,
      events: env['NATTER_WEBHOOK_EVENTS'] ? env['NATTER_WEBHOOK_EVENTS'].split(',').map((e) => e.trim()).filter(Boolean) : undefined,
      timeoutMs: int('NATTER_WEBHOOK_TIMEOUT_MS', env['NATTER_WEBHOOK_TIMEOUT_MS']),
      retryForMs: duration('NATTER_WEBHOOK_RETRY_FOR', env['NATTER_WEBHOOK_RETRY_FOR']),
      backoffMs: int('NATTER_WEBHOOK_BACKOFF_MS', env['NATTER_WEBHOOK_BACKOFF_MS']),
    },
    unreadReminders: unreadRemindersFromEnv(env, duration('NATTER_UNREAD_REMINDER', env['NATTER_UNREAD_REMINDER'])),
    push: pushFromEnv(env, dev),
    groupCreate: groupCreateFromEnv(env['NATTER_GROUP_CREATE']),
    presence: presenceFromEnv(env['NATTER_PRESENCE']),
    beforeSend: env['NATTER_BEFORE_SEND_URL'] ? {
      url: env['NATTER_BEFORE_SEND_URL'],
      secret: env['NATTER_BEFORE_SEND_SECRET'] || env['NATTER_WEBHOOK_SECRET'] || '',
      timeoutMs: int('NATTER_BEFORE_SEND_TIMEOUT_MS', env['NATTER_BEFORE_SEND_TIMEOUT_MS']),
      fallback: fallback(env['NATTER_BEFORE_SEND_FALLBACK']),
    } : undefined,
    wordList: wordListFromEnv(env),
    linkPreviews: flag(env['NATTER_LINK_PREVIEWS_OFF']) ? false : {
      // The test switch: loopback pages may be previewed (never set it in production).
      allowLoopback: flag(env['NATTER_LINK_PREVIEW_ALLOW_LOOPBACK']),
      ports: (env['NATTER_LINK_PREVIEW_PORTS'] ?? '').split(',').map((p) => Number(p.trim())).filter((p) => Number.isInteger(p) && p > 0 && p < 65536),
      images: previewImagesFromEnv(env['NATTER_LINK_PREVIEW_IMAGES']),
    },
  });
  if (dev) await seedDemo(server.admin, server.store);

  const { url, address, port } = await server.listen(int('PORT', env['PORT']) ?? 8787, host);
  // This process is the server's own: an error nothing caught is logged, not fatal (process-guard.ts).
  installProcessGuard(flag(env['NATTER_LOG']) ? server.http.log : { info: console.log, warn: console.warn, error: console.error });
  const loopback = isLoopbackHost(address);
  const bound = `${address.includes(':') ? `[${address}]` : address}:${port}`;
  console.log(`natter-server listening on ${bound}${loopback ? '' : ' (reachable from other machines)'}: ${url} (WebSocket ${url.replace(/^http/, 'ws')}/ws)`);
  if (dev) {
    console.log(`Dev mode (NATTER_DEV): anyone who reaches ${bound} gets a token for any user at GET /v1/dev/token?user=<id>`);
    if (!env['NATTER_ADMIN_KEY']) {
      console.log(loopback ? `Admin key (kept in ${dataDir}/dev-admin-key): ${adminKey}` : `Admin key: kept in ${dataDir}/dev-admin-key (not printed on a non-loopback bind)`);
    }
  }
  if (staticDir) console.log(`Serving the demo from ${staticDir}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * A startup error for the operator: its message, then each cause its message does not already
 * tell (a refused commit's SQLite error under the UNAVAILABLE a client would see), one a line.
 */
function describe(err: unknown): string {
  const lines: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 5; e = e instanceof Error ? e.cause : undefined, depth++) {
    const text = e instanceof Error ? e.message : String(e);
    if (!lines.some((line) => line.includes(text))) lines.push(text);
  }
  return lines.join('\n  caused by: ');
}

main().catch((err: unknown) => {
  console.error(describe(err));
  process.exit(1);
});
