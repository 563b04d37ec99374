import { errors, jwtVerify, SignJWT } from 'jose';
import * as v from 'valibot';
import { ChatError, ID_PATTERN } from '../../protocol/index.js';
import { ProfileInputSchema } from './profile-input.js';
import type { Store } from './store.js';
import type { Profile, UserRecord } from './types.js';

/** The reserved sender of server-made system notifications; no token may claim it. */
export const SYSTEM_USER = 'system';

export interface UserClaims {
  userId: string;
  /** Profile fields the token carried; they update the stored profile. */
  profile: Profile;
  /** Ms since the epoch: `iat`, or for a token without one `exp` minus the longest lifetime. */
  issuedAt: number;
  /** Ms since the epoch: `exp`. The token is refused from then on, and a session it opened ends. */
  expiresAt: number;
}

/** What a user token must carry besides a valid signature (createChatServer's token options). */
export interface TokenPolicy {
  /** Longest accepted lifetime in seconds: `exp - iat`, or `exp - now` for a token without `iat`. */
  maxLifetimeSeconds: number;
  /** Required `aud` (one of the token's audiences), when set. */
  audience?: string;
  /** Required `iss`, when set. */
  issuer?: string;
}

/** How far ahead of ours a token issuer's clock may run. */
const CLOCK_SKEW_SECONDS = 60;

/** Default longest token lifetime: 7 days. */
export const DEFAULT_TOKEN_MAX_LIFETIME = 7 * 24 * 3600;
const DEFAULT_POLICY: TokenPolicy = { maxLifetimeSeconds: DEFAULT_TOKEN_MAX_LIFETIME };

/**
 * Verifies a user token: HS256 only (so `alg: none` and asymmetric-key confusion fail),
 * signed with the shared secret, `sub` a valid user id, `exp` present and not passed at `now`,
 * a lifetime within the policy's, and the policy's `aud` / `iss` when it sets them.
 */
export async function verifyUserToken(token: string, secret: Uint8Array, now: number, policy: TokenPolicy = DEFAULT_POLICY): Promise<UserClaims> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      currentDate: new Date(now),
      requiredClaims: ['exp'],
      ...(policy.audience !== undefined && { audience: policy.audience }),
      ...(policy.issuer !== undefined && { issuer: policy.issuer }),
    }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new ChatError('TOKEN_EXPIRED');
    if (err instanceof errors.JWTClaimValidationFailed) throw new ChatError('TOKEN_INVALID', `The token's \`${err.claim}\` claim is refused: ${err.reason === 'missing' ? 'missing' : 'not what this server expects'}.`, { cause: err });
    throw new ChatError('TOKEN_INVALID', undefined, { cause: err });
  }
  const sub = payload.sub;
  if (typeof sub !== 'string' || !ID_PATTERN.test(sub) || sub === SYSTEM_USER) {
    throw new ChatError('TOKEN_INVALID', 'The token has no valid user id (sub).');
  }
  const exp = payload.exp!;
  const iat = typeof payload.iat === 'number' ? payload.iat : undefined;
  // Counted from `iat`, and from now too, so an `iat` in the future cannot stretch it (a minute
  // of leeway for a backend whose clock runs ahead).
  const max = policy.maxLifetimeSeconds;
  if ((iat !== undefined && exp - iat > max) || exp - Math.floor(now / 1000) > max + CLOCK_SKEW_SECONDS) {
    throw new ChatError('TOKEN_INVALID', `The token lives longer than this server accepts (${policy.maxLifetimeSeconds} s from \`iat\`).`);
  }
  // Profile claims that do not fit the protocol are ignored rather than refusing the login.
  const profile: Profile = {};
  const parsed = v.safeParse(ProfileInputSchema, { name: payload['name'], avatar: payload['avatar'] });
  if (parsed.success) Object.assign(profile, parsed.output);
  else {
    const name = v.safeParse(ProfileInputSchema.entries.name, payload['name']);
    if (name.success && name.output !== undefined) profile.name = name.output;
  }
  // Without `iat`, the earliest it can have been issued under the policy.
  return { userId: sub, profile, issuedAt: (iat ?? exp - policy.maxLifetimeSeconds) * 1000, expiresAt: exp * 1000 };
}

/**
 * A session's or request's user from a token: verified, then refused USER_DELETED for a deleted
 * user, and TOKEN_INVALID when it was issued before the user was last created again (deleting
 * a user revokes every token issued until then). The user's record is undefined for a first login.
 */
export async function authenticate(
  store: Pick<Store, 'getUser'>,
  token: string,
  secret: Uint8Array,
  now: number,
  policy?: TokenPolicy,
): Promise<{ claims: UserClaims; user: UserRecord | undefined }> {
  const claims = await verifyUserToken(token, secret, now, policy);
  const user = await store.getUser(claims.userId);
  if (user?.deleted) throw new ChatError('USER_DELETED');
  // `iat` has whole seconds: a token of the very second of re-creation still counts as after it.
  if (user?.tokensValidAfter !== undefined && claims.issuedAt < Math.floor(user.tokensValidAfter / 1000) * 1000) {
    throw new ChatError('TOKEN_INVALID', 'The token was issued before this user was deleted and created again.');
  }
  return { claims, user };
}

/** Lifetime of a token signed without `ttlSeconds`: 24 h. */
const DEFAULT_SIGNED_TTL = 24 * 3600;

/** Signs a user token as a host site's backend would (admin REST, dev mode, tests); it always has `iat` and `exp`. */
export async function signUserToken(
  secret: Uint8Array,
  userId: string,
  options: { now: number; ttlSeconds?: number; profile?: Profile; audience?: string; issuer?: string },
): Promise<string> {
  const iat = Math.floor(options.now / 1000);
  const jwt = new SignJWT({ ...options.profile }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(userId).setIssuedAt(iat);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  return jwt.setExpirationTime(iat + (options.ttlSeconds ?? DEFAULT_SIGNED_TTL)).sign(secret);
}
