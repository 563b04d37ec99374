/**
 * Creates a clientMsgId (the idempotency key of a send): 32 hex characters, the time in
 * milliseconds first, then 80 random bits. Time-ordered keys land at the right edge of the
 * server's idempotency index, a page or two per commit; random ones land on a page each.
 */
export function createClientMsgId(): string {
  return Date.now().toString(16).padStart(12, '0') + randomHex(10);
}

/** Creates a device id: stable per browser profile once it is persisted. */
export function createDeviceId(): string {
  return `d-${randomId()}`.slice(0, 64);
}

function randomId(): string {
  return randomHex(16);
}

function randomHex(length: number): string {
  const c = globalThis.crypto;
  const bytes = new Uint8Array(length);
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
