/**
 * Runs the server exactly as `npm start` does (the built `dist/server/main.js`, serving the
 * built demo) on a free loopback port with a throwaway data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForHttp, stop } from '../../bench/lib/spawn.js';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface RunningServer {
  url: string;
  adminKey: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Calls the server's REST API with its admin key: the answer's JSON; throws with the status and body when refused. */
export async function adminRequest<T>(server: RunningServer, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.adminKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function startBuiltServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const main = join(ROOT, 'dist/server/main.js');
  if (!existsSync(main) || !existsSync(join(ROOT, 'dist/demo/index.html'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm run test:e2e does)');
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'natter-e2e-'));
  const adminKey = 'e2e-admin-key-0123456789';
  const child = spawn(process.execPath, [main], {
    // NATTER_DEV=1 as `npm start` sets it: the demo and these tests get tokens at /v1/dev/token.
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', NATTER_DEV: '1', NATTER_DATA_DIR: dataDir, NATTER_ADMIN_KEY: adminKey, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the server exited with ${code} before it was healthy`))),
  );
  exited.catch(() => {});
  await Promise.race([waitForHttp(`${url}/healthz`), exited]);
  return {
    url,
    adminKey,
    child,
    async stop() {
      await stop(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
