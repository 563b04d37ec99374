import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature header of webhook deliveries and of before-send calls:
 * `X-Natter-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
 */
export const SIGNATURE_HEADER = 'x-natter-signature';

export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * What a receiver does (the README shows the same steps): recompute the HMAC over the raw body,
 * compare in constant time, and refuse a timestamp further than `toleranceSeconds` from now.
 */
export function verifySignature(secret: string, body: string, header: string | undefined, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts['t']);
  const v1 = parts['v1'] ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !/^[0-9a-f]{64}$/.test(v1)) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}

/**
 * POSTs a signed JSON body: http(s) only, no redirect followed (a 3xx is a failure), aborted
 * after `timeoutMs`. Resolves with the status and the body text (at most `maxBody` characters).
 */
export async function postSigned(
  url: string, secret: string, body: string, opts: { timeoutMs: number; now: number; headers?: Record<string, string>; maxBody?: number },
): Promise<{ status: number; text: string }> {
  if (!/^https?:\/\//i.test(url)) throw new Error('only http(s) URLs are called');
  const res = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    signal: AbortSignal.timeout(opts.timeoutMs),
    headers: {
      'content-type': 'application/json',
      'user-agent': 'natter-webhooks/1',
      [SIGNATURE_HEADER]: signatureHeader(secret, body, Math.floor(opts.now / 1000)),
      ...opts.headers,
    },
    body,
  });
  const max = opts.maxBody ?? 0;
  if (max === 0) {
    await res.body?.cancel().catch(() => undefined);
    return { status: res.status, text: '' };
  }
  const text = await res.text();
  return { status: res.status, text: text.slice(0, max) };
}
