import { createHmac, timingSafeEqual } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

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

/** Kept-alive connections to the endpoints (node:http: far less CPU per request than fetch). */
const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 64 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }) };

/** The error of a call that ran out of time (`name` TimeoutError, as an aborted fetch's). */
class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * POSTs a signed JSON body: http(s) only, no redirect followed (a 3xx is answered as it is),
 * given up after `timeoutMs` (TimeoutError). Resolves with the status and the body text (at
 * most `maxBody` characters; the rest is not read).
 */
export function postSigned(
  url: string, secret: string, body: string, opts: { timeoutMs: number; now: number; headers?: Record<string, string>; maxBody?: number },
): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return Promise.reject(new Error('only http(s) URLs are called'));
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(u, {
      method: 'POST',
      agent: u.protocol === 'https:' ? agents.https : agents.http,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'user-agent': 'natter-webhooks/1',
        [SIGNATURE_HEADER]: signatureHeader(secret, body, Math.floor(opts.now / 1000)),
        ...opts.headers,
      },
    }, (res) => {
      const max = opts.maxBody ?? 0;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (text.length < max) text += chunk;
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, text: text.slice(0, max) });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const timer = setTimeout(() => req.destroy(new TimeoutError(`no answer in ${opts.timeoutMs} ms`)), opts.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}
