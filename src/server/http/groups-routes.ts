import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { GroupIdSchema, LIMITS, maxBytes, UrlSchema, UserIdSchema } from '../../protocol/index.js';
import type { AdminApi } from '../core/admin.js';
import { parse } from './validate.js';

const GroupBody = v.object({
  id: GroupIdSchema,
  name: v.pipe(maxBytes(LIMITS.shortTextBytes), v.minLength(1)),
  avatar: v.optional(UrlSchema),
  members: v.pipe(v.array(UserIdSchema), v.maxLength(10_000)),
});
const MemberParams = v.object({ id: GroupIdSchema, userId: UserIdSchema });

/** Groups and their members (admin key, see app.ts). */
export function groupsRoutes(app: FastifyInstance, admin: AdminApi): void {
  app.post('/v1/groups', async (req, reply) => {
    const body = parse(GroupBody, req.body);
    await admin.createGroup(body);
    return reply.status(201).send({ id: body.id, conversationId: `group:${body.id}` });
  });

  app.put('/v1/groups/:id/members/:userId', async (req) => {
    const { id, userId } = parse(MemberParams, req.params);
    return { added: await admin.addMember(id, userId) };
  });

  app.delete('/v1/groups/:id/members/:userId', async (req) => {
    const { id, userId } = parse(MemberParams, req.params);
    return { removed: await admin.removeMember(id, userId) };
  });
}
