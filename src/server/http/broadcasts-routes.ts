import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { LIMITS, noControls } from '../../protocol/index.js';
import type { Broadcasts } from '../core/broadcasts.js';
import { parse } from './validate.js';

/** A year: longer-lived announcements belong in the host page, not in a banner. */
const MAX_TTL_SECONDS = 365 * 24 * 3600;

const BroadcastBody = v.pipe(
  v.object({
    // "longer than" makes validate.ts answer MESSAGE_TOO_LARGE (413), as for messages.
    content: v.pipe(v.string(), v.minLength(1, 'empty'), v.maxLength(LIMITS.broadcastChars, `longer than ${LIMITS.broadcastChars} characters`), noControls(true)),
    from: v.optional(v.pipe(v.string(), v.minLength(1, 'empty'), v.maxLength(128), noControls())),
    offline: v.optional(v.boolean()),
    ttlSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_TTL_SECONDS))),
  }),
  v.check((b) => b.ttlSeconds === undefined || b.offline === true, 'ttlSeconds applies to offline broadcasts only'),
);

const IdParams = v.object({ id: v.pipe(v.string(), v.maxLength(64)) });

/** `/v1/broadcasts`: send (rate limited per app, 416 past it), list the stored ones, withdraw. */
export function broadcastsRoutes(app: FastifyInstance, broadcasts: Broadcasts): void {
  app.post('/v1/broadcasts', async (req, reply) => {
    const { content, from, offline, ttlSeconds } = parse(BroadcastBody, req.body);
    const b = await broadcasts.send({
      content,
      ...(from !== undefined && { from }),
      ...(offline !== undefined && { offline }),
      ...(ttlSeconds !== undefined && { ttlSeconds }),
    });
    return reply.status(201).send({ id: b.id, time: b.time, ...(b.expiresAt !== undefined && { expiresAt: b.expiresAt }) });
  });

  app.get('/v1/broadcasts', async () => ({ items: await broadcasts.list() }));

  app.delete('/v1/broadcasts/:id', async (req, reply) => {
    await broadcasts.withdraw(parse(IdParams, req.params).id);
    return reply.status(204).send();
  });
}
