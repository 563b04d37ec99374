import cors from '@fastify/cors';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AdminApi } from '../core/admin.js';
import type { ChatCore } from '../core/chat-core.js';
import type { Logger } from '../core/logger.js';
import { originAllowed, type OriginPolicyOptions } from '../origin-policy.js';
import type { ProxyTrust } from '../proxy-trust.js';
import { ChatError } from '../../protocol/index.js';
import { requireAdmin } from './admin-guard.js';
import { requestLogSetting } from './request-log.js';
import { broadcastsRoutes } from './broadcasts-routes.js';
import { devRoutes } from './dev-routes.js';
import { bodyDeadline } from './body-deadline.js';
import { clientErrors, frameworkErrors, installErrorHandling } from './errors.js';
import { groupsRoutes } from './groups-routes.js';
import { boundedJsonBodies } from './json-bodies.js';
import { MAX_ADMIN_KEYS } from '../core/raw-nesting.js';
import { messagesRoutes } from './messages-routes.js';
import { previewsRoutes } from './previews-routes.js';
import { usersRoutes } from './users-routes.js';
import { filesRoutes } from './files-routes.js';
import { uploadsRoutes } from './uploads-routes.js';
import type { Uploads } from '../uploads/uploads.js';
import type { WebhookEndpoints } from '../webhooks/endpoints.js';
import { webhooksRoutes } from './webhooks-routes.js';
import type { PushService } from '../push/push-service.js';
import { pushRoutes } from './push-routes.js';
import { moderationRoutes } from './moderation-routes.js';
import { reportsRoutes } from './reports-routes.js';
import { wordListRoutes } from './wordlist-routes.js';

export interface HttpAppOptions {
  adminKey: string | undefined;
  dev: boolean;
  /** Origins allowed by CORS: `*` for any, a list, or none (same-origin only). */
  allowedOrigins: '*' | string[];
  /** How the server's own origin is recognised (dev mode: its loopback aliases too). */
  originPolicy?: OriginPolicyOptions;
  staticDir: string | undefined;
  /** Fastify's logger setting: false, true, or pino options. */
  httpLogger: boolean | object;
  logger: Logger;
  /** Proxies whose `X-Forwarded-For` names the client (`request.ip`, logs); see proxy-trust.ts. */
  trustProxy?: ProxyTrust;
  /** File uploads and downloads (`POST /v1/uploads`, `GET /v1/files/…`, user tokens and file tickets). */
  uploads?: Uploads;
  /** Webhook endpoints (`/v1/webhooks`); the routes are absent without them. */
  webhooks?: WebhookEndpoints;
  /** Web Push (`/v1/push/*`); without it those routes answer PUSH_DISABLED. */
  push?: PushService | undefined;
  /** How long a request body (not an upload) may take to arrive (`requestBodyTimeoutMs`). */
  bodyTimeoutMs: number;
}

/**
 * A connection with nothing read or written for this long is closed (Node's `server.timeout`). Node
 * times out headers that trickle (`headersTimeout`, 60 s) and idle keep-alive connections, but not
 * one that never sends a byte: a stranger's idle sockets were held for good, each a file
 * descriptor. WebSockets are not concerned (ws clears the timeout on upgrade; pings keep them
 * alive); no handler waits this long without writing (uploads: `uploadIdleTimeoutMs`, 60 s).
 */
const IDLE_CONNECTION_MS = 120_000;

/** The REST API over one fastify instance; its http server also carries the WebSocket gateway. */
export async function buildHttpApp(core: ChatCore, admin: AdminApi, options: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: requestLogSetting(options.httpLogger), bodyLimit: 1024 * 1024, connectionTimeout: IDLE_CONNECTION_MS, frameworkErrors, clientErrorHandler: clientErrors, ...(options.trustProxy && { trustProxy: options.trustProxy }) });
  installErrorHandling(app, options.logger);
  boundedJsonBodies(app);
  bodyDeadline(app, options.bodyTimeoutMs);
  const origins = options.allowedOrigins;
  // CORS only stops a foreign page reading answers; this stops the request from running at all.
  app.addHook('onRequest', async (req) => {
    if (!originAllowed(req.headers, origins, options.originPolicy)) throw new ChatError('ORIGIN_NOT_ALLOWED');
  });
  // With loopback aliases the hook above has already refused every origin it does not allow,
  // so CORS may reflect whichever one got this far.
  if (origins === '*' || origins.length > 0 || options.originPolicy?.loopbackAliases) {
    await app.register(cors, { origin: origins === '*' || options.originPolicy?.loopbackAliases ? true : origins, methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'] });
  }

  // 503 unless both answer, so a load balancer takes a node out when it cannot commit or fan out.
  app.get('/healthz', async (_req, reply) => {
    const [store, bus] = await Promise.all([probe(() => core.store.ping()), probe(() => core.bus.ping?.())]);
    const ok = store === 'ok' && bus === 'ok';
    return reply.status(ok ? 200 : 503).send({ ok, store, bus });
  });

  await app.register(async (scope) => {
    // On the request, not before the handler: a stranger's body is refused unread, not buffered first.
    scope.addHook('onRequest', requireAdmin(options.adminKey));
    // The word list's thousands of entries: the admin's bodies may hold more keys than users'.
    boundedJsonBodies(scope, MAX_ADMIN_KEYS);
    usersRoutes(scope, admin);
    groupsRoutes(scope, admin);
    messagesRoutes(scope, admin);
    broadcastsRoutes(scope, core.broadcasts);
    moderationRoutes(scope, core.moderation, core.groups);
    reportsRoutes(scope, core.reports, admin);
    wordListRoutes(scope, core.wordList);
    if (options.webhooks) webhooksRoutes(scope, { endpoints: options.webhooks, store: core.store, clock: core.clock });
  });

  if (options.uploads) {
    const uploads = options.uploads;
    // Its own scope: the upload route reads raw bodies, with none of the JSON parsers.
    await app.register(async (scope) => uploadsRoutes(scope, uploads));
    filesRoutes(app, uploads);
  }

  pushRoutes(app, core, options.push, options.uploads?.rateLimiter);
  previewsRoutes(app, core, options.uploads?.rateLimiter);

  if (options.dev) devRoutes(app, core, admin);
  // Imported only with a static directory: @fastify/static brings glob, send and mime (some 20 modules).
  if (options.staticDir) await app.register((await import('@fastify/static')).default, { root: options.staticDir, prefix: '/' });
  return app;
}

/** 'ok' if `check` resolves within 2 s (a dead network peer can hang far longer), else 'unavailable'. */
async function probe(check: () => Promise<void> | undefined): Promise<'ok' | 'unavailable'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 2000)));
  try {
    await Promise.race([check(), late]);
    return 'ok';
  } catch {
    return 'unavailable';
  } finally {
    clearTimeout(timer);
  }
}
