import { createHmac } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { ChatError, ID_PATTERN } from '../../protocol/index.js';

/** Lifetime of a file ticket. Clients refresh at half of it, so a URL handed out stays good for 30 min or more. */
export const FILE_TICKET_TTL_SECONDS = 3600;

export interface FileTicket {
  ticket: string;
  /** Ms since the epoch. */
  expiresAt: number;
}

// A key of its own, derived from the server secret: a ticket is never a user token, nor the reverse.
const keys = new WeakMap<Uint8Array, Uint8Array>();
function ticketKey(secret: Uint8Array): Uint8Array {
  let key = keys.get(secret);
  if (!key) {
    key = new Uint8Array(createHmac('sha256', secret).update('natter file ticket v1').digest());
    keys.set(secret, key);
  }
  return key;
}

/**
 * A short-lived capability to fetch files as `userId` (SPEC: "signed URLs"): an HS256 JWT under
 * a key derived from the server secret, put in file URLs as `?ticket=`. It names the user only;
 * which files that user may fetch is decided per request.
 */
export async function issueFileTicket(secret: Uint8Array, userId: string, now: number, ttlSeconds = FILE_TICKET_TTL_SECONDS): Promise<FileTicket> {
  const iat = Math.floor(now / 1000);
  const exp = iat + ttlSeconds;
  const ticket = await new SignJWT({ use: 'file' }).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt(iat).setExpirationTime(exp).sign(ticketKey(secret));
  return { ticket, expiresAt: exp * 1000 };
}

/** The user a ticket was issued to; TOKEN_EXPIRED or TOKEN_INVALID otherwise (forged, tampered, a user token). */
export async function verifyFileTicket(secret: Uint8Array, ticket: string, now: number): Promise<string> {
  try {
    const { payload } = await jwtVerify(ticket, ticketKey(secret), { algorithms: ['HS256'], currentDate: new Date(now) });
    if (payload['use'] !== 'file' || typeof payload.sub !== 'string' || !ID_PATTERN.test(payload.sub)) throw new Error('not a file ticket');
    return payload.sub;
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new ChatError('TOKEN_EXPIRED', 'The file ticket has expired.');
    throw new ChatError('TOKEN_INVALID', 'The file ticket is not valid.', { cause: err });
  }
}
