import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { UserIdSchema } from '../../protocol/index.js';
import type { AdminApi } from '../core/admin.js';
import type { ChatCore } from '../core/chat-core.js';
import { issueDevToken } from '../core/demo.js';
import { parse } from './validate.js';


const DevQuery = v.object({ user: UserIdSchema });

/**
 * Dev mode only (NATTER_DEV=1): hands out tokens to anyone, which is what a local demo
 * needs and what production must never do. Registered only when the server runs in dev mode.
 */
export function devRoutes(app: FastifyInstance, core: ChatCore, admin: AdminApi): void {
  app.get('/v1/dev/token', async (req) => {
    const { user: userId } = parse(DevQuery, req.query);
    return issueDevToken(admin, core.store, userId);
  });
}
