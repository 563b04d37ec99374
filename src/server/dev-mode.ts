import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLoopbackHost } from './origin-policy.js';

/**
 * Reads a secret kept in the data dir, or makes one and keeps it (mode 0600), so dev tokens
 * and the admin key stay valid across restarts.
 */
export function persistentSecret(dataDir: string, file: string): string {
  const path = join(dataDir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}

const flag = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v);

/**
 * Dev mode (anyone may mint a token for any id at `/v1/dev/token`) only when asked for with
 * NATTER_DEV=1, never because a secret is missing; and only on a loopback address unless
 * NATTER_DEV_ALLOW_REMOTE=1 says so too. Throws the operator's message otherwise.
 */
export function devModeOf(env: Record<string, string | undefined>, host: string): boolean {
  const dev = flag(env['NATTER_DEV']);
  if (!dev && !env['NATTER_SECRET']) {
    throw new Error(
      'natter-server: set NATTER_SECRET (the HS256 secret your backend signs user tokens with) to run it, ' +
        'or NATTER_DEV=1 for local development (anyone may then get a token for any user: never expose it).',
    );
  }
  if (dev && !isLoopbackHost(host) && !flag(env['NATTER_DEV_ALLOW_REMOTE'])) {
    throw new Error(
      `natter-server: dev mode hands out tokens for any user to whoever asks, so it listens on loopback only; ` +
        `HOST=${host} is not loopback. Use HOST=127.0.0.1, or also set NATTER_DEV_ALLOW_REMOTE=1 if every machine that can reach it may act as any user.`,
    );
  }
  return dev;
}
