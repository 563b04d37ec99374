import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import type { AdminApi } from '../core/admin.js';
import type { Reports } from '../moderation/reports.js';
import { parse } from './validate.js';

const Id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'invalid report id'));
const ListQuery = v.object({
  status: v.optional(v.picklist(['open', 'resolved', 'dismissed'])),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(200))),
  /** The previous page's `next`. */
  cursor: v.optional(Id),
});
const IdParams = v.object({ id: Id });
/** Who closed it, as the site's backend names its moderator (default `admin`). */
const By = v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64)));
const ResolveBody = v.strictObject({ deleteMessage: v.optional(v.boolean()), by: By });
const DismissBody = v.strictObject({ by: By });

/**
 * `/v1/reports` (admin key): the reports users made of messages (SPEC §11), newest first, and
 * closing them. Closing one closes every open report of the same message.
 */
export function reportsRoutes(app: FastifyInstance, reports: Reports, admin: AdminApi): void {
  app.get('/v1/reports', async (req) => {
    const q = parse(ListQuery, req.query ?? {});
    return reports.list({ ...(q.status && { status: q.status }), ...(q.cursor && { cursor: q.cursor }), limit: q.limit ?? 50 });
  });

  // `deleteMessage`: the message is recalled first, by the admin recall (`DELETE /v1/messages/:messageId`).
  app.post('/v1/reports/:id/resolve', async (req) => {
    const { id } = parse(IdParams, req.params);
    const { deleteMessage, by } = parse(ResolveBody, req.body ?? {});
    const recall = deleteMessage ? (messageId: string, place: Parameters<AdminApi['recallMessage']>[1]) => admin.recallMessage(messageId, place) : undefined;
    return reports.close(id, 'resolved', by ?? 'admin', recall);
  });

  app.post('/v1/reports/:id/dismiss', async (req) => {
    const { id } = parse(IdParams, req.params);
    const { by } = parse(DismissBody, req.body ?? {});
    return reports.close(id, 'dismissed', by ?? 'admin');
  });
}
