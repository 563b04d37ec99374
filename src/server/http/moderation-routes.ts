import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { GroupIdSchema, noControls, UserIdSchema } from '../../protocol/index.js';
import type { GroupService } from '../groups/group-service.js';
import type { Moderation } from '../moderation/moderation.js';
import { parse } from './validate.js';

const UserParams = v.object({ id: UserIdSchema });
const Until = v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0))));
const Reason = v.optional(v.pipe(v.string(), v.maxLength(500), noControls(true)));
const BanBody = v.strictObject({ until: Until, reason: Reason });
const MuteBody = v.strictObject({ groupId: v.optional(GroupIdSchema), until: Until, reason: Reason });
const MuteQuery = v.object({ groupId: v.optional(GroupIdSchema) });

/**
 * Bans and mutes (admin key): `until` in ms since the epoch, absent or null for good. A mute or
 * unmute in a group goes through the group service, which tells the group as a group admin's does.
 */
export function moderationRoutes(app: FastifyInstance, moderation: Moderation, groups: GroupService): void {
  app.put('/v1/users/:id/ban', async (req) => {
    const { id } = parse(UserParams, req.params);
    const { until, reason } = parse(BanBody, req.body ?? {});
    return moderation.ban(id, until ?? null, reason);
  });
  app.delete('/v1/users/:id/ban', async (req, reply) => {
    await moderation.lift(parse(UserParams, req.params).id, 'ban', '');
    return reply.status(204).send();
  });
  app.put('/v1/users/:id/mute', async (req) => {
    const { id } = parse(UserParams, req.params);
    const { groupId, until, reason } = parse(MuteBody, req.body ?? {});
    return groupId === undefined ? (await moderation.mute(id, undefined, until ?? null, reason)).sanction : groups.siteMute(groupId, id, until ?? null, reason);
  });
  app.delete('/v1/users/:id/mute', async (req, reply) => {
    const { groupId } = parse(MuteQuery, req.query ?? {});
    const { id } = parse(UserParams, req.params);
    if (groupId === undefined) await moderation.lift(id, 'mute', '');
    else await groups.siteUnmute(groupId, id);
    return reply.status(204).send();
  });
  app.get('/v1/users/:id/sanctions', async (req) => ({ items: await moderation.list(parse(UserParams, req.params).id) }));
}
