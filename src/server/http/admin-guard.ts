import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ChatError } from '../../protocol/index.js';

/**
 * Constant-time comparison of a presented key with the configured one: both are hashed first
 * (SHA-256), so neither the key's length nor the first differing byte shows in the time taken.
 */
export function adminKeyMatches(presented: string | undefined, adminKey: string | undefined): boolean {
  if (!presented || !adminKey) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(adminKey));
}

/** A hook admitting only `Authorization: Bearer <adminKey>`; user tokens never pass. */
export function requireAdmin(adminKey: string | undefined) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = req.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!adminKeyMatches(presented, adminKey)) throw new ChatError('ADMIN_REQUIRED');
  };
}
