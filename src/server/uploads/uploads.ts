import type { FastifyRequest } from 'fastify';
import { ChatError } from '../../protocol/index.js';
import { authenticate } from '../core/auth.js';
import type { ChatCore } from '../core/chat-core.js';
import type { FileAccess } from './file-access.js';
import type { FileIndex } from './file-index.js';
import type { FileStorage } from './file-storage.js';

/** What the upload and file routes work with (built by createChatServer). */
export interface Uploads {
  core: ChatCore;
  storage: FileStorage;
  index: FileIndex;
  access: FileAccess;
}

/** The user of a request with `Authorization: Bearer <user token>` (UNAUTHENTICATED, TOKEN_*, USER_DELETED otherwise). */
export async function requestUser(core: ChatCore, req: FastifyRequest): Promise<string> {
  const token = bearer(req);
  if (!token) throw new ChatError('UNAUTHENTICATED', 'Send `Authorization: Bearer <user token>`.');
  const { claims } = await authenticate(core.store, token, core.secret, core.clock(), core.tokenPolicy);
  return claims.userId;
}

export function bearer(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return m?.[1];
}

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * `http(s)://host` as the client reached us: the `Host` header, and `X-Forwarded-Proto` when a
 * TLS-terminating proxy sits in front (nginx `proxy_set_header X-Forwarded-Proto $scheme`).
 */
export function publicOrigin(req: FastifyRequest): string {
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]!.trim().toLowerCase();
  const proto = forwarded === 'https' || forwarded === 'http' ? forwarded : req.protocol;
  const host = req.headers.host ?? '';
  if (!HOST.test(host)) throw new ChatError('BAD_REQUEST', 'The Host header is not valid.');
  return `${proto}://${host}`;
}
