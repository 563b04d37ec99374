import type { FastifyRequest } from 'fastify';
import { ChatError } from '../../protocol/index.js';
import { authenticate } from '../core/auth.js';
import type { ChatCore } from '../core/chat-core.js';
import type { RateLimiter } from '../core/rate-limiter.js';
import type { FileAccess } from './file-access.js';
import type { FileIndex, UploadQuota } from './file-index.js';
import type { FileStorage } from './file-storage.js';

/** What the upload and file routes work with (built by createChatServer). */
export interface Uploads {
  core: ChatCore;
  storage: FileStorage;
  index: FileIndex;
  access: FileAccess;
  /** Unreferenced uploads one user may hold (default: none checked). */
  quota?: UploadQuota;
  /** Uploads per user and window, counted under `upload:<userId>` (default: none). */
  rateLimiter?: RateLimiter;
  /** How long an upload's body may send nothing before it is cut (BAD_REQUEST, `uploadIdleTimeoutMs`). */
  idleTimeoutMs: number;
  /** The rate floor of an upload's body past its grace (BAD_REQUEST; `uploadMinBytesPerSecond`, `uploadRateGraceMs`). */
  minRate: { bytesPerSecond: number; graceMs: number };
}

/** Error codes of a full disk: SQLite's, PostgreSQL's (`disk_full`) and the system's. */
const DISK_FULL = new Set(['SQLITE_FULL', '53100', 'ENOSPC', 'EDQUOT', 'EFBIG']);

/**
 * `work`, with a full disk under the file index reported as 503 UNAVAILABLE (the client may
 * try again later) instead of an internal error.
 */
export async function unlessDiskFull<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (DISK_FULL.has(String((err as { code?: unknown }).code))) throw new ChatError('UNAVAILABLE', 'The server is out of disk space. Try again later.', { cause: err });
    throw err;
  }
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
