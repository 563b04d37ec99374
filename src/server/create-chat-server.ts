import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { createMemoryBus } from './bus/memory-bus.js';
import { createMemoryPresence } from './bus/memory-presence.js';
import { AdminApi } from './core/admin.js';
import type { Bus } from './core/bus.js';
import { ChatCore } from './core/chat-core.js';
import type { Logger } from './core/logger.js';
import type { OfflineMessageHandler } from './core/offline-push.js';
import type { Presence } from './core/presence.js';
import { createMemoryRateLimiter, type RateLimiter } from './core/rate-limiter.js';
import type { Store } from './core/store.js';
import { buildHttpApp } from './http/http-app.js';
import { metricsRoutes } from './http/metrics-routes.js';
import { createServerMetrics } from './metrics/server-metrics.js';
import { resolveOptions, stripUndefined, type ChatServerOptions } from './options.js';
import {
  createPostgresFileIndex, createPostgresStore, createRedisBus, createRedisPresence, createRedisRateLimiter,
} from './optional-backends.js';
import { compileProxyTrust } from './proxy-trust.js';
import type { PushService } from './push/push-service.js';
import { createSqliteStore } from './store/sqlite-store.js';
import { attachGateway, type Gateway } from './ws/gateway.js';
import { capConnectionsPerIp } from './http/connection-cap.js';
import { closeWithinGrace } from './http/close-grace.js';
import { LinkPreviews } from './previews/link-previews.js';
import { FileAccess } from './uploads/file-access.js';
import type { FileIndex } from './uploads/file-index.js';
import { createMemoryFileIndex } from './uploads/memory-file-index.js';
import type { FileStorage } from './uploads/file-storage.js';
import { openFileStorage } from './uploads/open-file-storage.js';
import { createSqliteFileIndex } from './uploads/sqlite-file-index.js';
import { startUploadSweeper, type UploadSweeper } from './uploads/upload-sweeper.js';
import { WebhookDeliverer } from './webhooks/deliverer.js';
import { WebhookEndpoints } from './webhooks/endpoints.js';
import { UnreadReminders } from './webhooks/unread-reminders.js';
import { envEndpoints } from './webhooks/options.js';
import { BeforeSendHook } from './webhooks/before-send.js';

export interface ChatServer {
  /** Starts listening (port 0 picks a free one). Resolves with the address actually bound, its port, and a URL to reach it. */
  listen(port?: number, host?: string): Promise<{ port: number; url: string; address: string }>;
  /** Graceful shutdown: stop accepting, close sockets (1001), drain commits, close bus and store. */
  close(): Promise<void>;
  readonly core: ChatCore;
  readonly admin: AdminApi;
  readonly http: FastifyInstance;
  readonly store: Store;
  readonly bus: Bus;
  /** This server's Prometheus registry (served at `GET /metrics`). */
  readonly metrics: Registry;
  /** True when dev routes are on. */
  readonly dev: boolean;
  /** Web Push, when the `push` option turned it on. */
  readonly push: PushService | undefined;
}

/**
 * Builds a Natter server from options (see ChatServerOptions for every default). Throws a
 * TypeError for an impossible combination before opening anything.
 */
