import { errors, jwtVerify, SignJWT } from 'jose';
import * as v from 'valibot';
import { ChatError, ID_PATTERN, ProfileSchema } from '../../protocol/index.js';
import type { Profile } from './types.js';

/** The reserved sender of server-made system notifications; no token may claim it. */
export const SYSTEM_USER = 'system';

export interface UserClaims {
  userId: string;
  /** Profile fields the token carried; they update the stored profile. */
  profile: Profile;
}

/**
 * Verifies a user token: HS256 only (so `alg: none` and asymmetric-key confusion fail),
 * signed with the shared secret, `sub` a valid user id, not expired at `now`.
 */
export async function verifyUserToken(token: string, secret: Uint8Array, now: number): Promise<UserClaims> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], currentDate: new Date(now) }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new ChatError('TOKEN_EXPIRED');
    throw new ChatError('TOKEN_INVALID', undefined, { cause: err });
  }
  const sub = payload.sub;
  if (typeof sub !== 'string' || !ID_PATTERN.test(sub) || sub === SYSTEM_USER) {
    throw new ChatError('TOKEN_INVALID', 'The token has no valid user id (sub).');
  }
  // Profile claims that do not fit the protocol are ignored rather than refusing the login.
  const profile: Profile = {};
  const parsed = v.safeParse(ProfileSchema, { name: payload['name'], avatar: payload['avatar'] });
  if (parsed.success) Object.assign(profile, parsed.output);
  else {
    const name = v.safeParse(ProfileSchema.entries.name, payload['name']);
    if (name.success && name.output !== undefined) profile.name = name.output;
  }
  return { userId: sub, profile };
}

/** Signs a user token as a host site's backend would (admin REST, dev mode, tests). */
export async function signUserToken(
  secret: Uint8Array,
  userId: string,
  options: { now: number; ttlSeconds?: number; profile?: Profile },
): Promise<string> {
  const iat = Math.floor(options.now / 1000);
  const jwt = new SignJWT({ ...options.profile }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(userId).setIssuedAt(iat);
  if (options.ttlSeconds !== undefined) jwt.setExpirationTime(iat + options.ttlSeconds);
  return jwt.sign(secret);
}

/** Constant-time comparison of a presented admin key with the configured one. */
export function adminKeyMatches(presented: string | undefined, adminKey: string | undefined): boolean {
  if (!presented || !adminKey) return false;
  // Web-standard (no node:crypto), so the core also runs in a browser: compare every byte.
  const a = new TextEncoder().encode(presented);
  const b = new TextEncoder().encode(adminKey);
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
