/**
 * `natter-server` (main.ts) installs the process guard: an exception nothing caught and a
 * promise rejection nothing handled are logged and the server keeps serving. An embedded
 * server (createChatServer) leaves the process's handlers to its owner.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../../bench/lib/spawn.js';
import { serverMainArgs } from './helpers/server-main.js';
import { startServer } from './helpers/test-server.js';
import { until } from '../guard.js';

const FAULTS = new URL('./fixtures/fault-on-signal.ts', import.meta.url).pathname;

test('natter-server logs an uncaught exception and an unhandled rejection and keeps serving', { timeout: 90_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'natter-guard-'));
  const port = await freePort();
  const child = spawn(process.execPath, serverMainArgs(FAULTS), {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', NATTER_DATA_DIR: dataDir, NATTER_SECRET: 'guard-secret-0123456789-abcdefghij', NATTER_ADMIN_KEY: 'guard-admin-key-0123456789' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exit: number | string | null | undefined;
  child.once('exit', (code, signal) => (exit = code ?? signal));
  try {
    await until(() => output.includes('listening on') || exit !== undefined, 'the server to listen');
    assert.equal(exit, undefined, output);
    child.kill('SIGUSR2');
    await until(() => (output.includes('injected uncaught exception') && output.includes('injected unhandled rejection')) || exit !== undefined, 'both faults to be logged');
    assert.match(output, /uncaught exception; the server keeps running/);
    assert.match(output, /unhandled promise rejection; the server keeps running/);
    // Still up and answering.
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(exit, undefined, `the server exited: ${output}`);
    child.kill('SIGTERM');
    await until(() => exit !== undefined, 'a clean shutdown');
    assert.equal(exit, 0);
  } finally {
    if (exit === undefined) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('an embedded server (createChatServer) installs no process-wide handlers', async () => {
  const before = [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
  const t = await startServer();
  try {
    assert.deepEqual([process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')], before);
  } finally {
    await t.stop();
  }
});