export async function createChatServer(input: ChatServerOptions): Promise<ChatServer> {
  const o = resolveOptions(input);
  let http: FastifyInstance | undefined;
  // The core logs through fastify's logger, which exists only once the app is built. What the
  // adapters say while they open (a store upgrading its file, a bus retrying) waits for it.
  const early: Array<[level: 'info' | 'warn' | 'error', obj: unknown, msg?: string]> = [];
  const log = (level: 'info' | 'warn' | 'error') => (obj: unknown, msg?: string) => {
    if (http) http.log[level](obj as object, msg);
    else early.push([level, obj, msg]);
  };
  const logger: Logger = { info: log('info'), warn: log('warn'), error: log('error') };
  const { databaseUrl, redisUrl, redisPrefix: prefix } = o;
  const store = await make(o.store, () =>
    databaseUrl ? createPostgresStore({ connectionString: databaseUrl, logger }) : createSqliteStore(join(o.dataDir!, 'natter.db'), { logger }),
  );
  // Whatever opened already is closed again if a later adapter cannot start.
  const opened: { close(): Promise<void> }[] = [store];
  let bus: Bus;
  let rateLimiter: RateLimiter;
  let uploadRateLimiter: RateLimiter;
  let fileIndex: FileIndex;
  let fileStorage: FileStorage;
  /** The storage's close when the server opened it (a given one is its caller's to close). */
  let closeStorage: { close(): Promise<void> } | undefined;
  // Presence serves the push hook and clients' online / last seen (unless the site turned it off).
  let presence: Presence | undefined;
  const presenceUpdates = o.presence === false ? undefined : { intervalMs: 5000, sweepMs: 60_000, ...(typeof o.presence === 'object' && stripUndefined(o.presence)) };
  try {
    bus = await make(o.bus, () => (redisUrl ? createRedisBus({ url: redisUrl, prefix, logger }) : createMemoryBus()));
    opened.push(bus);
    fileIndex = typeof o.fileIndex === 'function' ? await o.fileIndex() : o.fileIndex ?? (databaseUrl
      ? await createPostgresFileIndex({ connectionString: databaseUrl, logger })
      : o.dataDir ? createSqliteFileIndex(join(o.dataDir, 'files.db')) : createMemoryFileIndex());
    opened.push(fileIndex);
    const chosen = await openFileStorage(o, logger);
    fileStorage = chosen.storage;
    logger.info({ fileStorage: chosen.kind }, `uploads: kept in ${chosen.kind === 'given' ? 'the given FileStorage' : chosen.kind}`);
    if (chosen.owned && fileStorage.close) opened.push(closeStorage = { close: fileStorage.close.bind(fileStorage) });
    rateLimiter = o.rateLimiter ?? (redisUrl
      ? await createRedisRateLimiter({ url: redisUrl, prefix, limit: o.sendsPerMinute, windowMs: o.sendRateWindowMs, logger })
      : createMemoryRateLimiter(o.sendsPerMinute, o.sendRateWindowMs));
    uploadRateLimiter = redisUrl
      ? await createRedisRateLimiter({ url: redisUrl, prefix, limit: o.uploadsPerMinute, logger })
      : createMemoryRateLimiter(o.uploadsPerMinute);
    const closeUploadLimiter = uploadRateLimiter.close?.bind(uploadRateLimiter);
    if (closeUploadLimiter) opened.push({ close: closeUploadLimiter });
    if (o.onOfflineMessage || o.push || presenceUpdates || (o.unreadReminders && !o.unreadReminders.whenOnline)) {
      presence = redisUrl ? await createRedisPresence({ url: redisUrl, prefix, logger }) : createMemoryPresence(o.clock);
      opened.push(presence);
    }
  } catch (err) {
    for (const r of opened.reverse()) await r.close().catch(() => undefined);
    throw err;
  }
  const secret = new TextEncoder().encode(o.secret ?? randomBytes(32).toString('base64url'));
  // Sources are read at scrape time only, by which point `core`, `gateway` and `push` exist.
  const metrics = createServerMetrics({
    connections: () => gateway?.connections ?? 0,
    sessions: () => [...core.registry.all()].length,
    pingStore: () => store.ping(),
    pingBus: async () => bus.ping?.(),
    push: () => push && { counts: push.queue.counts, queued: push.queue.queued },
  });

  let push: PushService | undefined;
  try {
    // Imported only when push is on: web-push and its ASN.1/JWS stack are some 30 modules at startup.
    if (o.push) push = await (await import('./push/push-service.js')).PushService.create(store, o.clock, o.push, logger);
  } catch (err) {
    for (const r of opened.reverse()) await r.close().catch(() => undefined);
    throw err;
  }
  const onOfflineMessage = offlineHandler(o.onOfflineMessage, push);
  const files = new FileAccess(store, fileIndex);
  const w = o.webhooks ?? {};
  const webhookEndpoints = new WebhookEndpoints({ store, env: envEndpoints(o.webhooks), clock: o.clock, logger, ...(w.refreshMs && { refreshMs: w.refreshMs }) });
  const deliverer = new WebhookDeliverer({
    store, endpoints: webhookEndpoints, clock: o.clock, logger, onOutcome: (outcome, s) => metrics.webhook(outcome, s),
    ...(o.unreadReminders && { stale: (row) => unreadReminders?.stale(row) ?? Promise.resolve(false) }),
    ...stripUndefined({ timeoutMs: w.timeoutMs, retryForMs: w.retryForMs, backoffMs: w.backoffMs, backoffMaxMs: w.backoffMaxMs, pollMs: w.pollMs, concurrency: w.concurrency, chain: w.chain }),
  });
  const u = o.unreadReminders;
  const unreadReminders = u && new UnreadReminders({
    afterMs: u.afterMs, ...stripUndefined({ whenOnline: u.whenOnline, pollMs: u.pollMs, maxPerConversation: u.maxPerConversation }),
    store, clock: o.clock, logger, preview: u.preview ?? o.push?.preview ?? true,
    endpoints: () => webhookEndpoints.endpointsFor('message.unread'), queued: () => deliverer.poke(),
    ...(presence && { presence }),
  });
  const core = new ChatCore({
    files,
    store, bus, rateLimiter, clock: o.clock, secret, logger, metrics: metrics.core,
    ...(o.linkPreviews !== false && { linkPreviews: new LinkPreviews(secret, { ...o.linkPreviews, ...(o.linkPreviews?.ports && { extraPorts: o.linkPreviews.ports }), clock: o.clock }) }),
    tokenPolicy: { maxLifetimeSeconds: o.tokenMaxLifetimeSeconds, ...(o.tokenAudience !== undefined && { audience: o.tokenAudience }), ...(o.tokenIssuer !== undefined && { issuer: o.tokenIssuer }) },
    friendsOnly: o.friendsOnly, blockedSenderSeesError: o.blockedSenderSeesError, replayLimit: o.replayLimit,
    ...(o.changes && { changes: o.changes }),
    ...(o.groupCreate !== undefined && { groupCreate: o.groupCreate }),
    ...(o.groupMemberLimit !== undefined && { groupMemberLimit: o.groupMemberLimit }),
    ...(o.friendRequests !== undefined && { friendRequests: o.friendRequests }),
    ...(o.maxPendingFriendRequests !== undefined && { maxPendingFriendRequests: o.maxPendingFriendRequests }),
    maxConnectionsPerUser: o.maxConnectionsPerUser,
    frameBudgets: o.frameBudgets, rateWindowMs: o.sendRateWindowMs, ...(!o.rateLimiter && { sendsPerWindow: o.sendsPerMinute }),
    broadcastLimits: { perMinute: o.broadcastsPerMinute, perDay: o.broadcastsPerDay },
    ...(presence && { presence }),
    ...(presence && onOfflineMessage && { onOfflineMessage }),
    ...(presenceUpdates && { presenceUpdates }),
    reportsPerHour: o.reportsPerHour,
    webhooks: { endpointsFor: (type) => webhookEndpoints.endpointsFor(type), queued: () => deliverer.poke() },
    ...(o.wordList && { wordList: o.wordList }),
    ...(o.beforeSend && { beforeSend: new BeforeSendHook(o.beforeSend, logger, (outcome, s) => metrics.beforeSend(outcome, s)) }),
  });
  const admin = new AdminApi(core);
  // The server's own origin is always allowed; in dev mode under each of its loopback names too.
  const allowedOrigins = o.allowedOrigins ?? [];
  const originPolicy = { loopbackAliases: o.dev };
  const trustProxy = o.trustProxy === undefined ? undefined : compileProxyTrust(o.trustProxy);
  http = await buildHttpApp(core, admin, {
    adminKey: o.adminKey,
    dev: o.dev,
    bodyTimeoutMs: o.requestBodyTimeoutMs,
    allowedOrigins,
    originPolicy,
    staticDir: o.staticDir,
    httpLogger: o.logger,
    logger,
    trustProxy,
    webhooks: webhookEndpoints,
    push,
    uploads: {
      core, storage: fileStorage, index: fileIndex, access: files, rateLimiter: uploadRateLimiter,
      quota: { bytes: o.uploadQuotaBytes, files: o.uploadQuotaFiles }, idleTimeoutMs: o.uploadIdleTimeoutMs,
      minRate: { bytesPerSecond: o.uploadMinBytesPerSecond, graceMs: o.uploadRateGraceMs },
    },
  });
  for (const [level, obj, msg] of early.splice(0)) http.log[level](obj as object, msg);
  metricsRoutes(http, { registry: metrics.registry, adminKey: o.adminKey, metricsKey: o.metricsKey });
  await core.start();
  await webhookEndpoints.start();
  deliverer.start();
  unreadReminders?.start();
  const sweeper: UploadSweeper = startUploadSweeper({
    index: fileIndex, storage: fileStorage, store, clock: o.clock, logger, ttlMs: o.uploadUnreferencedTtlMs, intervalMs: o.uploadSweepIntervalMs,
  });
  let gateway: Gateway | undefined;
  let closing: Promise<void> | undefined;
  let closeWithin: ReturnType<typeof closeWithinGrace> | undefined;

  return {
    core, admin, http, store, bus, metrics: metrics.registry, dev: o.dev, push,
    async listen(port = 0, host = '127.0.0.1') {
      if (!gateway) capConnectionsPerIp(http.server, o.maxHttpConnectionsPerIp, trustProxy ?? (() => false), logger);
      closeWithin ??= closeWithinGrace(http.server);
      gateway ??= attachGateway(http.server, core, {
        path: o.wsPath, maxPayload: o.maxPayload, pingIntervalMs: o.pingIntervalMs,
        maxBufferedBytes: o.maxBufferedBytes, authTimeoutMs: o.authTimeoutMs, logger,
        allowedOrigins, originPolicy, maxConnectionsPerIp: o.maxConnectionsPerIp, trustProxy,
        maxBadFramesPerMinute: o.maxBadFramesPerMinute,
      });
      await http.listen({ port, host });
      const bound = http.server.address();
      const actual = typeof bound === 'object' && bound ? bound.port : port;
      const address = typeof bound === 'object' && bound ? bound.address : host;
      // A URL to reach it from this machine: a wildcard bind is reached through loopback.
      const shown = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '[::1]' : address.includes(':') ? `[${address}]` : address;
      return { port: actual, url: `http://${shown}:${actual}`, address };
    },
    close() {
      closing ??= (async () => {
        // Stop accepting first, so no new socket or request arrives while draining.
        const stopped = http.close();
        await gateway?.close();
        // Open HTTP requests get the grace period; then their connections are closed.
        await (closeWithin ? closeWithin(stopped, o.shutdownGraceMs) : stopped);
        await core.stop();
        webhookEndpoints.stop();
        await unreadReminders?.stop();
        await deliverer.stop();
        await sweeper.stop();
        await push?.close();
        await presence?.close();
        await bus.close();
        await rateLimiter.close?.();
        await uploadRateLimiter.close?.();
        await fileIndex.close();
        await closeStorage?.close();
        await store.close();
      })();
      return closing;
    },
  };
}

/** The site's own hook, then Web Push: each sees every offline message; one failing does not stop the other. */
function offlineHandler(hook: OfflineMessageHandler | undefined, push: PushService | undefined): OfflineMessageHandler | undefined {
  if (!push) return hook;
  if (!hook) return push.handle;
  return async (event) => {
    const [own, sent] = await Promise.allSettled([hook(event), push.handle(event)]);
    for (const r of [own, sent]) if (r.status === 'rejected') throw r.reason;
  };
}

async function make<T extends object>(given: T | (() => T | Promise<T>) | undefined, fallback: () => T): Promise<T> {
  if (given === undefined) return fallback();
  return typeof given === 'function' ? (given as () => T | Promise<T>)() : given;
}
