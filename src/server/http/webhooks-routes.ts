import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import type { Store } from '../core/store.js';
import type { Clock } from '../core/types.js';
import type { WebhookEndpoints } from '../webhooks/endpoints.js';
import type { OutboxRow } from '../webhooks/types.js';
import { parse } from './validate.js';

const EndpointBody = v.strictObject({
  url: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)),
  secret: v.optional(v.pipe(v.string(), v.minLength(16), v.maxLength(256))),
  events: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(64))), v.maxLength(32))),
});
const IdParams = v.object({ id: v.pipe(v.string(), v.minLength(1), v.maxLength(64)) });
const Seq = v.pipe(v.string(), v.regex(/^\d{1,15}$/), v.transform(Number));
const FailedQuery = v.object({
  after: v.optional(Seq),
  limit: v.optional(v.pipe(Seq, v.minValue(1), v.maxValue(500))),
});
const RetryBody = v.strictObject({
  /** The failed deliveries to retry (their `seq`); absent: every failed one. */
  seqs: v.optional(v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(1))), v.minLength(1), v.maxLength(1000))),
});

const failedItem = (r: OutboxRow) => ({
  seq: r.seq, eventId: r.eventId, endpointId: r.endpointId, type: r.type, conversation: r.key, time: r.time,
  attempts: r.attempts, ...(r.lastError !== undefined && { lastError: r.lastError }),
});

/** `/v1/webhooks` (admin key): endpoints, and the deliveries that failed for good. */
export function webhooksRoutes(app: FastifyInstance, deps: { endpoints: WebhookEndpoints; store: Store; clock: Clock }): void {
  app.post('/v1/webhooks', async (req, reply) => {
    const body = parse(EndpointBody, req.body);
    const e = await deps.endpoints.create({ url: body.url, ...(body.secret !== undefined && { secret: body.secret }), ...(body.events && { events: body.events }) });
    // The secret is shown once, here; listings leave it out.
    return reply.status(201).send({ id: e.id, url: e.url, events: e.events, secret: e.secret, createdAt: e.createdAt });
  });

  app.get('/v1/webhooks', async () => ({
    items: deps.endpoints.all().map((e) => ({ id: e.id, url: e.url, events: e.events, createdAt: e.createdAt, source: e.id.startsWith('env-') ? 'env' : 'api' })),
  }));

  app.delete('/v1/webhooks/:id', async (req, reply) => {
    await deps.endpoints.delete(parse(IdParams, req.params).id);
    return reply.status(204).send();
  });

  app.get('/v1/webhooks/failed', async (req) => {
    const q = parse(FailedQuery, req.query ?? {});
    const limit = q.limit ?? 100;
    const rows = await deps.store.listFailedWebhooks(limit, q.after ?? 0);
    return { items: rows.map(failedItem), ...(rows.length === limit && { next: rows[rows.length - 1]!.seq }) };
  });

  app.post('/v1/webhooks/failed/retry', async (req) => {
    const { seqs } = parse(RetryBody, req.body ?? {});
    return { retried: await deps.store.retryWebhooks(deps.clock(), seqs) };
  });
}
