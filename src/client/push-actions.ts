/**
 * Web Push subscriptions of this device (SPEC §10) over REST: the server's VAPID key, storing and
 * removing the browser's subscription. Loaded by `client.webPush()` the first time, so the script
 * tag's first paint does not carry it.
 */
import { ChatError, type ErrorBody } from '../protocol/error-codes.js';

/** This device's Web Push subscription on the server. */
export interface WebPush {
  /** The server's VAPID public key (base64url), for `pushManager.subscribe({applicationServerKey})`. */
  publicKey(): Promise<string>;
  /** Stores the browser's subscription (`PushSubscription.toJSON()`) for this device; it replaces the device's previous one. */
  save(subscription: { endpoint?: string; keys?: Record<string, string>; expirationTime?: number | null }): Promise<void>;
  /** Removes this device's subscription by its endpoint. */
  remove(endpoint: string): Promise<void>;
}

export interface WebPushContext {
  apiBase: string;
  /** The user token; `fresh` asks for a new one (once, after a 401). */
  token(fresh: boolean): Promise<string>;
  deviceId(): string;
}

export function createWebPush({ apiBase, token, deviceId }: WebPushContext): WebPush {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    for (let fresh = false; ; fresh = true) {
      const res = await fetch(apiBase + path, {
        method,
        headers: { authorization: `Bearer ${await token(fresh)}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      if (res.status === 401 && !fresh) continue;
      const text = await res.text();
      const parsed: unknown = text ? JSON.parse(text) : undefined;
      if (res.ok) return parsed;
      if (parsed && typeof (parsed as ErrorBody).code === 'number') throw ChatError.from(parsed as ErrorBody);
      throw new ChatError('UNAVAILABLE', `HTTP ${res.status}`);
    }
  };
  return {
    async publicKey() {
      return ((await call('GET', '/v1/push/vapid-public-key')) as { publicKey: string }).publicKey;
    },
    async save(subscription) {
      await call('POST', '/v1/push/subscriptions', { ...subscription, deviceId: deviceId() });
    },
    async remove(endpoint) {
      await call('DELETE', '/v1/push/subscriptions', { endpoint });
    },
  };
}
