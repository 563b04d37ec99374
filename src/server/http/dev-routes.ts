import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { UserIdSchema } from '../../protocol/index.js';
import type { AdminApi } from '../core/admin.js';
import type { ChatCore } from '../core/chat-core.js';
import { parse } from './validate.js';

/** The group every dev-mode user joins, so the demo has someone to talk to. */
export const DEMO_GROUP = 'demo';

const DevQuery = v.object({ user: UserIdSchema });

/**
 * Dev mode only (no NATTER_SECRET): hands out tokens to anyone, which is what a local demo
 * needs and what production must never do. Registered only when the server runs in dev mode.
 */
export function devRoutes(app: FastifyInstance, core: ChatCore, admin: AdminApi): void {
  app.get('/v1/dev/token', async (req) => {
    const { user: userId } = parse(DevQuery, req.query);
    const token = await admin.issueToken(userId);
    if ((await core.store.getGroup(DEMO_GROUP)) && !(await core.store.isGroupMember(DEMO_GROUP, userId))) {
      await admin.addMember(DEMO_GROUP, userId);
    }
    return { userId, token };
  });
}
