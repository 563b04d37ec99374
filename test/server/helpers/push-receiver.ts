import { execFileSync } from 'node:child_process';
import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error http_ece ships no types
import ece from 'http_ece';
import { GUARD_MS } from '../../guard.js';

/** A self-signed certificate for 127.0.0.1 (openssl), made once per process. */
let cert: { key: string; cert: string } | undefined;
export function loopbackCert(): { key: string; cert: string } {
  if (cert) return cert;
  const dir = mkdtempSync(join(tmpdir(), 'natter-cert-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  cert = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  rmSync(dir, { recursive: true, force: true });
  return cert;
}

/** A browser's side of a subscription: its ECDH key pair and auth secret. */
export interface FakeBrowser {
  ecdh: ECDH;
  auth: Buffer;
  /** What `PushSubscription.toJSON()` would give for `endpoint`. */
  subscription(endpoint: string, deviceId?: string): { endpoint: string; keys: { p256dh: string; auth: string }; deviceId?: string };
  /** Decrypts an aes128gcm body (RFC 8291) with this browser's private key and auth secret. */
  decrypt(body: Buffer): string;
}

export function fakeBrowser(): FakeBrowser {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    ecdh, auth,
    subscription: (endpoint, deviceId) => ({
      endpoint, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') }, ...(deviceId !== undefined && { deviceId }),
    }),
    decrypt: (body) => (ece.decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth.toString('base64url') }) as Buffer).toString('utf8'),
  };
}

export interface ReceivedPush {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A push service on https://127.0.0.1:<port>: records every request, answers `status(path)` (201 by default). */
export async function startPushReceiver(): Promise<{
  url: string;
  received: ReceivedPush[];
  status: (path: string, attempt: number) => number;
  setStatus(fn: (path: string, attempt: number) => number): void;
  waitFor(n: number, ms?: number): Promise<ReceivedPush[]>;
  close(): Promise<void>;
}> {
  const received: ReceivedPush[] = [];
  let status = (_path: string, _attempt: number) => 201;
  const server = https.createServer(loopbackCert(), (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks) });
      const code = status(path, received.filter((r) => r.path === path).length);
      if (code === 429) res.setHeader('retry-after', '0');
      res.writeHead(code).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `https://127.0.0.1:${port}`,
    received,
    get status() {
      return status;
    },
    setStatus(fn) {
      status = fn;
    },
    async waitFor(n, ms = GUARD_MS) {
      const end = Date.now() + ms;
      while (received.length < n) {
        if (Date.now() > end) throw new Error(`expected ${n} pushes, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return received;
    },
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
