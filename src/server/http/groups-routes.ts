import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { GROUP_ROLES, GroupIdSchema, LIMITS, storedText, UrlSchema, UserIdSchema } from '../../protocol/index.js';
import { visibleName } from '../groups/group-names.js';
import type { AdminApi } from '../core/admin.js';
import { parse } from './validate.js';
import { GROUP_LIMITS } from '../../protocol/group-frames.js';

/** Which messages of a group its members read: all, or only those after they joined (the default). */
const HistoryVisibilitySchema = v.picklist(['all', 'since-join']);

const GroupBody = v.object({
  id: GroupIdSchema,
  name: visibleName(LIMITS.shortTextBytes),
  avatar: v.optional(UrlSchema),
  members: v.pipe(v.array(UserIdSchema), v.maxLength(10_000)),
  historyVisibility: v.optional(HistoryVisibilitySchema),
  /** Owns the group and may manage it from the widget (SPEC §13); without one only this API manages it. */
  owner: v.optional(UserIdSchema),
});
const GroupParams = v.object({ id: GroupIdSchema });
const GroupPatch = v.strictObject({
  name: v.optional(visibleName(LIMITS.shortTextBytes)),
  /** null removes the avatar. */
  avatar: v.optional(v.nullable(UrlSchema)),
  /** An empty notice clears it. */
  notice: v.optional(storedText(GROUP_LIMITS.noticeBytes, true)),
  historyVisibility: v.optional(HistoryVisibilitySchema),
});
const MemberParams = v.object({ id: GroupIdSchema, userId: UserIdSchema });
const MembersQuery = v.object({
  after: v.optional(UserIdSchema),
  limit: v.optional(v.pipe(v.string(), v.regex(/^[0-9]{1,4}$/), v.transform(Number), v.minValue(1), v.maxValue(1000)), '100'),
});
const RoleBody = v.strictObject({ role: v.picklist(GROUP_ROLES) });

/** Groups and their members (admin key, see app.ts). */
export function groupsRoutes(app: FastifyInstance, admin: AdminApi): void {
  app.post('/v1/groups', async (req, reply) => {
    const body = parse(GroupBody, req.body);
    await admin.createGroup(body);
    return reply.status(201).send({ id: body.id, conversationId: `group:${body.id}` });
  });

  app.get('/v1/groups/:id', async (req) => admin.group(parse(GroupParams, req.params).id));

  app.get('/v1/groups/:id/members', async (req) => {
    const { id } = parse(GroupParams, req.params);
    const { after, limit } = parse(MembersQuery, req.query ?? {});
    return admin.groupMembers(id, after, limit);
  });

  app.patch('/v1/groups/:id', async (req) => {
    const { id } = parse(GroupParams, req.params);
    const group = await admin.updateGroup(id, parse(GroupPatch, req.body ?? {}));
    return {
      id: group.id, name: group.name, ...(group.avatar !== undefined && { avatar: group.avatar }),
      ...(group.notice !== undefined && { notice: group.notice }), historyVisibility: group.historyVisibility,
    };
  });

  app.delete('/v1/groups/:id', async (req) => {
    const { id } = parse(GroupParams, req.params);
    await admin.dismissGroup(id);
    return { dismissed: true };
  });

  app.put('/v1/groups/:id/roles/:userId', async (req) => {
    const { id, userId } = parse(MemberParams, req.params);
    const { role } = parse(RoleBody, req.body ?? {});
    await admin.setRole(id, userId, role);
    return { role };
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
