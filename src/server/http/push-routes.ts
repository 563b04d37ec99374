import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { ChatError } from '../../protocol/index.js';
import type { ChatCore } from '../core/chat-core.js';
import type { RateLimiter } from '../core/rate-limiter.js';
import type { PushService } from '../push/push-service.js';
import { requestUser } from '../uploads/uploads.js';
import { parse } from './validate.js';

/** Subscription changes per user and minute: each one may resolve the endpoint's host name. */
export const PUSH_CHANGES_PER_MINUTE = 20;

const Endpoint = v.pipe(v.string(), v.minLength(1), v.maxLength(2048));
const Key = v.pipe(v.string(), v.maxLength(128));
const SubscribeBody = v.object({
  endpoint: Endpoint,
  keys: v.object({ p256dh: Key, auth: Key }),
  // What `PushSubscription.toJSON()` also carries; not used.
  expirationTime: v.optional(v.nullable(v.number())),
  deviceId: v.optional(v.pipe(v.string(), v.maxLength(128))),
});
const UnsubscribeBody = v.object({ endpoint: Endpoint });

/**
 * `GET /v1/push/vapid-public-key` (no token: the key is public) → `{publicKey}`;
 * `POST /v1/push/subscriptions` (user token) with a `PushSubscription.toJSON()` and `deviceId`
 * → 204; `DELETE /v1/push/subscriptions` (user token) `{endpoint}` → 204, or 404 NOT_FOUND.
 * Without push on the server each answers 404 PUSH_DISABLED.
 */
export function pushRoutes(app: FastifyInstance, core: ChatCore, push: PushService | undefined, limiter: RateLimiter | undefined): void {
  const enabled = (): PushService => {
    if (!push) throw new ChatError('PUSH_DISABLED');
    return push;
  };
  const user = async (req: Parameters<typeof requestUser>[1]): Promise<string> => {
    const userId = await requestUser(core, req);
    const decision = await limiter?.consume(`push:${userId}`, core.clock(), PUSH_CHANGES_PER_MINUTE);
    if (decision && !decision.ok) throw new ChatError('RATE_LIMITED', undefined, { retryAfterMs: decision.retryAfterMs });
    return userId;
  };

  app.get('/v1/push/vapid-public-key', async () => ({ publicKey: enabled().publicKey }));

  app.post('/v1/push/subscriptions', async (req, reply) => {
    const service = enabled();
    const body = parse(SubscribeBody, req.body);
    const userId = await user(req);
    await service.subscribe(userId, { endpoint: body.endpoint, keys: body.keys, ...(body.deviceId !== undefined && { deviceId: body.deviceId }) });
    return reply.status(204).send();
  });

  app.delete('/v1/push/subscriptions', async (req, reply) => {
    const service = enabled();
    const { endpoint } = parse(UnsubscribeBody, req.body);
    const userId = await user(req);
    if (!(await service.unsubscribe(userId, endpoint))) throw new ChatError('NOT_FOUND', 'No push subscription with this endpoint.');
    return reply.status(204).send();
  });
}
