import type { FastifyReply, FastifyRequest } from 'fastify';
import { ChatError } from '../../protocol/index.js';
import { adminKeyMatches } from '../core/auth.js';

/** A preHandler admitting only `Authorization: Bearer <adminKey>`; user tokens never pass. */
export function requireAdmin(adminKey: string | undefined) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = req.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!adminKeyMatches(presented, adminKey)) throw new ChatError('ADMIN_REQUIRED');
  };
}
