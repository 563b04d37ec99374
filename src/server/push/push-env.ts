import type { PushOptions } from './push-service.js';

const on = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v);
const off = (v: string | undefined) => v !== undefined && /^(0|false|no|off)$/i.test(v);

/**
 * Web Push from the environment: on with NATTER_PUSH=1, when VAPID keys are given, or in dev
 * mode (unless NATTER_PUSH=0). NATTER_VAPID_PUBLIC_KEY / NATTER_VAPID_PRIVATE_KEY (base64url;
 * default: generated once and kept in the store), NATTER_VAPID_SUBJECT (mailto: or https:),
 * NATTER_PUSH_PREVIEW=0 ("New message" instead of the text), NATTER_PUSH_TTL (seconds, 86400),
 * NATTER_PUSH_ALLOW_LOOPBACK=1 (tests only: loopback endpoints on any port).
 */
export function pushFromEnv(env: Record<string, string | undefined>, dev: boolean): PushOptions | undefined {
  const publicKey = env['NATTER_VAPID_PUBLIC_KEY'] || undefined;
  const privateKey = env['NATTER_VAPID_PRIVATE_KEY'] || undefined;
  if (off(env['NATTER_PUSH'])) return undefined;
  if (!on(env['NATTER_PUSH']) && !publicKey && !privateKey && !dev) return undefined;
  const ttl = env['NATTER_PUSH_TTL'];
  if (ttl !== undefined && ttl !== '' && !/^\d+$/.test(ttl)) throw new TypeError(`NATTER_PUSH_TTL must be a number of seconds, not "${ttl}".`);
  return {
    ...(publicKey && { vapidPublicKey: publicKey }),
    ...(privateKey && { vapidPrivateKey: privateKey }),
    ...(env['NATTER_VAPID_SUBJECT'] && { vapidSubject: env['NATTER_VAPID_SUBJECT'] }),
    ...(off(env['NATTER_PUSH_PREVIEW']) && { preview: false }),
    ...(ttl && { ttlSeconds: Number(ttl) }),
    ...(on(env['NATTER_PUSH_ALLOW_LOOPBACK']) && { allowLoopback: true }),
  };
}
