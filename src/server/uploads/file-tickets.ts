import { errors, jwtVerify, SignJWT } from 'jose';
import { ChatError, ID_PATTERN } from '../../protocol/index.js';

/** Lifetime of a file ticket. Clients refresh at half of it, so a URL handed out stays good for 30 min or more. */
export const FILE_TICKET_TTL_SECONDS = 3600;

export interface FileTicket {
  ticket: string;
  /** Ms since the epoch. */
  expiresAt: number;
}

/** A file id as the file routes accept it. */
export const FILE_ID = /^[A-Za-z0-9-]{8,64}$/;

// A key of its own, derived from the server secret: a ticket is never a user token, nor the
// reverse. WebCrypto, not node:crypto, so the core (which issues tickets at session.ready) also
// bundles for the in-browser demo server (src/local). Same bytes as HMAC-SHA256 in node:crypto.
const keys = new WeakMap<Uint8Array, Promise<Uint8Array>>();
function ticketKey(secret: Uint8Array): Promise<Uint8Array> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const hmac = await crypto.subtle.importKey('raw', secret as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      return new Uint8Array(await crypto.subtle.sign('HMAC', hmac, new TextEncoder().encode('natter file ticket v1')));
    })();
    keys.set(secret, key);
  }
  return key;
}

/**
 * A short-lived capability to fetch one file as `userId` (SPEC: "signed URLs"): an HS256 JWT
 * under a key derived from the server secret, put in that file's URL as `?ticket=`. It opens
 * the file named by its claim `fid` and no other, so a leaked URL opens one file. Whether the
 * user may still read the file is decided per request.
 */
export async function issueFileTicket(
  secret: Uint8Array,
  userId: string,
  now: number,
  options: { fileId: string; ttlSeconds?: number },
): Promise<FileTicket> {
  const iat = Math.floor(now / 1000);
  const exp = iat + (options.ttlSeconds ?? FILE_TICKET_TTL_SECONDS);
  const claims = { use: 'file', fid: options.fileId };
  const ticket = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt(iat).setExpirationTime(exp).sign(await ticketKey(secret));
  return { ticket, expiresAt: exp * 1000 };
}

/**
 * The user a ticket was issued to, when it may open `fileId`; TOKEN_EXPIRED or TOKEN_INVALID
 * otherwise (forged, tampered, a user token, a ticket for another file or for no file: the
 * user-wide tickets of older servers no longer open anything).
 */
export async function verifyFileTicket(secret: Uint8Array, ticket: string, now: number, fileId: string): Promise<string> {
  let payload;
  try {
    ({ payload } = await jwtVerify(ticket, await ticketKey(secret), { algorithms: ['HS256'], currentDate: new Date(now), requiredClaims: ['exp'] }));
    if (payload['use'] !== 'file' || typeof payload.sub !== 'string' || !ID_PATTERN.test(payload.sub)) throw new Error('not a file ticket');
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new ChatError('TOKEN_EXPIRED', 'The file ticket has expired.');
    throw new ChatError('TOKEN_INVALID', 'The file ticket is not valid.', { cause: err });
  }
  if (payload['fid'] !== fileId) throw new ChatError('TOKEN_INVALID', 'The file ticket is for another file.');
  return payload.sub;
}
