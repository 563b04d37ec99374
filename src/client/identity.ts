/** Creates a clientMsgId (the idempotency key of a send): 22+ url-safe characters. */
export function createClientMsgId(): string {
  return randomId();
}

/** Creates a device id: stable per browser profile once it is persisted. */
export function createDeviceId(): string {
  return `d-${randomId()}`.slice(0, 64);
}

function randomId(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID().replaceAll('-', '');
  // Old browsers without randomUUID: getRandomValues is older and enough for an id.
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The `sub` claim of a JWT, read WITHOUT verifying the signature (the server verifies).
 * The client only uses it to pick the device storage of this user before it connects.
 */
export function tokenSubject(token: string | undefined): string | undefined {
  if (!token) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const base64 = parts[1].replaceAll('-', '+').replaceAll('_', '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const json = new TextDecoder().decode(Uint8Array.from(atob(padded), (ch) => ch.charCodeAt(0)));
    const payload: unknown = JSON.parse(json);
    if (payload && typeof payload === 'object' && 'sub' in payload && typeof payload.sub === 'string') {
      return payload.sub;
    }
  } catch {
    // Not a JWT we can read: the caller falls back to another storage key.
  }
  return undefined;
}
