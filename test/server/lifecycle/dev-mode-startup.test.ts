/**
 * Dev mode is asked for, never fallen into: `natter-server` (its build or src/server/main.ts)
 * without NATTER_SECRET and without NATTER_DEV refuses to start; dev mode refuses a
 * non-loopback HOST unless NATTER_DEV_ALLOW_REMOTE=1 too; the log names the address actually
 * bound, and prints the admin key only on a loopback bind.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort } from '../../../bench/lib/spawn.js';
import { serverMainArgs } from '../helpers/server-main.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/**
 * Runs `natter-server` with `env` (and no NATTER_* from the outside) until it exits or prints
 * its dev-mode line; then stops it. Its exit code (null when it was running) and its output.
 */
async function run(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'natter-devmode-'));
  dirs.push(dataDir);
  const outside = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NATTER_') && k !== 'HOST' && k !== 'PORT'));
  const child = spawn(process.execPath, serverMainArgs(), {
    env: { ...outside, PORT: String(await freePort()), NATTER_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const started = new Promise<void>((resolve) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      // The last line main prints about dev mode (or the listening line outside dev mode).
      if (/Admin key|listening on .*\n/.test(stdout) && (!env['NATTER_DEV'] || /Admin key/.test(stdout))) resolve();
    });
  });
  // Only against a hang: at load 26 (h4) this file's runs took up to 56 s a test (tsx loading the server each time).
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await Promise.race([exited, started.then(() => null)]);
  if (code === null) {
    child.kill('SIGTERM');
    await exited;
  }
  clearTimeout(timer);
  return { code, stdout, stderr };
}

test('without NATTER_SECRET and without NATTER_DEV it refuses to start and says which to set', async () => {
  const { code, stdout, stderr } = await run({ HOST: '127.0.0.1' });
  assert.equal(code, 1);
  assert.match(stderr, /set NATTER_SECRET .*or NATTER_DEV=1/);
  assert.doesNotMatch(stdout, /listening/);
});

test('NATTER_DEV=1 on a non-loopback HOST is refused unless NATTER_DEV_ALLOW_REMOTE=1 says so too', async () => {
  const refused = await run({ NATTER_DEV: '1', HOST: '0.0.0.0' });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /HOST=0\.0\.0\.0 is not loopback.*NATTER_DEV_ALLOW_REMOTE=1/);
  assert.doesNotMatch(refused.stdout, /listening/);

  const allowed = await run({ NATTER_DEV: '1', NATTER_DEV_ALLOW_REMOTE: '1', HOST: '0.0.0.0' });
  assert.equal(allowed.code, null, allowed.stderr);
  // The address actually bound, not a loopback one it does not only listen on.
  assert.match(allowed.stdout, /listening on 0\.0\.0\.0:\d+ \(reachable from other machines\)/);
  assert.match(allowed.stdout, /Admin key: kept in .*dev-admin-key \(not printed on a non-loopback bind\)/);
  assert.doesNotMatch(allowed.stdout, /Admin key \(kept in/);
});

test('NATTER_DEV=1 on loopback starts, logs the bound address and prints the admin key', async () => {
  const { code, stdout } = await run({ NATTER_DEV: '1', HOST: '127.0.0.1' });
  assert.equal(code, null);
  assert.match(stdout, /listening on 127\.0\.0\.1:\d+: http:\/\/127\.0\.0\.1:\d+/);
  assert.match(stdout, /Admin key \(kept in .*\): \S{16,}/);
});

test('with NATTER_SECRET and without NATTER_DEV it starts outside dev mode', async () => {
  const { code, stdout } = await run({ NATTER_SECRET: 'startup-test-secret-0123456789', HOST: '127.0.0.1' });
  assert.equal(code, null);
  assert.match(stdout, /listening on 127\.0\.0\.1:/);
  assert.doesNotMatch(stdout, /Dev mode|Admin key/);
});
